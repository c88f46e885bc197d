"""Windows decoded side by side (two CTranslate2 workers), with real Whisper weights (tiny.en) on
real espeak speech: the same transcript as one window at a time, a worker's error reaches the
caller, and stopping leaves no thread behind."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from interview_tui.transcribe.models import cpu_workers, load_whisper
from interview_tui.transcribe.pipeline import TranscribeOptions, TranscriptionJob

from .speech_fixtures import ENGLISH_INTERVIEW, speak_interview

pytestmark = pytest.mark.whisper


@pytest.fixture(scope="module")
def two_workers():
    return load_whisper("tiny.en", "cpu", cpu_threads=2, workers=2)


@pytest.fixture(scope="module")
def one_worker():
    return load_whisper("tiny.en", "cpu", cpu_threads=1, workers=1)


@pytest.fixture(scope="module")
def interview(tmp_path_factory):
    return speak_interview(ENGLISH_INTERVIEW, tmp_path_factory.mktemp("parallel"), repeatable=True)


class TimedJob(TranscriptionJob):
    """The real job, noting when and on which thread each window was decoded."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.spans: list[tuple[str, float, float]] = []

    def _transcribe_window(self, *args, **kwargs):
        began = time.perf_counter()
        try:
            return super()._transcribe_window(*args, **kwargs)
        finally:
            self.spans.append((threading.current_thread().name, began, time.perf_counter()))


def test_two_workers_decode_two_windows_at_once_with_the_same_words(interview, two_workers, one_worker, tmp_path):
    options = TranscribeOptions(model="tiny.en", language="en", window_seconds=20)
    side_by_side = TimedJob(interview.path, tmp_path / "two.json", options, model=two_workers)
    list(side_by_side.run())
    one_at_a_time = TimedJob(interview.path, tmp_path / "one.json", options, model=one_worker)
    list(one_at_a_time.run())
    assert len(side_by_side.spans) >= 4  # both channels, in several windows
    assert len({name for name, *_ in side_by_side.spans}) == 2
    overlapping = sum(a[1] < b[2] and b[1] < a[2] for i, a in enumerate(side_by_side.spans)
                      for b in side_by_side.spans[i + 1:])
    assert overlapping >= 1
    assert len({name for name, *_ in one_at_a_time.spans}) == 1
    # one thread per worker in both: the same arithmetic, so the same words at the same times
    words = [[(w.word, w.start, w.end) for s in job.transcript.segments for w in s.words]
             for job in (side_by_side, one_at_a_time)]
    assert words[0] == words[1]
    starts = [s.start for s in side_by_side.transcript.segments]
    assert starts == sorted(starts)


class FailingJob(TranscriptionJob):
    def _transcribe_window(self, decoders, recording, window, *args, **kwargs):
        if window.channel == 1 and window.start > 0:
            raise OSError("the disk went away")
        return super()._transcribe_window(decoders, recording, window, *args, **kwargs)


class FailingDecoder(TranscriptionJob):
    def _decode_part(self, speech, chunks, audio, window, *args, **kwargs):
        if window.channel == 1:
            raise OSError("the model's file went away")
        return super()._decode_part(speech, chunks, audio, window, *args, **kwargs)


def test_an_error_in_a_worker_reaches_the_caller_and_stops_the_others(interview, two_workers, tmp_path):
    job = FailingJob(interview.path, tmp_path / "fails.json",
                     TranscribeOptions(model="tiny.en", language="en", window_seconds=10), model=two_workers)
    with pytest.raises(OSError, match="the disk went away"):
        list(job.run())
    assert job.cancel.is_set()
    assert not [t for t in threading.enumerate() if t.name.startswith("transcribe-")]
    assert not (tmp_path / "fails.json").exists()


def test_an_error_in_a_decoder_reaches_the_caller_and_stops_the_others(interview, two_workers, tmp_path):
    job = FailingDecoder(interview.path, tmp_path / "fails.json",
                         TranscribeOptions(model="tiny.en", language="en"), model=two_workers)
    with pytest.raises(OSError, match="the model's file went away"):
        list(job.run())
    assert job.cancel.is_set()
    assert not [t for t in threading.enumerate() if t.name.startswith("transcribe-")]
    assert not (tmp_path / "fails.json").exists()


class PartsJob(TranscriptionJob):
    """The real job, noting which decoder thread decoded each part of each window, and when."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parts: list[tuple[int, str, float, float]] = []

    def _decode_part(self, speech, chunks, audio, window, *args, **kwargs):
        began = time.perf_counter()
        try:
            return super()._decode_part(speech, chunks, audio, window, *args, **kwargs)
        finally:
            self.parts.append((window.channel, threading.current_thread().name, began, time.perf_counter()))


def test_the_channel_with_more_speech_is_shared_by_both_decoders(tmp_path, two_workers):
    """An informant talks more than the interviewer: with a decoder to a window, the one that
    finished the interviewer's channel sat idle while the other decoded the informant's. The
    chunks of a window are shared out, so both decoders work on the longer channel."""
    said = [("Interviewer", "How do you reach your clients?")] + [
        ("Informant", line) for line in (
            "Mostly I call them on the phone, and if they do not answer I send a message through the "
            "activity plan, and then I wait a day or two before I try again.",
            "Some of them never pick up, so we meet at the office instead, which takes longer but works "
            "better for the ones who are struggling.",
            "The digital services help the young ones, but the older clients still want a person they "
            "can talk to, so we keep both ways open for them.")] * 3
    interview = speak_interview(said, tmp_path, repeatable=True)
    job = PartsJob(interview.path, tmp_path / "shared.json", TranscribeOptions(model="tiny.en", language="en"),
                   model=two_workers)
    list(job.run())
    informant = [part for part in job.parts if part[0] == 1]
    assert len(informant) >= 3
    assert len({name for _, name, *_ in informant}) == 2
    assert "activity plan" in job.transcript.text.lower()


def test_stopping_part_way_keeps_what_was_done_and_leaves_no_thread(interview, two_workers, tmp_path):
    options = TranscribeOptions(model="tiny.en", language="en", window_seconds=10)
    job = TranscriptionJob(interview.path, tmp_path / "stop.json", options, model=two_workers)
    run = job.run()
    for progress in run:
        if job.checkpoint_path.exists():
            break
    run.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("transcribe-window")]
    again = TranscriptionJob(interview.path, tmp_path / "stop.json", options, model=two_workers)
    progress = list(again.run())
    assert progress[0].message == "resumed from checkpoint" and progress[-1].message == "done"
    fractions = [p.fraction for p in progress]
    assert fractions == sorted(fractions)
    assert "contact" in again.transcript.text.lower()


def test_alignment_a_chunk_at_a_time_gives_the_stock_word_times(interview, one_worker):
    """Aligning each chunk on its own held ~90 MB less than the batch of four and took less time;
    the words and their times must be what faster-whisper's batched alignment gives."""
    import soundfile as sf
    from faster_whisper import WhisperModel
    from faster_whisper.audio import pad_or_trim
    from faster_whisper.tokenizer import Tokenizer

    audio, rate = sf.read(interview.path, dtype="float32")
    pieces = [audio[start * rate: (start + 8) * rate, channel] for start, channel in [(0, 0), (4, 1), (14, 0)]]
    features = np.stack([pad_or_trim(one_worker.feature_extractor(piece)) for piece in pieces])
    encoded = one_worker.encode(features)
    tokenizer = Tokenizer(one_worker.hf_tokenizer, False, task="transcribe", language="en")
    text = [tokenizer.encode(" " + said) for _, said in ENGLISH_INTERVIEW[:3]]
    ours = one_worker.find_alignment(tokenizer, text, encoded, [800, 800, 800])
    stock = WhisperModel.find_alignment(one_worker, tokenizer, text, encoded, [800, 800, 800])
    assert [[w["word"] for w in words] for words in ours] == [[w["word"] for w in words] for words in stock]
    assert sum(len(words) for words in ours) >= 20
    # the batch pads the shorter texts, which moves a word's edge by a frame or two (dev: one in 46)
    shifts = [abs(a[edge] - b[edge]) for mine, theirs in zip(ours, stock) for a, b in zip(mine, theirs)
              for edge in ("start", "end")]
    assert max(shifts) <= 0.1 and sum(shift <= 0.021 for shift in shifts) >= 0.9 * len(shifts)


def test_two_decoders_on_a_cpu_one_thread_each_where_there_are_two_cores():
    assert cpu_workers(1) == (1, 1)
    assert cpu_workers(2) == (2, 1)
    assert cpu_workers(8) == (2, 4)
    assert cpu_workers(0)[0] in (1, 2)


def test_a_checkpoint_of_another_window_plan_is_not_continued(interview, two_workers, tmp_path):
    """Done windows are counted by their place in the plan: a run that cuts the recording
    differently (another version, another window length) starts over instead of skipping speech."""
    out = tmp_path / "plan.json"
    first = TranscriptionJob(interview.path, out, TranscribeOptions(model="tiny.en", language="en", window_seconds=10),
                             model=two_workers)
    run = first.run()
    for _ in run:
        if first.checkpoint_path.exists():
            break
    run.close()
    other = TranscriptionJob(interview.path, out, TranscribeOptions(model="tiny.en", language="en", window_seconds=20),
                             model=two_workers)
    progress = list(other.run())
    assert progress[0].message != "resumed from checkpoint" and other.resumed_seconds == 0
    assert "contact" in other.transcript.text.lower()


def test_without_a_language_the_first_window_runs_alone_until_it_is_heard(interview, two_workers, tmp_path):
    """All windows share the language Whisper hears first, so windows of one interview are never
    read as two languages."""
    job = TimedJob(interview.path, tmp_path / "auto.json", TranscribeOptions(model="tiny.en", language=None,
                                                                            window_seconds=10), model=two_workers)
    list(job.run())
    spans = sorted(job.spans, key=lambda span: span[1])
    assert len(spans) >= 4 and all(later[1] >= spans[0][2] for later in spans[1:])
    assert job.transcript.language == "en"
    assert any(a[1] < b[2] and b[1] < a[2] for i, a in enumerate(spans[1:], 1) for b in spans[i + 1:])


class PromptedJob(TranscriptionJob):
    """The real job, noting for each part of the informant's window whether it had the guide's prompt."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prompted: list[tuple[float, bool]] = []

    def _decode_part(self, speech, chunks, audio, window, speaker, language, prompted, *args, **kwargs):
        if window.channel == 1:
            self.prompted.append((chunks[0]["start"], prompted))
        return super()._decode_part(speech, chunks, audio, window, speaker, language, prompted, *args, **kwargs)


GUIDE_WORDS = {"terms": "NAV, nav.no", "vocabulary": "activity plan, work assessment, digital services, write to us"}
UNRELATED_TALK = (
    "The weather was cold all week, so we stayed inside and baked bread with the children.",
    "My brother came to visit on Sunday, and we walked along the river and fed the ducks.",
    "In the evenings we read aloud, mostly old stories, and the little one fell asleep early.")


@pytest.mark.parametrize("talk, rest_prompted", [
    (UNRELATED_TALK, False),
    (("Mostly I send a message through the activity plan and wait a day before I call them.",)
     + UNRELATED_TALK, True)], ids=["never-the-guide", "the-guide-first"])
def test_the_guide_prompt_goes_only_where_its_words_are_talked_of(tmp_path, two_workers, talk, rest_prompted):
    """The prompt is there to spell the guide's words; in talk that never uses them it only pulls
    other words about (tiny.en on the LibriVox readers: 13.4 % wrong with it, 11.9 % without). The
    first part of a window is decoded with it, and shows whether the rest should be."""
    said = [("Interviewer", "Tell me about your week.")] + [("Informant", line) for line in talk] * 3
    interview = speak_interview(said, tmp_path, repeatable=True)
    job = PromptedJob(interview.path, tmp_path / "prompt.json",
                      TranscribeOptions(model="tiny.en", language="en", **GUIDE_WORDS), model=two_workers)
    list(job.run())
    parts = [prompted for _, prompted in sorted(job.prompted)]
    assert len(parts) >= 2 and parts[0] is True
    assert set(parts[1:]) == {rest_prompted}
    assert ("activity plan" in job.transcript.text.lower()) is rest_prompted
