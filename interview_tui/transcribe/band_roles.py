"""Who is speaking on a one-channel call, live: the telephone band tells.

On a speakerphone or a recorder beside the phone, the informant arrives through the telephone
band (nothing above ~3.4 kHz) while the interviewer's voice in the room is full band — a physical
fact, so it needs no model and costs one FFT per utterance. The batch transcriber does the full
work after the call (``speakers.py``: voice prints, clustering, smoothing); during the call this
is enough to tell a question asked from an answer given.

Until both kinds of utterance have been heard, or when the two do not differ by
``PHONE_BAND_GAP_DB`` (both voices full band, or both on the phone), every utterance stays
"mixed": questions and answers are then not told apart, and the status line says so.
"""

from __future__ import annotations

import numpy as np

from .speakers import PHONE_BAND_GAP_DB
from .voice_features import frame_features

LOUDEST_DB = 20.0
"""Frames within this of an utterance's loudest are its voice (pauses and breath left out)."""
MIN_HEARD = 3


def high_band_level(audio: np.ndarray) -> float | None:
    """An utterance's level above the telephone band, relative to inside it (dB); None if too short."""
    _, energy, high, _ = frame_features(np.asarray(audio, dtype=np.float32), with_pitch=False)
    if len(energy) < 10:
        return None
    voiced = energy >= energy.max() - LOUDEST_DB
    return float(np.median(np.maximum(high[voiced], -60.0)))


class BandRoles:
    """Keeps the call's utterance levels; names each new one by the side of the gap it falls on."""

    def __init__(self) -> None:
        self.levels: list[float] = []

    @property
    def split(self) -> float | None:
        """The level between the two groups, once there is a telephone-band gap."""
        if len(self.levels) < MIN_HEARD:
            return None
        levels = np.sort(np.array(self.levels))
        # the widest gap between neighbouring levels splits the call into its two voices
        gaps = np.diff(levels)
        widest = int(np.argmax(gaps))
        low, high = levels[: widest + 1], levels[widest + 1:]
        if np.median(high) - np.median(low) < PHONE_BAND_GAP_DB:
            return None
        return float((levels[widest] + levels[widest + 1]) / 2)

    def role(self, audio: np.ndarray) -> str:
        level = high_band_level(audio)
        if level is None:
            return "mixed"
        self.levels.append(level)
        split = self.split
        if split is None:
            return "mixed"
        return "informant" if level < split else "interviewer"
