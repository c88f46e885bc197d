"""Transcribing an interview: per channel, speech only, batched, resumable, with loop guards.

Why it is faster than plain faster-whisper on a phone interview: each channel is cut to its
speech (``speech_regions``: Silero VAD or the channel's own loudness) and decoded by
faster-whisper's batched pipeline; the other speaker's time and the silences cost nothing. The
channel is the speaker, so no diarization model is needed. Each channel is worked through in
windows of a few minutes, cut in silences (``windows``): a window is the unit of checkpoints and
of cancelling, so an interrupted run continues; its audio is read from the file as it is needed
(``WindowAudio``), so memory stays flat. On a CPU two decoders of a thread each share out the
chunks of the windows in flight (``_decode_windows`` says why).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from .. import __version__
from ..fileio import atomic_write_text, one_run_at_a_time
from ..model.languages import whisper_language
from .audio_input import SAMPLE_RATE, Recording, WindowAudio, file_sha256
from ..model.transcript import Segment, Transcript, Word
from ..session.roles import MIXED_LABEL
from .segments import (capitalise_sentence_starts, is_stretched, looks_like_a_loop, snap_turn_starts,
                       split_into_segments, without_stretched_words)
from .speakers import guide_question_score, label_speakers
from .prompt import guide_prompt, holds_a_prompt_word, prompt_words
from .speech_regions import Region, SpeechOnly, lay_end_to_end, speech_regions, uncovered
from .options import GPU_BATCH_SIZE, Progress, TranscribeOptions, vad_options
from .windows import Window, plan_of, plan_windows

MONO_WINDOW_MIN_SECONDS = 60.0
CUT_SHORT_SECONDS, CUT_SHORT_WORDS_PER_SECOND = 8.0, 0.8
"""A chunk of at least this much speech with fewer words a second than this was cut short by the
decoder (talk runs at 2–3 words a second; the dev case: 11 words for 27 s)."""
MISSED_SPEECH_SECONDS = 2.0
"""A stretch of a speech region this long with no decoded word in it is decoded again (regions
come padded by 0.3 s, and the words' ends are Whisper's: shorter gaps are the padding)."""
MISSED_SPEECH_PASSES = 2


def _no_speech(result) -> bool:
    """Whisper's own test for a window that held no speech (it decodes noise into words)."""
    return result.no_speech_prob > 0.6 and result.avg_logprob < -1.0


def _cut_short(result, speech: SpeechOnly) -> bool:
    """Whisper wrote far fewer words than a chunk of this much speech holds (speech runs at 2–3
    words a second; one sentence for 27 s of talk is a decoder that stopped early)."""
    chunk = speech.chunk_at((result.start + result.end) / 2)  # one result per chunk, timed by its words
    seconds = chunk["end"] - chunk["start"]
    return seconds >= CUT_SHORT_SECONDS and len(result.words or []) < CUT_SHORT_WORDS_PER_SECOND * seconds


class TranscriptionJob:
    """One recording to one transcript. Iterate ``run()`` for progress; stop iterating (or set
    ``cancel``) to cancel — the checkpoint keeps what was done, and the next run continues."""

    def __init__(self, audio_path: Path, output_path: Path, options: TranscribeOptions,
                 model=None, session_id: str | None = None):
        from .models import AUTO_MODEL, auto_model

        if options.model == AUTO_MODEL:  # the transcript and checkpoint name the model really used
            options = replace(options, model=auto_model({options.language}))
        self.audio_path = Path(audio_path)
        self.output_path = Path(output_path)
        self.checkpoint_path = self.output_path.with_name(f".{self.output_path.stem}.partial.json")
        self.options = options
        self.model = model
        self.session_id = session_id
        self.cancel = threading.Event()
        self.transcript: Transcript | None = None
        self.resumed_seconds = 0.0

    def _load_model(self):
        if self.model is None:
            from .models import load_whisper

            self.model = load_whisper(self.options.model, self.options.device, self.options.compute_type,
                                      self.options.cpu_threads)
        return self.model

    def _read_checkpoint(self, audio_hash: str, windows: list[Window]) -> tuple[set[int], list[Segment]]:
        if not self.checkpoint_path.is_file():
            return set(), []
        try:
            saved = Transcript.model_validate_json(self.checkpoint_path.read_text(encoding="utf-8"))
        except Exception:
            return set(), []  # a damaged checkpoint only costs time: start over
        if saved.audio_sha256 != audio_hash or saved.settings.get("options") != self._settings() \
                or saved.settings.get("windows") != plan_of(windows):
            return set(), []  # done windows count by their place in the plan: only the same plan continues
        return set(saved.settings.get("done_windows", [])), saved.segments

    def _settings(self) -> dict:
        return {**self.options.as_settings(), "model": self.options.model}

    def _write_checkpoint(self, base: Transcript, done: set[int], windows: list[Window]) -> None:
        partial = base.model_copy(update={"settings": {"options": self._settings(), "done_windows": sorted(done),
                                                       "windows": plan_of(windows)}})
        atomic_write_text(self.checkpoint_path, partial.model_dump_json())

    def run(self) -> Iterator[Progress]:
        started = time.perf_counter()
        self.output_path.parent.mkdir(parents=True, exist_ok=True)
        lock = self.output_path.with_name(f".{self.output_path.stem}.transcribing.lock")
        busy = (f"{self.output_path.name}: being transcribed by another run (process {{pid}}) — wait for it to "
                "finish, or stop it, then run this again")
        with one_run_at_a_time(lock, busy), Recording(self.audio_path, self.output_path.parent) as recording:
            yield from self._run(recording, started)

    def _run(self, recording: Recording, started: float) -> Iterator[Progress]:
        audio_hash = file_sha256(self.audio_path)
        labels = list(self.options.speakers)
        if recording.channels == 1:  # one channel: who spoke is worked out at the end (speakers.py)
            speakers = labels[:1] if len(labels) == 1 else [MIXED_LABEL]
        else:
            speakers = labels if len(labels) >= 2 else ["Interviewer", "Informant"]
        window_seconds = self.options.window_seconds
        if recording.channels == 1:  # two windows at least, for the two decoders (_decode_windows)
            window_seconds = min(window_seconds, max(MONO_WINDOW_MIN_SECONDS, recording.seconds / 2))
        windows = sorted((w for channel in range(recording.channels)
                          for w in plan_windows(recording, channel, window_seconds)),
                         key=lambda w: (w.start, w.channel))
        total = sum(w.seconds for w in windows)
        base = Transcript(audio_file=self.audio_path.name, audio_sha256=audio_hash,
                          audio_seconds=round(recording.seconds, 3),
                          speakers=speakers[: recording.channels], session_id=self.session_id,
                          model=self.options.model, language=whisper_language(self.options.language),
                          software=f"interview-tui {__version__}")
        done, segments = self._read_checkpoint(audio_hash, windows)
        self.resumed_seconds = sum(windows[i].seconds for i in done if i < len(windows))
        done_seconds = self.resumed_seconds
        yield Progress(done_seconds / total if total else 0.0, done_seconds, total, len(segments),
                       "resumed from checkpoint" if done else "")
        pending = [i for i in range(len(windows)) if i not in done]
        if pending:
            self._load_model()
            finished = yield from self._decode_windows(recording, windows, pending, speakers, base, segments, done,
                                                       done_seconds, total)
            if not finished:
                return  # cancelled: the checkpoint keeps the windows done
        base.segments = sorted(segments, key=lambda s: (s.start, s.channel))
        if recording.channels == 1 and len(labels) >= 2 and base.segments:
            found = label_speakers(lambda start, end: recording.read(0, start, end), recording.seconds,
                                   base.segments, tuple(labels), guide_question_score(self.options.vocabulary))
            base.segments, base.speakers = found.segments, found.speakers
        capitalise_sentence_starts(base.segments)
        # Where the recording was read from: one brought from a dictaphone stays where it is, and
        # the review plays it from there (exports drop the settings: no path leaves the machine).
        base.settings = {**self.options.as_settings(), "recording_path": str(self.audio_path.resolve())}
        base.speech_seconds = round(sum(s.end - s.start for s in base.segments), 3)
        base.processing_seconds = round(time.perf_counter() - started, 2)
        base.save(self.output_path)
        self.checkpoint_path.unlink(missing_ok=True)
        self.transcript = base
        yield Progress(1.0, total, total, len(base.segments), "done")

    def _decode_windows(self, recording: Recording, windows: list[Window], pending: list[int], speakers: list[str],
                        base: Transcript, segments: list[Segment], done: set[int], done_seconds: float, total: float):
        """The pending windows, decoded side by side; this generator collects them in whatever
        order they finish, checkpoints each and reports progress. Returns False when cancelled (or
        closed).

        Why side by side: CTranslate2 runs calls from different threads in parallel, and one thread
        each on two chunks does far more than two threads on one (Whisper tiny's matrices are too
        small to share out well): the two channels of a 3-minute interview took 2.4 s against 3.6 s
        (2 cores, dev). A window is read and cut to its speech in a worker of its own (``pool``);
        its chunks go to the decoders (``decoders``), a batch at a time, shared by every window in
        flight. Why shared: the two channels never hold the same amount of speech (an informant
        talks more), and with a decoder to a window the one that finished first sat idle while the
        other decoded the informant's last window — on the 4-minute readers, 8.6 of 15.8 s (base)."""
        reached: dict[int, list[float]] = {index: [0.0] for index in pending}  # a window's parts write their own
        queued, futures = list(pending), {}
        workers = max(1, getattr(self.model.model, "num_workers", 1))
        with ThreadPoolExecutor(workers, thread_name_prefix="transcribe-decoder") as decoders, \
                ThreadPoolExecutor(workers, thread_name_prefix="transcribe-window") as pool:
            try:
                while queued or futures:
                    # Without a language given, one window at a time until Whisper has heard which.
                    while queued and len(futures) < (workers if base.language else 1):
                        index = queued.pop(0)
                        futures[pool.submit(self._transcribe_window, decoders, recording, windows[index],
                                            speakers[windows[index].channel], base.language, reached, index)] = index
                    finished, _ = wait(futures, timeout=0.25, return_when=FIRST_COMPLETED)
                    for future in sorted(finished, key=futures.get):
                        index, result = futures.pop(future), future.result()  # a worker's error is raised here
                        if result is None:
                            continue  # cancelled part-way: not done
                        found, heard_language = result
                        segments.extend(found)
                        segments.sort(key=lambda s: (s.start, s.channel))
                        base.language = base.language or heard_language
                        base.segments = segments
                        done.add(index)
                        done_seconds += windows[index].seconds
                        reached[index] = [0.0]
                        self._write_checkpoint(base, done, windows)
                    if self.cancel.is_set():
                        return False
                    decoded = done_seconds + sum(min(sum(parts), windows[index].seconds)
                                                 for index, parts in list(reached.items()))
                    yield Progress(min(decoded / total, 1.0) if total else 1.0, decoded, total, len(segments))
            finally:
                if futures:  # an error, a cancel or the caller stopped iterating: the others stop too
                    self.cancel.set()
                    for future in futures:
                        future.cancel()
        return True

    def _transcribe_window(self, decoders: ThreadPoolExecutor, recording: Recording, window: Window, speaker: str,
                           language: str | None, reached: dict[int, list[float]],
                           index: int) -> tuple[list[Segment], str | None] | None:
        """One window, in a worker thread: its segments and the language Whisper heard, or None when
        cancelled. Its chunks are decoded by ``decoders`` in parts of a batch each. What it needs
        comes as arguments; it writes only ``reached[index]`` (its parts, a slot each)."""
        audio = WindowAudio(recording, window.channel, window.start, window.end)  # read as needed, not held
        speech = lay_end_to_end(audio, speech_regions(audio, vad_options()))
        if not speech.chunks:
            return [], None
        size = self._batch_size()
        parts = [speech.chunks[first: first + size] for first in range(0, len(speech.chunks), size)]
        progress = reached[index] = [0.0] * len(parts)
        found: list[Segment] = []
        words = self._prompt_words()
        first, prompted = 0, bool(words)
        if language is None or (prompted and len(parts) > 1):
            # The first part hears the language, and shows whether this window's talk uses the
            # guide's words: where it does not, the rest go without them (``holds_a_prompt_word``).
            heard = decoders.submit(self._decode_part, speech, parts[0], audio, window, speaker, language,
                                    prompted, progress, 0).result()
            if heard is None:
                return None
            (found, language), first = heard, 1
            prompted = any(holds_a_prompt_word(segment.text, words) for segment in found)
        futures = [decoders.submit(self._decode_part, speech, parts[slot], audio, window, speaker, language,
                                   prompted, progress, slot) for slot in range(first, len(parts))]
        try:
            for future in futures:
                decoded = future.result()  # a decoder's error is raised here, and so in the run
                if decoded is None:
                    return None
                found.extend(decoded[0])
        finally:
            for future in futures:
                future.cancel()  # those not started, when one failed or the run was cancelled
        if self.cancel.is_set():
            return None
        found.extend(self._missed_speech(audio, speech.regions, found, window, speaker, language))
        return None if self.cancel.is_set() else (found, language)

    def _decode_part(self, speech: SpeechOnly, chunks: list[dict], audio: WindowAudio, window: Window, speaker: str,
                     language: str | None, prompted: bool, progress: list[float],
                     slot: int) -> tuple[list[Segment], str] | None:
        """Some of a window's chunks, in a decoder thread: their segments and the language heard,
        or None when cancelled. ``prompted``: with the guide's words as the prompt. Writes only
        ``progress[slot]``: the window's seconds its decoded chunks stand for."""
        if self.cancel.is_set():
            return None
        decoded, info = self._batched().transcribe(
            speech.audio, language=language, clip_timestamps=chunks, word_timestamps=True,
            beam_size=self.options.beam_size, batch_size=self._batch_size(),
            initial_prompt=self._prompt(language) if prompted else None)
        language = language or info.language
        speech_seconds = sum(chunk["end"] - chunk["start"] for chunk in speech.chunks)
        found: list[Segment] = []
        for result in decoded:
            if self.cancel.is_set():
                return None
            found.extend(self._segments_of(result, speech, audio, window, speaker, language)
                         if not _cut_short(result, speech) else
                         self._region_by_region(audio, speech, result, window, speaker, language, prompted))
            chunk = speech.chunk_at((result.start + result.end) / 2)
            progress[slot] += window.seconds * (chunk["end"] - chunk["start"]) / speech_seconds
        return found, language

    def _segments_of(self, result, speech: SpeechOnly, audio: WindowAudio, window: Window, speaker: str,
                     language: str | None) -> list[Segment]:
        """The segments of one decoded chunk, in channel time (a loop decoded again, flagged if it stays)."""
        words = [Word(word=w.word, start=start, end=end, probability=round(w.probability, 4))
                 for w in (result.words or [])
                 for start, end in [self._to_channel_time(speech, w.start, w.end, window)]]
        if not words or _no_speech(result):
            return []
        if looks_like_a_loop(result.text):
            return self._redecode(audio, words[0].start - window.start, words[-1].end - window.start, window,
                                  speaker, language)
        new = split_into_segments(words, speaker, window.channel)
        snap_turn_starts(new, audio, window.start)
        return new

    def _region_by_region(self, audio: WindowAudio, speech: SpeechOnly, result, window: Window,
                          speaker: str, language: str | None, prompted: bool) -> list[Segment]:
        """A chunk Whisper cut short, decoded again one speech region at a time (what it wrote of the
        whole chunk is dropped: its words were aligned to the wrong place, dev)."""
        chunk = speech.chunk_at((result.start + result.end) / 2)
        first, last = speech.region_of(chunk["start"] + 0.01), speech.region_of(max(chunk["end"] - 0.01, 0.0))
        retry = lay_end_to_end(audio, speech.regions[first: last + 1], chunk_max=0.0)
        decoded, _ = self._batched().transcribe(retry.audio, language=language, clip_timestamps=retry.chunks,
                                                word_timestamps=True, beam_size=self.options.beam_size,
                                                batch_size=self._batch_size(),
                                                initial_prompt=self._prompt(language) if prompted else None)
        return [seg for again in decoded for seg in self._segments_of(again, retry, audio, window, speaker, language)]

    def _missed_speech(self, audio: WindowAudio, regions: list[Region], found: list[Segment],
                       window: Window, speaker: str, language: str | None) -> list[Segment]:
        """Speech the decoder passed over, decoded on its own. Given a chunk, Whisper sometimes
        writes one sentence and stops, or starts late: on a one-channel mix of three voices,
        20–40 s of a 57 s recording came out as nothing (tiny.en). Stretches of a speech region
        with no word in them are decoded again (without the guide's words: it is where
        inventing them is likeliest), twice at most."""
        new: list[Segment] = []
        for _ in range(MISSED_SPEECH_PASSES):
            words = [(w.start - window.start, w.end - window.start) for seg in found + new for w in seg.words
                     if not is_stretched(w)]
            missed = uncovered(regions, words, MISSED_SPEECH_SECONDS)
            if not missed or self.cancel.is_set():
                break
            retry = lay_end_to_end(audio, missed)
            decoded, _ = self._batched().transcribe(retry.audio, language=language, clip_timestamps=retry.chunks,
                                                    word_timestamps=True, beam_size=self.options.beam_size,
                                                    batch_size=self._batch_size())
            more = [seg for result in decoded for seg in self._segments_of(result, retry, audio, window, speaker, language)]
            if not more:
                break
            found[:] = without_stretched_words(found, more)
            new.extend(more)
        return new

    def _batched(self):
        """faster-whisper's batched pipeline over the model: a new one for each call, since it keeps
        state between calls and calls run side by side."""
        from faster_whisper import BatchedInferencePipeline

        return BatchedInferencePipeline(self.model)

    def _batch_size(self) -> int:
        if self.options.batch_size:
            return self.options.batch_size
        if getattr(self.model.model, "device", "cpu") != "cpu":
            return GPU_BATCH_SIZE
        from .models import cpu_workers

        return cpu_workers(self.options.cpu_threads)[1]

    def _prompt(self, language: str | None) -> str | None:
        """The guide's terms, then the keywords Whisper needs help to spell (``words_to_spell``),
        as one sentence (``whisper_prompt``)."""
        return guide_prompt(self.options.terms, self.options.vocabulary, language, self.model.hf_tokenizer)

    def _prompt_words(self) -> list[str]:
        return prompt_words(self.options.terms, self.options.vocabulary, self.model.hf_tokenizer)

    @staticmethod
    def _to_channel_time(speech: SpeechOnly, start: float, end: float, window: Window) -> tuple[float, float]:
        region = speech.region_of((start + end) / 2)  # both ends in one region, as faster-whisper does
        return (round(window.start + speech.original_time(start, region), 3),
                round(window.start + speech.original_time(end, region), 3))

    def _redecode(self, audio: WindowAudio, start: float, end: float, window: Window, speaker: str,
                  language: str | None) -> list[Segment]:
        """Decode a looping stretch again with sampling; flag it if the loop survives."""
        piece = audio[int(start * SAMPLE_RATE): int(end * SAMPLE_RATE)]
        decoded, _ = self.model.transcribe(piece, language=language, beam_size=self.options.beam_size,
                                           temperature=(0.2, 0.4, 0.6, 0.8), compression_ratio_threshold=2.0,
                                           condition_on_previous_text=False, word_timestamps=True)
        # No guide words here: a loop is where the model has lost the audio, and sampling with
        # the guide's words as the prompt is how they get invented.
        offset = window.start + start
        words = [Word(word=w.word, start=round(w.start + offset, 3), end=round(w.end + offset, 3),
                      probability=round(w.probability, 4)) for result in decoded for w in (result.words or [])]
        segments = split_into_segments(words, speaker, window.channel)
        for segment in segments:
            if looks_like_a_loop(segment.text):
                segment.flags = [*segment.flags, "repetition"]
        return segments
