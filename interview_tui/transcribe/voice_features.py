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


FFT_BLOCK_FRAMES = 2000
_BANK = _mel_filterbank()
_DCT = np.cos(np.pi / MEL_BANDS * (np.arange(MEL_BANDS)[None, :] + 0.5) * np.arange(1, CEPSTRA + 1)[:, None])
_FREQS = np.fft.rfftfreq(FFT, 1 / SAMPLE_RATE)
_IN_BAND = (_FREQS >= 300) & (_FREQS <= 3400)
_ABOVE_BAND = (_FREQS >= 3600) & (_FREQS <= 7600)


def frame_features(audio: np.ndarray,
                   with_pitch: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per 10 ms frame: MFCCs (CEPSTRA, without c0), log energy (dB), the high-band level (dB
    relative to the telephone band) and the pitch (log Hz; NaN where unvoiced, and everywhere
    without ``with_pitch``: live turn-taking needs only the band)."""
    if len(audio) < FRAME:
        return np.zeros((0, CEPSTRA)), np.zeros(0), np.zeros(0), np.zeros(0)
    count = 1 + (len(audio) - FRAME) // HOP
    # float64, a block of frames at a time: numpy's float32 FFT took 3.5× as long as its float64
    # one (numpy 2.4), and a block keeps the float64 frames of a five-minute read small
    power = np.empty((count, FFT // 2 + 1))
    window = np.hanning(FRAME)
    for first in range(0, count, FFT_BLOCK_FRAMES):
        frames_here = np.arange(first, min(count, first + FFT_BLOCK_FRAMES))
        frames = audio[np.arange(FRAME)[None, :] + HOP * frames_here[:, None]].astype(np.float64) * window
        spectrum = np.fft.rfft(frames, FFT)
        power[first: first + len(frames_here)] = spectrum.real ** 2 + spectrum.imag ** 2
    mel = np.log(power @ _BANK.T + 1e-10)
    cepstra = mel @ _DCT.T
    in_band = power[:, _IN_BAND].sum(axis=1) + 1e-12
    energy_db = 10 * np.log10(in_band)
    high_db = 10 * np.log10(power[:, _ABOVE_BAND].sum(axis=1) + 1e-12) - energy_db
    return cepstra, energy_db, high_db, _pitch(audio, count) if with_pitch else np.full(count, np.nan)


PITCH_RATE = 8000
"""Pitch is looked for at half the rate: 60–400 Hz needs nothing above 4 kHz, and it halves the work."""
PITCH_WINDOW = 320  # 40 ms at 8 kHz: two periods of the lowest voice (60 Hz) and some
PITCH_EVERY = 2
"""Pitch every 20 ms (each value stands for two 10 ms frames): a word's median needs no more."""
_SHORTEST, _LONGEST = PITCH_RATE // 400, PITCH_RATE // 60
VOICED = 0.6
"""Normalised correlation a period must reach for the frame to count as voiced."""
NEAR_BEST = 0.85
"""The shortest period whose correlation comes this close to the best is the pitch: a period's
multiples correlate nearly as well, and picking one of them halves the pitch."""


def _pitch(audio: np.ndarray, count: int) -> np.ndarray:
    """Log pitch (Hz) per 10 ms frame by normalised cross-correlation at 8 kHz; NaN where
    unvoiced. (The correlation of one 25 ms window's power spectrum, used before, cannot see a
    male voice's 10 ms period and reported 320–360 Hz for voices at 80–100 Hz.)"""
    pairs = len(audio) // 2
    slow = (audio[: 2 * pairs: 2].astype(np.float64) + audio[1: 2 * pairs: 2]) / 2
    hop = HOP // 2 * PITCH_EVERY
    span = PITCH_WINDOW + _LONGEST
    starts = np.arange(0, max(0, len(slow) - span) + 1, hop)
    out = np.full(count, np.nan)
    if len(slow) < span or not count:
        return out
    lags = np.arange(_LONGEST + 1)
    size = 1 << int(np.ceil(np.log2(span + PITCH_WINDOW)))
    for first in range(0, len(starts), 2000):  # a block at a time: memory stays small
        chunk = slow[starts[first: first + 2000, None] + np.arange(span)[None, :]]
        chunk = chunk - chunk.mean(axis=1, keepdims=True)
        head = chunk[:, :PITCH_WINDOW]
        correlation = np.fft.irfft(np.conj(np.fft.rfft(head, size)) * np.fft.rfft(chunk, size), size)[:, : _LONGEST + 1]
        running = np.concatenate([np.zeros((len(chunk), 1)), np.cumsum(chunk ** 2, axis=1)], axis=1)
        shifted_energy = running[:, lags + PITCH_WINDOW] - running[:, lags]
        normalised = correlation / np.sqrt((head ** 2).sum(axis=1)[:, None] * shifted_energy + 1e-12)
        normalised[:, :_SHORTEST] = -1.0
        best = normalised.max(axis=1)
        peaks = ((normalised >= NEAR_BEST * best[:, None]) & (normalised >= np.roll(normalised, 1, axis=1))
                 & (normalised >= np.roll(normalised, -1, axis=1)))
        peaks[:, :_SHORTEST] = False
        period = np.argmax(peaks, axis=1)
        voiced = (best > VOICED) & peaks.any(axis=1)
        values = np.where(voiced, np.log(PITCH_RATE / np.maximum(period, 1)), np.nan)
        centres = 2 * (starts[first: first + 2000] + PITCH_WINDOW / 2)  # at 16 kHz
        frames = np.round((centres - FRAME / 2) / HOP).astype(int)
        for offset in range(PITCH_EVERY):
            at = np.clip(frames + offset, 0, count - 1)
            out[at] = values
    return out


def frame_time(index: int | np.ndarray) -> float | np.ndarray:
    return (index * HOP + FRAME / 2) / SAMPLE_RATE
