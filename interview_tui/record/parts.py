"""The parts a recording is made of: its sources, what the audio callback hands the writer
thread (typed queue items), each source's running state, and the writer of a level preview."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from .devices import AudioUnavailable, InputDevice


class NoFile:
    """The writer of a level preview: counts frames, keeps nothing."""

    def __init__(self, channels: int, rate: int):
        self.rate, self.channels, self.frames, self.full, self.closed = rate, channels, 0, False, False

    @property
    def seconds(self) -> float:
        return self.frames / self.rate

    def write(self, frames: np.ndarray) -> None:
        self.frames += len(frames)

    def close(self) -> None:
        self.closed = True


@dataclass
class Source:
    """One input stream: a device, which of its channels to keep (1-based), and who they are."""

    device: InputDevice
    channels: list[int]
    roles: list[str]

    def __post_init__(self):
        if len(self.channels) != len(self.roles):
            raise ValueError("one role per recorded channel")
        for channel in self.channels:
            if not 1 <= channel <= self.device.channels:
                raise AudioUnavailable(f"input device '{self.device.name}' has {self.device.channels} "
                                       f"channel(s); channel {channel} does not exist")


@dataclass(frozen=True)
class Block:
    """What the audio callback hands the writer: one source's frames and when they were captured."""

    source: int
    frames: np.ndarray
    captured_at: float
    overflowed: bool


@dataclass(frozen=True)
class SourceFinished:
    source: int


@dataclass(frozen=True)
class Stop:
    reason: str


QueueItem = Block | SourceFinished | Stop


@dataclass
class SourceState:
    source: Source
    offset: int  # first output column of this source
    buffer: deque = field(default_factory=deque)
    buffered: int = 0
    received: int = 0
    first_time: float | None = None
    lags: deque = field(default_factory=lambda: deque(maxlen=25))
    last_block_at: float = 0.0
    finished: bool = False
    lost: bool = False
    """Gone mid-call: its channels are filled with silence so the other source keeps recording."""
