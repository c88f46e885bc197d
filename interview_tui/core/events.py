"""What the interview core tells its front ends. Plain dataclasses; the recorder's own events
(levels, warnings, stopped) are passed on as they are."""

from __future__ import annotations

from dataclasses import dataclass

from ..record.events import ChannelLevel, LevelEvent, RecorderStopped, RecorderWarning


@dataclass(frozen=True)
class RecordingStarted:
    path: str
    roles: tuple[str, ...]
    resumed: bool


@dataclass(frozen=True)
class RecordingFailed:
    """The recording could not start (or restart): what happened and what to do, in one line."""

    message: str


@dataclass(frozen=True)
class SaveFailed:
    """The session file could not be written; the change is kept in memory and saved again later.
    An empty message: it was saved again."""

    message: str


InterviewEvent = (RecordingStarted | RecordingFailed | SaveFailed | LevelEvent | RecorderWarning
                  | RecorderStopped)

__all__ = ["ChannelLevel", "InterviewEvent", "LevelEvent", "RecorderStopped", "RecorderWarning",
           "RecordingFailed", "RecordingStarted", "SaveFailed"]
