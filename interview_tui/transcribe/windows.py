"""Cutting a channel into windows: the unit of decoding, of checkpoints and of cancelling."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .audio_input import SAMPLE_RATE, Recording

WINDOW_SECONDS = 300.0


@dataclass(frozen=True)
class Window:
    """A stretch of one channel (at most WINDOW_SECONDS, cut in a silence): the unit of
    decoding, of checkpoints and of cancelling."""

    channel: int
    start: float
    end: float
    seconds: float


def plan_windows(recording: Recording, channel: int, window_seconds: float = WINDOW_SECONDS) -> list[Window]:
    """Windows of about ``window_seconds``, each cut at the quietest moment near its boundary so
    no word is split. Only the stretches around the cuts are read."""
    total = recording.seconds
    windows: list[Window] = []
    start = 0.0
    hop = int(0.05 * SAMPLE_RATE)
    reach = min(15.0, window_seconds / 4)
    while total - start > window_seconds * 1.2:
        search_from = start + window_seconds - reach
        search = recording.read(channel, search_from, search_from + 2 * reach)
        frames = search[: len(search) // hop * hop].reshape(-1, hop)
        quietest = int(np.argmin((frames.astype(np.float64) ** 2).mean(axis=1)))
        cut = round(search_from + (quietest * hop + hop // 2) / SAMPLE_RATE, 3)
        windows.append(Window(channel, start, cut, cut - start))
        start = cut
    windows.append(Window(channel, start, total, total - start))
    return windows


def plan_of(windows: list[Window]) -> list[list[float]]:
    return [[w.channel, w.start, w.end] for w in windows]
