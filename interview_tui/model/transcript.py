"""The transcript: speaker-labelled, time-stamped segments with word timings, as canonical JSON.

``draft_text`` keeps what Whisper wrote when the researcher corrects ``text``, so the automatic
draft is never lost.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import UserError
from ..fileio import atomic_write_text


class Word(BaseModel):
    model_config = ConfigDict(extra="forbid")
    word: str
    start: float
    end: float
    probability: float


class Segment(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)
    start: float
    end: float
    speaker: str
    text: str
    words: list[Word] = Field(default_factory=list)
    channel: int = 0
    flags: list[str] = Field(default_factory=list)
    """Problems found while decoding, e.g. ``repetition`` (a loop Whisper could not escape)."""
    draft_text: str | None = None
    tags: list[str] = Field(default_factory=list)
    """Guide item ids the researcher tagged this segment with."""
    checked: bool = False


class Transcript(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: str = "interview-tui/transcript"
    version: int = 1
    audio_file: str = ""
    audio_sha256: str = ""
    audio_seconds: float = 0.0
    speech_seconds: float = 0.0
    speakers: list[str] = Field(default_factory=list)
    session_id: str | None = None
    model: str = ""
    language: str | None = None
    settings: dict = Field(default_factory=dict)
    software: str = ""
    created: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    processing_seconds: float = 0.0
    review_edits: int = 0
    """Saves made in the review: a transcript with any is never overwritten by a new transcription."""
    segments: list[Segment] = Field(default_factory=list)

    def save(self, path: Path) -> None:
        atomic_write_text(path, self.model_dump_json(indent=1))

    @property
    def text(self) -> str:
        return " ".join(segment.text for segment in self.segments)


def load_transcript(path: Path) -> Transcript:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: no such transcript")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", 1)
        raise UserError(f"{path}:{line}: not a readable transcript JSON ({exc}) — the file was not changed")
    try:
        return Transcript.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise UserError(f"{path}: not an interview-tui transcript ('{'.'.join(map(str, first['loc']))}': "
                        f"{first['msg']}) — the file was not changed")
