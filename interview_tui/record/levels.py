"""Levels in dBFS and the watch for clipping and silence, per recorded channel."""

from __future__ import annotations

import math

import numpy as np

from .events import ChannelLevel, RecorderWarning

FLOOR_DB = -120.0
CLIP_THRESHOLD = 0.999
SILENCE_RMS_DB = -60.0


def dbfs(value: float) -> float:
    return FLOOR_DB if value <= 1e-6 else max(FLOOR_DB, 20.0 * math.log10(value))


class ChannelWatch:
    """Tracks one channel's level window and raises warnings the interviewer needs."""

    def __init__(self, role: str, rate: int, silence_seconds: float):
        self.role = role
        self.rate = rate
        self.silence_seconds = silence_seconds
        self._peak = 0.0
        self._sum_squares = 0.0
        self._count = 0
        self._clipped = 0
        self._silent_samples = 0
        self._silence_reported = False
        self._last_clip_warning = -1e9

    def add(self, samples: np.ndarray) -> None:
        if samples.size == 0:
            return
        magnitude = np.abs(samples)
        self._peak = max(self._peak, float(magnitude.max()))
        self._sum_squares += float(np.dot(samples, samples))
        self._count += samples.size
        self._clipped += int(np.count_nonzero(magnitude >= CLIP_THRESHOLD))
        block_rms = math.sqrt(float(np.dot(samples, samples)) / samples.size)
        if dbfs(block_rms) < SILENCE_RMS_DB:
            self._silent_samples += samples.size
        else:
            self._silent_samples = 0

    def take_level(self) -> ChannelLevel:
        rms = math.sqrt(self._sum_squares / self._count) if self._count else 0.0
        level = ChannelLevel(self.role, round(dbfs(self._peak), 1), round(dbfs(rms), 1))
        self._peak = self._sum_squares = 0.0
        self._count = 0
        return level

    def warnings(self, position: float) -> list[RecorderWarning]:
        found = []
        if self._clipped >= 3 and position - self._last_clip_warning >= 2.0:
            found.append(RecorderWarning("clipping", f"{self.role}: the sound is clipping — turn the "
                                         "input level down", self.role, position))
            self._last_clip_warning = position
        self._clipped = 0
        silent_for = self._silent_samples / self.rate
        if silent_for >= self.silence_seconds and not self._silence_reported:
            found.append(RecorderWarning("silence", f"{self.role}: silent for {silent_for:.0f} s — has "
                                         "the line dropped or the adapter come loose?", self.role, position))
            self._silence_reported = True
        elif self._silent_samples == 0 and self._silence_reported:
            found.append(RecorderWarning("sound_back", f"{self.role}: sound is back", self.role, position))
            self._silence_reported = False
        return found
