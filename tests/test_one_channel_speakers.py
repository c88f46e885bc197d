"""Who spoke, on a one-channel recording (``transcribe/speakers.py``): real espeak speech mixed to
one channel — the informant through the telephone band or full band — transcribed by tiny.en."""

from __future__ import annotations

import re

import numpy as np
import pytest
import soundfile as sf

from interview_tui.model.transcript import Segment, Word
from interview_tui.transcribe.audio_input import Recording
from interview_tui.transcribe.models import load_whisper
from interview_tui.transcribe.pipeline import TranscribeOptions, TranscriptionJob
from interview_tui.transcribe.speakers import _roles, label_speakers

from .speech_fixtures import NATURAL_ENGLISH, speak_interview, with_co_interviewer

pytestmark = pytest.mark.whisper


@pytest.fixture(scope="module")
def tiny():
    return load_whisper("tiny.en", "cpu")


def _words_on_their_speaker(segments, turns) -> float:
    right = total = 0
    for segment in segments:
        for word in segment.words:
            middle = (word.start + word.end) / 2
            gold = {who for who, _, start, end in turns if start - 0.15 <= middle <= end + 0.15}
            total += 1
            right += segment.speaker in gold
    return right / max(total, 1)


@pytest.fixture(scope="module")
def mono_phone(tmp_path_factory):
    """A speakerphone beside the microphone: both voices on one channel, the informant's through
    the telephone band. Rendered the same on every run: with fresh dither, three labels asked for
    gave a third speaker on about one rendering in eight (the interviewer's side split in two)."""
    return speak_interview(NATURAL_ENGLISH, tmp_path_factory.mktemp("mono"), stereo=False, gap=0.4, repeatable=True)


def test_a_mono_phone_recording_gets_interviewer_and_informant(mono_phone, tiny, tmp_path):
    job = TranscriptionJob(mono_phone.path, tmp_path / "mono.json", TranscribeOptions(model="tiny.en", language="en"),
                           model=tiny)
    list(job.run())
    transcript = job.transcript
    assert transcript.speakers == ["Interviewer", "Informant"]
    assert {s.speaker for s in transcript.segments} == {"Interviewer", "Informant"}
    assert _words_on_their_speaker(transcript.segments, mono_phone.turns) >= 0.95  # roles named right, too
    assert [s.start for s in transcript.segments] == sorted(s.start for s in transcript.segments)


def test_a_mono_recording_saved_as_stereo_is_treated_as_mono(mono_phone, tiny, tmp_path):
    samples, rate = sf.read(mono_phone.path, dtype="float32")
    both = tmp_path / "both.wav"
    sf.write(both, np.stack([samples, samples], axis=1), rate, subtype="PCM_16")
    job = TranscriptionJob(both, tmp_path / "both.json", TranscribeOptions(model="tiny.en", language="en"), model=tiny)
    list(job.run())
    assert {s.channel for s in job.transcript.segments} == {0}  # not the same words twice
    assert _words_on_their_speaker(job.transcript.segments, mono_phone.turns) >= 0.95


def test_one_voice_gives_one_speaker_and_silence_none(tmp_path, tiny):
    alone = speak_interview([turn for turn in NATURAL_ENGLISH if turn[0] == "Informant"], tmp_path / "alone",
                            stereo=False, gap=0.4)
    job = TranscriptionJob(alone.path, tmp_path / "alone.json", TranscribeOptions(model="tiny.en", language="en"),
                           model=tiny)
    list(job.run())
    assert job.transcript.speakers == ["Informant"]  # one voice, answering: named by what it does
    assert {s.speaker for s in job.transcript.segments} == {"Informant"}
    silence = tmp_path / "silence.wav"
    sf.write(silence, np.zeros(16000 * 20, np.float32), 16000)
    job = TranscriptionJob(silence, tmp_path / "silence.json", TranscribeOptions(model="tiny.en", language="en"),
                           model=tiny)
    list(job.run())
    assert job.transcript.segments == []


@pytest.mark.parametrize("who", ["Informant", "Interviewer"])
def test_one_voice_in_the_room_gives_one_speaker(tmp_path, tiny, who):
    """A short recording of one full-band voice: k-means splits any voice, and on a few stretches
    the halves look far apart (d' 4.7 here, above the old fixed 3.8); the split must beat what one
    voice's look-alike shows before it counts as two people. The interviewer alone (only the
    researcher's side recorded) asks, thanks and asks again: questions, but none answered at
    length, so they do not make it a conversation. Each is named by what they do."""
    alone = speak_interview([turn for turn in NATURAL_ENGLISH if turn[0] == who and turn[2] != "during"],
                            tmp_path / "room", stereo=False, gap=0.4, phone=False)
    job = TranscriptionJob(alone.path, tmp_path / "room.json", TranscribeOptions(model="tiny.en", language="en"),
                           model=tiny)
    list(job.run())
    assert job.transcript.speakers == [who]


def test_three_speakers_when_asked_a_co_interviewer_in_the_room(tmp_path, tiny):
    spoken = speak_interview(with_co_interviewer(NATURAL_ENGLISH * 2), tmp_path / "three", stereo=False, gap=0.4)
    labels = ("Interviewer", "Informant", "Co-interviewer")
    job = TranscriptionJob(spoken.path, tmp_path / "three.json",
                           TranscribeOptions(model="tiny.en", language="en", speakers=labels), model=tiny)
    list(job.run())
    assert job.transcript.speakers == list(labels)
    assert _words_on_their_speaker(job.transcript.segments, spoken.turns) >= 0.9


def test_three_labels_on_a_two_voice_recording_give_two_speakers(mono_phone, tiny, tmp_path):
    job = TranscriptionJob(mono_phone.path, tmp_path / "two.json",
                           TranscribeOptions(model="tiny.en", language="en",
                                             speakers=("Interviewer", "Informant", "Co-interviewer")), model=tiny)
    list(job.run())
    assert job.transcript.speakers == ["Interviewer", "Informant"]
    assert _words_on_their_speaker(job.transcript.segments, mono_phone.turns) >= 0.95


def test_one_label_asked_for_means_no_speaker_labelling(mono_phone, tiny, tmp_path):
    job = TranscriptionJob(mono_phone.path, tmp_path / "one.json",
                           TranscribeOptions(model="tiny.en", language="en", speakers=("Speaker",)), model=tiny)
    list(job.run())
    assert {s.speaker for s in job.transcript.segments} == {"Speaker"}


@pytest.mark.parametrize("rounds", [2, 1])
def test_two_voices_both_full_band_are_told_apart(tmp_path, tiny, rounds):
    """Both voices in the room (or a wideband call): no telephone band to go by. Clustered on raw
    MFCCs, two espeak voices split by vowels and came out as one speaker (51 % of words right).
    A minute and a half (one round) has too few stretches for the voices to stand apart from one
    voice's look-alikes on their own (one speaker, 62 %, before), but its questions are answered
    at length: two people, placed by who asks and who replies."""
    spoken = speak_interview(NATURAL_ENGLISH * rounds, tmp_path / "full", stereo=False, gap=0.4, phone=False)
    job = TranscriptionJob(spoken.path, tmp_path / "full.json", TranscribeOptions(model="tiny.en", language="en"),
                           model=tiny)
    list(job.run())
    assert job.transcript.speakers == ["Interviewer", "Informant"]
    assert _words_on_their_speaker(job.transcript.segments, spoken.turns) >= 0.9  # roles right, too


def test_a_word_timed_into_a_pause_is_not_a_second_speaker(tmp_path, tiny):
    """Whisper sometimes times a word into a pause; there the line's noise is flat, so the word
    looks full band. One such word must not make a second speaker of a one-voice phone call."""
    alone = speak_interview([turn for turn in NATURAL_ENGLISH if turn[0] == "Informant"], tmp_path / "alone",
                            stereo=False, gap=0.8)
    job = TranscriptionJob(alone.path, tmp_path / "alone.json", TranscribeOptions(model="tiny.en", language="en"),
                           model=tiny)
    list(job.run())
    segments = job.transcript.segments
    before, after = max(zip(segments, segments[1:]), key=lambda pair: pair[1].start - pair[0].end)
    assert after.start - before.end >= 0.5
    pause = (before.end + after.start) / 2
    stray = Segment(start=pause, end=pause, speaker="Speaker", text="partly.",
                    words=[Word(word=" partly.", start=pause, end=pause, probability=0.4)])
    with Recording(alone.path, tmp_path) as recording:
        labelled = label_speakers(lambda start, end: recording.read(0, start, end), recording.seconds,
                                  [*segments, stray], ("Interviewer", "Informant"))
    assert labelled.speakers == ["Informant"]


def _said(texts: list[str], start: float) -> list[Segment]:
    return [Segment(start=start + 3 * i, end=start + 3 * i + 2, speaker="Speaker", text=text) for i, text in enumerate(texts)]


def test_of_two_researchers_the_one_who_asks_most_leads():
    """With the informant found by the telephone band, both others are researchers: the lead asks
    most of the questions, though they also introduce, summarise back and thank — which made the
    colleague's two questions in three turns look more like an interviewer's per turn."""
    informant = _said(["About sixty.", "Yes, partly.", "Better than I expected."], 0)
    lead = _said(["Thanks for taking the time.", "How many do you follow up?", "Four places.", "I see.",
                  "What happens in the first meeting?", "That sounds demanding.", "Okay.",
                  "How does that work for this group?", "Better than expected.", "Right.", "That is a lot.",
                  "What would you change?", "Well, that covers it.", "Thank you very much."], 100)
    colleague = _said(["Why is that?", "Is it the school year?", "Mm."], 200)
    order = _roles(3, [informant, colleague, lead], 0, 1, None)
    assert order == [2, 0, 1]  # interviewer, informant, co-interviewer


def test_no_turn_is_lost_where_the_decoder_stops_early(tmp_path, tiny):
    """Three voices on one channel: given a chunk of this mix, Whisper wrote its first sentence and
    stopped, and the words it wrote were aligned to the chunk's end — four turns (20 s of talk) came
    out as nothing. A chunk cut short is decoded region by region, and what is still uncovered
    is decoded again."""
    spoken = speak_interview(with_co_interviewer(NATURAL_ENGLISH), tmp_path / "lost", stereo=False, gap=0.4,
                             repeatable=True)
    job = TranscriptionJob(spoken.path, tmp_path / "lost.json",
                           TranscribeOptions(model="tiny.en", language="en", speakers=("Speaker",)), model=tiny)
    list(job.run())
    words = [w for s in job.transcript.segments for w in s.words]
    heard = set(re.findall(r"[a-z']+", " ".join(s.text for s in job.transcript.segments).lower()))
    said_and_heard = said_in_all = 0
    for _, text, start, end in spoken.turns:
        said = re.findall(r"[a-z']+", text.lower())
        if len(said) >= 3:
            # lost = no words timed in the turn (tiny.en may still mishear them: "And do I miss a new
            # message?" for "And do they answer those messages?" on this co-interviewer's voice)
            inside = sum(start - 0.3 <= (w.start + w.end) / 2 <= end + 0.3 for w in words)
            assert inside >= 0.5 * len(said), f"lost: {text}"
            said_and_heard += sum(word in heard for word in said)
            said_in_all += len(said)
    assert said_and_heard / said_in_all >= 0.7
    starts = [s.start for s in job.transcript.segments]
    assert starts == sorted(starts)
    texts = [s.text for s in job.transcript.segments if len(s.text.split()) >= 4]
    assert len(texts) == len(set(texts))  # nothing written twice

