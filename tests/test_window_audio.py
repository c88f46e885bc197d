"""A window of the recording is read from the file as it is needed, never held whole: what the
decoder gets must be exactly what reading the whole window would have given."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from interview_tui.transcribe import audio_input
from interview_tui.transcribe.audio_input import SAMPLE_RATE, Recording, WindowAudio
from interview_tui.transcribe.models import load_whisper
from interview_tui.transcribe.pipeline import TranscribeOptions, TranscriptionJob, vad_options
from interview_tui.transcribe.speech_regions import lay_end_to_end, speech_regions

from .speech_fixtures import NATURAL_ENGLISH, speak_interview


@pytest.fixture(scope="module")
def interview(tmp_path_factory):
    """Three minutes of a two-channel interview with natural turn-taking (espeak)."""
    return speak_interview(NATURAL_ENGLISH * 3, tmp_path_factory.mktemp("window-audio"), voice="espeak", gap=0.4)


def test_slices_of_a_window_are_the_samples_of_the_whole_window(interview, tmp_path):
    with Recording(interview.path, tmp_path) as recording:
        for channel in (0, 1):
            start, end = 12.345, min(recording.seconds, 98.7)
            whole = recording.read(channel, start, end)
            audio = WindowAudio(recording, channel, start, end)
            assert len(audio) == len(whole)
            for lo, hi in ((0, 1), (0, len(whole)), (1000, 48_000), (len(whole) - 10, len(whole) + 500),
                           (len(whole) + 5, len(whole) + 50), (500, 400), (None, 1600), (-1600, None)):
                assert np.array_equal(audio[lo:hi], whole[lo:hi]), (lo, hi)
        past_the_end = WindowAudio(recording, 0, recording.seconds - 1.0, recording.seconds + 60.0)
        assert len(past_the_end) == SAMPLE_RATE and len(past_the_end[:]) == SAMPLE_RATE
        with pytest.raises(TypeError):
            past_the_end[5]


def test_speech_is_found_and_laid_out_the_same_from_the_file_as_from_memory(interview, tmp_path):
    with Recording(interview.path, tmp_path) as recording:
        for channel in (0, 1):
            whole = recording.read(channel, 0.0, recording.seconds)
            audio = WindowAudio(recording, channel, 0.0, recording.seconds)
            regions = speech_regions(audio, vad_options())
            assert regions == speech_regions(whole, vad_options()) and len(regions) >= 5
            from_file, from_memory = lay_end_to_end(audio, regions), lay_end_to_end(whole, regions)
            assert np.array_equal(from_file.audio, from_memory.audio) and from_file.chunks == from_memory.chunks


def test_a_decoder_never_reads_its_whole_window_at_once(interview, tmp_path, monkeypatch):
    """Two-minute windows over a three-minute interview: the largest stretch read at once is a
    piece of at most 30 s (a speech region, a piece for the speech detector), and the transcript
    has the interview's words."""
    longest = []
    read_samples = audio_input.Recording.read_samples

    def measured(self, channel, first, last):
        samples = read_samples(self, channel, first, last)
        longest.append(len(samples))
        return samples

    monkeypatch.setattr(audio_input.Recording, "read_samples", measured)
    options = TranscribeOptions(model="tiny.en", language="en", window_seconds=120)
    job = TranscriptionJob(interview.path, tmp_path / "windows.json", options, model=load_whisper("tiny.en", "cpu"))
    list(job.run())
    assert sf.info(str(interview.path)).duration > 150
    assert max(longest) <= 30 * SAMPLE_RATE
    said = " ".join(text for _, text, *_ in interview.turns).lower()
    heard = job.transcript.text.lower()
    assert sum(word in heard for word in set(said.split()) if len(word) > 6) >= 0.7 * sum(
        1 for word in set(said.split()) if len(word) > 6)
