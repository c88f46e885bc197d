"""One interview = one session: what the guide was, what happened, and where the files are.

Call time is seconds since the recording started (or since the session started when there is no
recording); it is what the interviewer, the transcript and the audio have in common.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..guide.model import Guide

ItemState = Literal["not_yet", "asked", "covered", "skipped"]
Role = Literal["interviewer", "informant", "mixed"]
"""Who is on a recorded channel. Canonical: labels ("Interviewer", a pseudonym) are applied only
when output is written, so a setting never changes what the session records."""
MarkSource = Literal["interviewer", "coverage"]
SessionPhase = Literal["start", "briefing", "conduct", "debriefing", "ended"]

ITEM_STATE_SYMBOLS: dict[str, str] = {"not_yet": "○", "asked": "◐", "covered": "●", "skipped": "⊘"}


SESSION_FORMAT_VERSION = 1
SESSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
"""A session id names files in the study folder: no separators, no leading dot, never '..'."""


def valid_session_id(text: str) -> bool:
    return bool(SESSION_ID.match(text)) and ".." not in text


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def new_session_id(now: datetime | None = None) -> str:
    now = now or datetime.now()
    return f"{now:%Y%m%d-%H%M}-{secrets.token_hex(2)}"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Mark(_Model):
    """One change of an item's state; the history is kept so disagreements can be reviewed."""

    state: ItemState
    source: MarkSource = "interviewer"
    call_time: float | None = None
    at: datetime = Field(default_factory=utc_now)
    score: float | None = None
    """Only for automatic marks: how sure the coverage matcher was (0–1)."""


class ItemRecord(_Model):
    history: list[Mark] = Field(default_factory=list)

    @property
    def state(self) -> ItemState:
        """The interviewer's latest mark wins over the automatic coverage."""
        manual = [mark for mark in self.history if mark.source == "interviewer"]
        if manual:
            return manual[-1].state
        return self.history[-1].state if self.history else "not_yet"

    def latest(self, source: MarkSource) -> Mark | None:
        return next((mark for mark in reversed(self.history) if mark.source == source), None)


class Check(_Model):
    """A briefing or debriefing item, ticked (or explicitly unticked) at a call time."""

    done: bool = True
    call_time: float | None = None
    at: datetime = Field(default_factory=utc_now)


class Note(_Model):
    kind: Literal["note", "marker", "pause", "resume", "event"] = "note"
    text: str = ""
    call_time: float | None = None
    at: datetime = Field(default_factory=utc_now)
    item_id: str | None = None
    """The guide item the interviewer was on when the note was written."""


class LiveSuggestion(_Model):
    """A guide item the live transcription suggested during the call, and what the interviewer
    decided; both are kept, so the summary can say where the final coverage differs."""

    item_id: str
    call_time: float
    """When the words that triggered it ended."""
    text: str
    role: Literal["asked", "answered"] = "asked"
    speaker: Role = "interviewer"
    score: float = 0.0
    reason: Literal["semantic", "keywords"] = "semantic"
    decision: Literal["pending", "accepted", "rejected"] = "pending"
    decided_at: float | None = None


class PhaseChange(_Model):
    phase: SessionPhase
    call_time: float | None = None


class AudioSetup(_Model):
    """The sources a session records from, by device name (indices change between runs), so a
    resumed session reopens exactly them."""

    mic: str | None = None
    """``NAME`` or ``NAME:CHANNEL`` of the interviewer's microphone (or the one mono source)."""
    line: str | None = None
    """The phone line: a second device, or ``NAME:2`` for the adapter's second channel."""


def canonical_roles(labels: list[str]) -> list[str]:
    """Sessions written before roles were canonical stored labels ("Interviewer", "Kari", "Mixed",
    even "pseudonym"); the channel's position says who it was."""
    known = {"interviewer", "informant", "mixed"}
    if all(label in known for label in labels):
        return labels
    if len(labels) == 1:
        return ["mixed"]
    return ["interviewer", "informant"][: len(labels)]


class Session(_Model):
    format: Literal["interview-tui/session"] = "interview-tui/session"
    version: int = 1
    id: str = Field(default_factory=new_session_id)
    pseudonym: str = "Informant"
    setup_check: bool = False
    """Made by `record` to try the sound set-up (no guide, pseudonym or live chosen): listed as a
    check, apart from the interviews, never offered to resume — three checks before the first
    call showed as three interviews of "Informant"."""
    created: datetime = Field(default_factory=utc_now)
    started_at: datetime | None = None
    """When the recording (or, without one, the conduct) began: call time 0."""
    ended_at: datetime | None = None
    phase: SessionPhase = "start"
    phase_changes: list[PhaseChange] = Field(default_factory=list)
    suggestions: list[LiveSuggestion] = Field(default_factory=list)
    """When the call moved between briefing, conduct and debriefing: talk outside the conduct is
    never evidence for a guide item (the briefing mentions the guide's topics)."""
    guide: Guide
    guide_file: str = ""
    guide_sha256: str = ""
    consent: Literal["unknown", "given", "refused"] = "unknown"
    briefing: dict[str, Check] = Field(default_factory=dict)
    debriefing: dict[str, Check] = Field(default_factory=dict)
    items: dict[str, ItemRecord] = Field(default_factory=dict)
    notes: list[Note] = Field(default_factory=list)
    current_item: str | None = None
    theme_seconds: dict[str, float] = Field(default_factory=dict)
    """Call time spent on each theme, against its planned minutes."""
    audio_files: list[str] = Field(default_factory=list)
    """Recording files, relative to the session file's folder; one per recording run."""
    audio_channels: list[Role] = Field(default_factory=list)
    """Who is on each channel of the recording: ["interviewer", "informant"] or ["mixed"]."""
    audio_setup: AudioSetup | None = None
    """Where the recording came from; None for a session without recording."""
    transcript_file: str | None = None
    review: dict[str, int] = Field(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _id_names_no_path(cls, value: str) -> str:
        if not valid_session_id(value):
            raise ValueError(f"'{value[:40]}' is not a session id (letters, digits, '-', '_' and '.', "
                             "no folders) — files are named after it, so it cannot lead out of the study")
        return value

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value > SESSION_FORMAT_VERSION:
            raise ValueError(f"version {value} was written by a newer interview-tui — update interview-tui "
                             "to open it")
        return value

    @field_validator("audio_files", "transcript_file")
    @classmethod
    def _plain_file_names(cls, value):
        names = value if isinstance(value, list) else [value]
        for name in names:
            if name is not None and (not name or "/" in name or "\\" in name or name.startswith(".")):
                raise ValueError(f"'{name[:40]}' is not a plain file name — the session's files lie beside it")
        return value

    @model_validator(mode="after")
    def _current_item_in_the_guide(self) -> "Session":
        if self.current_item is not None and self.current_item not in set(self.guide.item_ids()):
            self.current_item = None  # where the cursor was; the guide is what counts
        return self

    @field_validator("audio_channels", mode="before")
    @classmethod
    def _roles_not_labels(cls, value):
        return canonical_roles(list(value)) if isinstance(value, list) else value

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    @property
    def no_recording_reason(self) -> str | None:
        """Why an interview has no recording (None when it has one): its recording was deleted
        when consent was refused, or it was conducted with notes and marks only."""
        if self.audio_files:
            return None
        return "consent refused" if self.consent == "refused" else "notes and marks only"

    def item_state(self, item_id: str) -> ItemState:
        record = self.items.get(item_id)
        return record.state if record else "not_yet"

    def counts(self) -> dict[str, int]:
        totals = {state: 0 for state in ITEM_STATE_SYMBOLS}
        for item in self.guide.items():
            if item.kind != "theme":
                totals[self.item_state(item.id)] += 1
        return totals


def conduct_spans(session: Session) -> list[tuple[float, float]] | None:
    """The call-time stretches spent in the conduct phase; None when the session never recorded
    its phase changes with call times (older sessions): then all talk counts."""
    changes = [c for c in session.phase_changes if c.call_time is not None]
    if not any(c.phase == "conduct" for c in changes):
        return None
    spans, opened = [], None
    for change in changes:
        if change.phase == "conduct" and opened is None:
            opened = change.call_time
        elif change.phase != "conduct" and opened is not None:
            spans.append((opened, change.call_time))
            opened = None
    if opened is not None:
        spans.append((opened, float("inf")))
    return spans
