"""Saving and finding sessions: JSON beside the recording, rewritten atomically on every change."""

from __future__ import annotations

import functools
import json
import threading
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

from pydantic import ValidationError

from ..errors import UserError
from ..fileio import atomic_write_text
from . import lock as session_lock
from ..guide.model import Guide
from .model import (AudioSetup, Check, ItemRecord, ItemState, LiveSuggestion, Mark, MarkSource, Note,
                    PhaseChange, Session, utc_now)

SESSION_SUFFIX = ".session.json"


class SessionFileError(UserError):
    pass


def session_path(recordings_dir: Path, session_id: str) -> Path:
    return Path(recordings_dir) / f"{session_id}{SESSION_SUFFIX}"


def load_session(path: Path) -> Session:
    """Read a session file; a damaged one gives a clear error and is never overwritten."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # an editor's byte-order mark is not damage
    except FileNotFoundError:
        raise SessionFileError(f"{path}: no such session file — `interview-tui sessions` lists them")
    except UnicodeDecodeError:
        raise SessionFileError(f"{path}: not a UTF-8 text file — restore it from a backup; it was not changed")
    except OSError as exc:
        raise SessionFileError(f"{path}: cannot be read ({exc.strerror or exc})")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SessionFileError(f"{path}:{exc.lineno}: the session file is damaged ({exc.msg}) — "
                               "fix that line or restore a backup; the file was not changed")
    except RecursionError:
        raise SessionFileError(f"{path}: the session file is nested far too deeply to be a session — "
                               "restore it from a backup; the file was not changed")
    try:
        return Session.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "top level"
        message = str(first.get("ctx", {}).get("error", first["msg"]))
        raise SessionFileError(f"{path}: the session file does not match the expected format at "
                               f"'{where}' ({message}) — fix it or restore a backup; "
                               "the file was not changed")


def _locked(method):
    # The recorder's thread and the UI both change the session; one at a time. A store that is not
    # the session's claimed writer (the app after the call, a command) changes what is on disk now:
    # a command run meanwhile (`coverage` adding its marks) was overwritten by the app's older copy
    # when the review next saved its progress.
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            if self._claimed or method.__name__ == "save":
                return method(self, *args, **kwargs)
            session_lock.acquire(self.path)  # another writer holding it: SessionLocked, nothing changed
            try:
                self._reload_if_changed()
                return method(self, *args, **kwargs)
            finally:
                session_lock.release(self.path)

    return wrapper


class SessionStore:
    """A session bound to its file: every change goes through here and is saved at once."""

    def __init__(self, session: Session, path: Path):
        self._lock = threading.RLock()
        self.session = session
        self.path = Path(path)
        self._undo: list[tuple[str, int]] = []
        self.clock: Callable[[], float] | None = None
        """While recording: the recorder's position, so notes line up with the audio."""
        self._claimed = False
        self._seen: tuple[int, int, int] | None = None
        """The file as this copy last read or wrote it (see _on_disk)."""
        self.on_save_failed: Callable[[str], None] | None = None
        """During a call (set by the interview core): a save that fails (disk full, a folder gone
        read-only) is reported here and the change kept in memory, instead of raising; the next
        save writes everything. Without it a failed save raises UserError."""
        self.unsaved: str | None = None
        """Why the last save failed, while changes are only in memory."""

    # --- lifecycle ---------------------------------------------------------------------------
    @classmethod
    def create(cls, recordings_dir: Path, guide: Guide, *, pseudonym: str = "Informant",
               guide_file: str = "", setup_check: bool = False) -> "SessionStore":
        session = Session(guide=guide, pseudonym=pseudonym.strip() or "Informant",
                          guide_file=guide_file, guide_sha256=guide.sha256(), setup_check=setup_check)
        store = cls(session, session_path(recordings_dir, session.id))
        store.save()
        return store

    @classmethod
    def open(cls, path: Path) -> "SessionStore":
        store = cls(load_session(path), path)
        store._seen = store._on_disk()
        return store

    def _on_disk(self) -> tuple[int, int, int] | None:
        """Which version of the file is there: every save replaces it (a new inode)."""
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    def _reload_if_changed(self) -> None:
        """Another process saved the session since this copy was read or written: read it again
        before changing it. (An unreadable file is left to this copy, which the change then saves.)"""
        seen = self._on_disk()
        if seen is None or seen == self._seen or self.unsaved is not None:
            return  # (changes only in memory, the disk having been full: this copy is the newer)
        try:
            self.session = load_session(self.path)
        except UserError:
            return
        self._seen = seen

    def claim(self) -> str:
        """Become the session's one writer until ``close`` (see ``session.lock``); returns a note
        if a crashed process's lock was taken over. A store that is not claimed takes the lock
        for each save only, so a command that writes once never blocks the app for long."""
        if self._claimed:
            return ""
        note = session_lock.acquire(self.path)
        self._claimed = True
        if note and self.path.is_file():
            # What a dead writer saved is on disk; this copy may be older than that.
            self.session = load_session(self.path)
        return note

    def close(self) -> None:
        if self._claimed:
            session_lock.release(self.path)
            self._claimed = False
        self.on_save_failed: Callable[[str], None] | None = None
        """During a call (set by the interview core): a save that fails (disk full, a folder gone
        read-only) is reported here and the change kept in memory, instead of raising; the next
        save writes everything. Without it a failed save raises UserError."""
        self.unsaved: str | None = None
        """Why the last save failed, while changes are only in memory."""

    @_locked
    def save(self) -> None:
        try:
            if self._claimed:
                atomic_write_text(self.path, self.session.model_dump_json(indent=2))
            else:
                session_lock.acquire(self.path)  # another writer holding it: SessionLocked, nothing written
                try:
                    atomic_write_text(self.path, self.session.model_dump_json(indent=2))
                finally:
                    session_lock.release(self.path)
            self._seen = self._on_disk()
        except OSError as exc:
            reason = (f"{self.path.name} could not be saved ({exc.strerror or exc}) — everything is kept in "
                      "memory and saved again with the next change; free disk space")
            if self.on_save_failed is None:
                raise UserError(reason) from exc
            first = self.unsaved is None
            self.unsaved = reason
            if first:
                self.on_save_failed(reason)
            return
        if self.unsaved is not None:
            self.unsaved = None
            if self.on_save_failed is not None:
                self.on_save_failed("")  # saved again: the warning can go

    @property
    def folder(self) -> Path:
        return self.path.parent

    def call_time(self, now: datetime | None = None) -> float | None:
        if self.clock is not None:
            return round(self.clock(), 2)
        if self.session.started_at is None:
            return None
        now = now or utc_now()
        return round((now - self.session.started_at).total_seconds(), 2)

    @_locked
    def start_clock(self) -> None:
        if self.session.started_at is None:
            self.session.started_at = utc_now()
            self.save()

    @_locked
    def set_phase(self, phase: str) -> None:
        if phase != self.session.phase:
            self.session.phase_changes.append(PhaseChange(phase=phase, call_time=self.call_time()))
        self.session.phase = phase
        self.save()

    @_locked
    def end(self) -> None:
        self.session.ended_at = utc_now()
        self.session.phase = "ended"
        self.save()

    # --- marks -------------------------------------------------------------------------------
    @_locked
    def mark(self, item_id: str, state: ItemState, *, source: MarkSource = "interviewer",
             call_time: float | None = None, score: float | None = None) -> None:
        if call_time is None and source == "interviewer":
            call_time = self.call_time()
        record = self._add_mark(item_id, Mark(state=state, source=source, call_time=call_time, score=score))
        if source == "interviewer":
            self._undo.append((item_id, len(record.history) - 1))
        self.save()

    def _add_mark(self, item_id: str, mark: Mark) -> ItemRecord:
        self.session.guide.item(item_id)  # KeyError for an id the guide does not have
        record = self.session.items.setdefault(item_id, ItemRecord())
        record.history.append(mark)
        return record

    @_locked
    def add_automatic_marks(self, marks: list[tuple[str, ItemState, float | None, float | None]]) -> None:
        """The coverage check's marks (item, state, call time, score), saved once: a save each kept
        the app's screen waiting for a 40-item guide."""
        for item_id, state, call_time, score in marks:
            self._add_mark(item_id, Mark(state=state, source="coverage", call_time=call_time, score=score))
        if marks:
            self.save()

    @_locked
    def add_suggestion(self, suggestion: LiveSuggestion) -> int:
        self.session.suggestions.append(suggestion)
        self.save()
        return len(self.session.suggestions) - 1

    @_locked
    def decide_suggestion(self, index: int, accepted: bool) -> LiveSuggestion:
        """Accepting makes the suggestion the interviewer's own mark, at the suggestion's call time
        (so the turn that triggered it becomes its evidence)."""
        suggestion = self.session.suggestions[index]
        if accepted and suggestion.item_id not in self.session.guide.item_ids():
            raise UserError(f"{self.path}: suggestion {index + 1} names item '{suggestion.item_id}', which the "
                            "session's guide does not have — reject it (r) or mark the item by hand")
        suggestion.decision = "accepted" if accepted else "rejected"
        suggestion.decided_at = self.call_time()
        if accepted:
            self.mark(suggestion.item_id, "covered", call_time=suggestion.call_time)  # an RLock: re-entered
        else:
            self.save()
        return suggestion

    @_locked
    def undo(self) -> str | None:
        """Take back the interviewer's last mark in this run; returns the item id, if any."""
        while self._undo:
            item_id, index = self._undo.pop()
            record = self.session.items.get(item_id)
            if record and index < len(record.history):
                del record.history[index]
                self.save()
                return item_id
        return None

    @_locked
    def check(self, section: str, item_id: str, done: bool = True) -> None:
        checks: dict[str, Check] = getattr(self.session, section)
        checks[item_id] = Check(done=done, call_time=self.call_time())
        consent = self.session.guide.consent_item()
        if section == "briefing" and consent is not None and item_id == consent.id:
            self.session.consent = "given" if done else "unknown"
        self.save()

    @_locked
    def refuse_consent(self) -> None:
        self.session.consent = "refused"
        self.add_note("Consent to the recording was refused; the recording was deleted.", kind="event")

    @_locked
    def add_note(self, text: str, *, kind: str = "note", item_id: str | None = None,
                 call_time: float | None = None) -> Note:
        note = Note(kind=kind, text=text, item_id=item_id,
                    call_time=self.call_time() if call_time is None else call_time)
        self.session.notes.append(note)
        self.save()
        return note

    @_locked
    def add_theme_time(self, theme_id: str, seconds: float, save: bool = True) -> None:
        self.session.theme_seconds[theme_id] = round(self.session.theme_seconds.get(theme_id, 0.0) + seconds, 1)
        if save:
            self.save()

    @_locked
    def set_current(self, item_id: str | None) -> None:
        # Where the cursor is: saved with the next change (marks, notes, the theme clock every
        # ten seconds), not on every arrow key — an fsync per key made a long guide sluggish.
        self.session.current_item = item_id

    @_locked
    def set_audio(self, name: str, roles: Iterable[str], setup: AudioSetup) -> None:
        if name not in self.session.audio_files:
            self.session.audio_files.append(name)
        self.session.audio_channels = list(roles)
        self.session.audio_setup = setup
        self.save()

    @_locked
    def forget_audio(self) -> None:
        self.session.audio_files = []
        self.session.audio_channels = []
        self.session.audio_setup = None
        self.save()

    @_locked
    def set_transcript(self, name: str) -> None:
        self.session.transcript_file = name
        self.save()

    @_locked
    def set_review_progress(self, progress: dict[str, int]) -> None:
        self.session.review = progress
        self.save()


def find_sessions(recordings_dir: Path) -> list[tuple[Path, Session | None, str | None]]:
    """Every session file in the folder, newest first, with the error for damaged ones."""
    found = []
    for path in sorted(Path(recordings_dir).glob(f"*{SESSION_SUFFIX}"), reverse=True):
        try:
            found.append((path, load_session(path), None))
        except SessionFileError as exc:
            found.append((path, None, str(exc)))
    return found


def unfinished_sessions(recordings_dir: Path) -> list[tuple[Path, Session]]:
    """Interviews that were never ended (the app or the laptop died), newest first; a set-up
    check cut off is not an interview to go on with."""
    return [(path, session) for path, session, error in find_sessions(recordings_dir)
            if session is not None and not session.ended and session.consent != "refused"
            and not session.setup_check]


def finished_sessions(recordings_dir: Path) -> list[tuple[Path, Session]]:
    """Interviews that were ended (not refused), newest first, then the set-up checks (kept, since
    a call may have been recorded that way, but after the interviews): to transcribe, review or
    export later."""
    ended = [(path, session) for path, session, error in find_sessions(recordings_dir)
             if session is not None and session.ended and session.consent != "refused"]
    return sorted(ended, key=lambda found: found[1].setup_check)  # stable: newest first within each
