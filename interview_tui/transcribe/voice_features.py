"""What a stretch of one-channel audio sounds like: MFCC statistics and how much of it lies above
the telephone band — numpy only, no model to install.

The telephone band is the strongest cue in a phone interview recorded on one channel: the
informant arrives through the phone (narrowband stops at 3.4 kHz, wideband at 7 kHz) while the
interviewer's voice in the room is full band. ``high_band_db`` says how far the energy above
3.6 kHz lies below the energy inside the band; a phone voice sits tens of dB lower than a voice
in the room.
"""

from __future__ import annotations

import numpy as np

from .audio_input import SAMPLE_RATE

FRAME = 400  # 25 ms
HOP = 160  # 10 ms
FFT = 512
MEL_BANDS = 40
CEPSTRA = 20


def _mel_filterbank() -> np.ndarray:
    def to_mel(hz):
        return 2595 * np.log10(1 + hz / 700)

    def to_hz(mel):
        return 700 * (10 ** (mel / 2595) - 1)

    edges = to_hz(np.linspace(to_mel(60), to_mel(7600), MEL_BANDS + 2))
    bins = np.floor((FFT + 1) * edges / SAMPLE_RATE).astype(int)
    bank = np.zeros((MEL_BANDS, FFT // 2 + 1))
    for band in range(MEL_BANDS):
        left, centre, right = bins[band], bins[band + 1], max(bins[band + 2], bins[band + 1] + 1)
        for k in range(left, centre):
            bank[band, k] = (k - left) / max(centre - left, 1)
        for k in range(centre, right):
            bank[band, k] = (right - k) / max(right - centre, 1)
    return bank


_BANK = _mel_filterbank()
_DCT = np.cos(np.pi / MEL_BANDS * (np.arange(MEL_BANDS)[None, :] + 0.5) * np.arange(1, CEPSTRA + 1)[:, None])
_FREQS = np.fft.rfftfreq(FFT, 1 / SAMPLE_RATE)
_IN_BAND = (_FREQS >= 300) & (_FREQS <= 3400)
_ABOVE_BAND = (_FREQS >= 3600) & (_FREQS <= 7600)


def frame_features(audio: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per 10 ms frame: MFCCs (CEPSTRA, without c0), log energy (dB), the high-band level (dB
    relative to the telephone band) and the pitch (log Hz; NaN where unvoiced)."""
    if len(audio) < FRAME:
        return np.zeros((0, CEPSTRA)), np.zeros(0), np.zeros(0), np.zeros(0)
    count = 1 + (len(audio) - FRAME) // HOP
    index = np.arange(FRAME)[None, :] + HOP * np.arange(count)[:, None]
    frames = audio[index].astype(np.float32) * np.hanning(FRAME).astype(np.float32)
    power = np.abs(np.fft.rfft(frames, FFT)) ** 2
    mel = np.log(power @ _BANK.T + 1e-10)
    cepstra = mel @ _DCT.T
    in_band = power[:, _IN_BAND].sum(axis=1) + 1e-12
    energy_db = 10 * np.log10(in_band)
    high_db = 10 * np.log10(power[:, _ABOVE_BAND].sum(axis=1) + 1e-12) - energy_db
    return cepstra, energy_db, high_db, _pitch(power)


_LAGS = np.arange(SAMPLE_RATE // 400, SAMPLE_RATE // 60)  # 60–400 Hz


def _pitch(power: np.ndarray) -> np.ndarray:
    """Autocorrelation pitch from the power spectrum (which also finds the fundamental a
    telephone band removed, from its harmonics); NaN where the frame is not clearly voiced."""
    correlation = np.fft.irfft(power, FFT)
    zero = correlation[:, :1] + 1e-12
    window = correlation[:, _LAGS] / zero
    best = np.argmax(window, axis=1)
    strength = window[np.arange(len(window)), best]
    pitch = np.log(SAMPLE_RATE / _LAGS[best])
    return np.where(strength > 0.45, pitch, np.nan)


def frame_time(index: int | np.ndarray) -> float | np.ndarray:
    return (index * HOP + FRAME / 2) / SAMPLE_RATE
