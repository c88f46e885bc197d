"""The transcript: speaker-labelled, time-stamped segments with word timings, as canonical JSON.

``draft_text`` keeps what Whisper wrote when the researcher corrects ``text``, so the automatic
draft is never lost.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from ..errors import UserError
from ..fileio import atomic_write_text
from .timefmt import hms


TRANSCRIPT_FORMAT_VERSION = 1
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _clean_text(value: str) -> str:
    """Text that every export can carry: no control characters (a form feed broke the .docx
    halfway), and no lone surrogates (they cannot be written as UTF-8 at all)."""
    if any(0xD800 <= ord(char) <= 0xDFFF for char in value):
        raise ValueError("contains a broken character (a lone UTF-16 surrogate) — retype that text")
    return _CONTROL.sub(" ", value)


Text = Annotated[str, AfterValidator(_clean_text)]


class Word(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    word: Text
    start: float
    end: float
    probability: float


class Segment(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)
    start: float = Field(ge=0)
    end: float = Field(ge=0)
    speaker: Text
    text: Text
    words: list[Word] = Field(default_factory=list)
    channel: int = 0
    flags: list[str] = Field(default_factory=list)
    """Problems found while decoding, e.g. ``repetition`` (a loop Whisper could not escape)."""
    draft_text: Text | None = None
    tags: list[str] = Field(default_factory=list)
    """Guide item ids the researcher tagged this segment with; ``-4.3``: this segment is not 4.3
    (``NOT_ITEM``), where the coverage check had read it so."""
    checked: bool = False


NOT_ITEM = "-"
"""A tag ``-ID`` says the segment is not evidence for item ID: the researcher's no to the check."""


def rejected_item(tag: str) -> str | None:
    """``-4.3`` → ``4.3``; an ordinary tag → None."""
    return tag[len(NOT_ITEM):] if tag.startswith(NOT_ITEM) and len(tag) > len(NOT_ITEM) else None


UNCERTAIN_SPEAKER = "speaker?"
"""Flag: on a one-channel recording, this segment's words sounded nearly as much like another
speaker (set by the transcriber, cleared when the researcher sets the speaker)."""
UNSURE_WORD = 0.4
"""A word Whisper gave less than this probability is one it was unsure of."""


def is_unsure(segment: Segment) -> bool:
    """Whisper was unsure of this segment: a third of its words or more below UNSURE_WORD, or
    their mean below it. Text the researcher corrected or checked against the audio is no longer
    in doubt."""
    if segment.draft_text is not None or segment.checked or not segment.words:
        return False
    probabilities = [word.probability for word in segment.words]
    low = sum(p < UNSURE_WORD for p in probabilities)
    return low * 3 >= len(probabilities) or sum(probabilities) / len(probabilities) < UNSURE_WORD


class Transcript(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    format: Literal["interview-tui/transcript"] = "interview-tui/transcript"
    version: int = Field(1, ge=1, le=TRANSCRIPT_FORMAT_VERSION)
    audio_file: str = ""
    audio_sha256: str = ""
    audio_seconds: float = 0.0
    speech_seconds: float = 0.0
    speakers: list[Text] = Field(default_factory=list)
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

    @property
    def timed(self) -> bool:
        """Whether any turn has a time: one typed as 'Speaker: text' has none, and its exports
        printed [00:00:00] before every turn."""
        return any_timed(self.segments)


def any_timed(segments: list[Segment]) -> bool:
    return any(segment.end > segment.start or segment.start > 0 for segment in segments)


def place(segments: list[Segment], index: int) -> str:
    """Where a segment is, as the researcher can find it: its time, or — in a transcript typed
    without times, where every time is 00:00:00 — its turn number."""
    return hms(segments[index].start) if any_timed(segments) else f"turn {index + 1}"


def load_transcript(path: Path) -> Transcript:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise UserError(f"{path}: no such transcript")
    except RecursionError:
        raise UserError(f"{path}: nested far too deeply to be a transcript — the file was not changed")
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror or exc})")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", 1)
        raise UserError(f"{path}:{line}: not a readable transcript JSON ({exc}) — the file was not changed")
    try:
        return Transcript.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first.get("ctx", {}).get("error", first["msg"]))
        raise UserError(f"{path}: not an interview-tui transcript ('{'.'.join(map(str, first['loc']))}': "
                        f"{message}) — the file was not changed")
