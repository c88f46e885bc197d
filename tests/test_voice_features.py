"""The sound features the one-channel speaker labels are built on (``transcribe/voice_features``)."""

from __future__ import annotations

import numpy as np
import pytest

from interview_tui.transcribe.voice_features import frame_features

RATE = 16000


def _voice(pitch_hz: float, seconds: float = 1.0, lowest_harmonic: int = 1) -> np.ndarray:
    """A vowel-like tone: harmonics of ``pitch_hz`` falling off by 1/n up to 3.4 kHz, with a slow
    vibrato as a speaking voice has; ``lowest_harmonic`` > 1 leaves the fundamental out, as a
    telephone line does for a low voice."""
    t = np.arange(int(seconds * RATE)) / RATE
    phase = 2 * np.pi * np.cumsum(pitch_hz * (1 + 0.02 * np.sin(2 * np.pi * 4 * t))) / RATE
    harmonics = range(lowest_harmonic, int(3400 // pitch_hz) + 1)
    return (0.3 * sum(np.sin(n * phase) / n for n in harmonics)).astype(np.float32)


@pytest.mark.parametrize("pitch_hz", [85.0, 120.0, 210.0, 300.0])
def test_pitch_is_the_voice_s_fundamental(pitch_hz):
    _, _, _, pitch = frame_features(_voice(pitch_hz))
    voiced = pitch[np.isfinite(pitch)]
    assert len(voiced) > 0.8 * len(pitch)
    assert np.exp(np.median(voiced)) == pytest.approx(pitch_hz, rel=0.04)


def test_pitch_through_the_telephone_band_without_its_fundamental():
    """Below 300 Hz the line cuts the fundamental of a low voice; its period is still there."""
    _, _, _, pitch = frame_features(_voice(95.0, lowest_harmonic=4))
    assert np.exp(np.nanmedian(pitch)) == pytest.approx(95.0, rel=0.04)


def test_silence_and_noise_have_no_pitch():
    rng = np.random.default_rng(0)
    for audio in (np.zeros(RATE, np.float32), (0.05 * rng.standard_normal(RATE)).astype(np.float32)):
        _, _, _, pitch = frame_features(audio)
        assert np.isnan(pitch).mean() > 0.95


def test_pitch_is_left_out_when_not_wanted():
    _, energy, _, pitch = frame_features(_voice(120.0), with_pitch=False)
    assert len(pitch) == len(energy) and np.isnan(pitch).all()
