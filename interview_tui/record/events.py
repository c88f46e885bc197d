"""What the recorder tells its front end, from the writer thread. Plain dataclasses, no UI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

WarningKind = Literal["clipping", "silence", "overflow", "device_lost", "disk_low", "sound_back"]


@dataclass(frozen=True)
class ChannelLevel:
    role: str
    peak_db: float
    rms_db: float


@dataclass(frozen=True)
class LevelEvent:
    position: float
    levels: tuple[ChannelLevel, ...]


@dataclass(frozen=True)
class RecorderWarning:
    kind: WarningKind
    message: str
    role: str | None = None
    position: float = 0.0


@dataclass(frozen=True)
class RecorderStopped:
    reason: Literal["stopped", "seconds_reached", "device_lost", "disk_full", "file_full", "error"]
    path: str
    seconds: float
    overflows: int
    message: str = ""
    warnings: tuple[RecorderWarning, ...] = field(default_factory=tuple)


RecorderEvent = LevelEvent | RecorderWarning | RecorderStopped
