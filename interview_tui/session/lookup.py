"""Which interview is this? One answer for every command and screen.

A user names an interview by whatever is at hand: the session id, the session file, the
recording, or a transcript. ``find_interview`` turns any of these into the same record, so
``transcribe``, ``coverage``, ``review``, ``export`` and the app agree.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from glob import escape as glob_escape
from pathlib import Path
from typing import Literal

from ..errors import UserError
from .model import valid_session_id
from .store import SESSION_SUFFIX, SessionFileError, SessionStore, find_sessions, session_path

TEXT_TRANSCRIPT_SUFFIXES = (".txt", ".vtt")
"""A transcript made elsewhere (noScribe, a typist) put in transcripts/: found by its name until
the review brings it in as ``<name>.json``."""
TEXT_EXPORT_SUFFIXES = (".txt", ".vtt", ".maxqda.txt", ".nvivo.txt")
"""The text files a transcription writes beside its transcript (``export.transcript_formats``):
the transcript's own words, not interviews of their own."""
AUDIO_SUFFIXES = {".wav", ".mp3", ".m4a", ".flac", ".ogg", ".opus", ".aac", ".wma", ".webm", ".mp4"}
HEAD_BYTES = 4096
BROUGHT_FROM = "brought_from"
"""A transcript's setting naming the .txt/.vtt it was brought from (``core.brought``)."""


@dataclass
class InterviewFiles:
    """What was found for a reference: the session (if any) and the files that belong to it."""

    ref: str
    kind: Literal["session", "recording", "transcript"]
    store: SessionStore | None = None
    audio: Path | None = None
    transcript: Path | None = None

    @property
    def name(self) -> str:
        if self.store is not None:
            return self.store.session.id
        return (self.audio or self.transcript or Path(self.ref)).stem


def _from_session(ref: str, session_file: Path, transcripts_dir: Path) -> InterviewFiles:
    store = SessionStore.open(session_file)
    session = store.session
    audio = store.folder / session.audio_files[0] if session.audio_files else None
    transcript = transcripts_dir / session.transcript_file if session.transcript_file else None
    return InterviewFiles(ref, "session", store, audio, transcript)


def brought_copy_path(path: Path, transcripts_dir: Path) -> Path:
    """Where the study keeps its copy of a transcript made elsewhere: a name of its own, never a
    hidden one (``.notes.txt`` would hide among the checkpoints)."""
    return transcripts_dir / f"{path.stem.lstrip('.') or 'transcript'}.json"


def brought_copy(path: Path, transcripts_dir: Path) -> Path | None:
    """The study's copy of a transcript made elsewhere, once it was brought in for review: what
    coverage and export read from then on, so the corrections made in the review count."""
    candidate = brought_copy_path(path, transcripts_dir)
    try:
        settings = json.loads(candidate.read_text(encoding="utf-8")).get("settings") or {}
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return None
    return candidate if isinstance(settings, dict) and settings.get(BROUGHT_FROM) == str(path.resolve()) else None


_SESSION_ID_FIELD = re.compile(r'"session_id"\s*:\s*(null|"([^"\\]*)")')


def _session_named_in_transcript(path: Path, recordings_dir: Path) -> Path | None:
    # Only our own JSON names its session; a damaged or foreign file simply has none. Ours writes
    # it in its first few hundred bytes, before the segments: read there, not the whole file (the
    # start screen lists a study's interviews on the UI thread, and parsing twenty one-hour
    # transcripts took 0.6 s there). Written otherwise, the whole file is read.
    try:
        with path.open("rb") as file:
            head = file.read(HEAD_BYTES).decode("utf-8", errors="ignore")
        field = _SESSION_ID_FIELD.search(head)
        session_id = field.group(2) if field else json.loads(path.read_text(encoding="utf-8")).get("session_id")
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return None
    if isinstance(session_id, str) and valid_session_id(session_id):
        candidate = session_path(recordings_dir, session_id)
        if candidate.is_file():
            return candidate
    return None


def _by_name(name: str, recordings_dir: Path, transcripts_dir: Path) -> InterviewFiles | None:
    """A recording brought without a session, by the name its files have in the study: `transcribe
    recordings/dictaphone-3.wav` writes transcripts/dictaphone-3.json, and the researcher then says
    `export dictaphone-3` (which `transcribe` printed as its name)."""
    if Path(name).name != name:
        return None  # a path: only a file there is meant
    recordings = sorted(p for p in recordings_dir.glob(f"{glob_escape(name)}.*")
                        if p.suffix.lower() in AUDIO_SUFFIXES and p.is_file()) if recordings_dir.is_dir() else []
    if len(recordings) > 1:
        raise UserError(f"{name}: {len(recordings)} recordings have that name "
                        f"({', '.join(p.name for p in recordings)}) — give the file")
    transcript = transcripts_dir / f"{name}.json"
    transcript = transcript if transcript.is_file() else _text_transcript(transcripts_dir, name)
    if recordings:
        if recordings[0].with_name(name + SESSION_SUFFIX).is_file():
            return None  # a session's recording: its id names it
        return InterviewFiles(name, "recording", audio=recordings[0], transcript=transcript)
    return InterviewFiles(name, "transcript", transcript=transcript) if transcript else None


def _text_transcript(transcripts_dir: Path, name: str) -> Path | None:
    """``transcripts/<name>.txt`` (or ``.vtt``) not brought in yet: a noScribe file or a typed
    transcript put in the study by hand was found by no command, and the matrix left it out
    without a word (seen in tmux). Where both exist — noScribe writes both — the .txt."""
    for suffix in TEXT_TRANSCRIPT_SUFFIXES:
        candidate = transcripts_dir / f"{name}{suffix}"
        if candidate.is_file() and not _written_beside_ours(candidate):
            return candidate
    return None


def _written_beside_ours(path: Path) -> bool:
    """X.txt, X.vtt, X.maxqda.txt or X.nvivo.txt beside a transcript X.json: its text exports (or,
    for a copy brought in, the file it came from), not an interview of its own."""
    return any(path.name.endswith(suffix) and path.with_name(path.name[: -len(suffix)] + ".json").is_file()
               for suffix in TEXT_EXPORT_SUFFIXES)


def brought_interviews(recordings_dir: Path, transcripts_dir: Path) -> list[InterviewFiles]:
    """The interviews of no session, by name: recordings brought in (transcribed or not) and
    transcripts made elsewhere — what ``_by_name`` finds, for ``sessions`` to list."""
    names: dict[str, InterviewFiles] = {}
    transcripts = sorted(transcripts_dir.glob("*.json")) if transcripts_dir.is_dir() else []
    for path in transcripts:
        if path.name.startswith(".") or _session_named_in_transcript(path, recordings_dir) is not None:
            continue  # a checkpoint, or a session's transcript (or another version of it)
        names[path.stem] = InterviewFiles(path.stem, "transcript", transcript=path)
    sessions = {path.name.removesuffix(SESSION_SUFFIX) for path in recordings_dir.glob(f"*{SESSION_SUFFIX}")} \
        if recordings_dir.is_dir() else set()
    texts = sorted(p for suffix in TEXT_TRANSCRIPT_SUFFIXES for p in transcripts_dir.glob(f"*{suffix}")) \
        if transcripts_dir.is_dir() else []
    for path in texts:
        if path.name.startswith(".") or path.stem in sessions or path.stem in names:
            continue
        found = _text_transcript(transcripts_dir, path.stem)  # the .txt where noScribe wrote both
        if found is not None:
            names[path.stem] = InterviewFiles(path.stem, "transcript", transcript=found)
    recordings = sorted(recordings_dir.iterdir()) if recordings_dir.is_dir() else []
    # a session's own recordings (several where a call was resumed after a crash)
    sessions_audio = {name for _, session, _ in find_sessions(recordings_dir) if session for name in session.audio_files}
    for path in recordings:
        if path.suffix.lower() not in AUDIO_SUFFIXES or path.name.startswith(".") or not path.is_file() \
                or path.name in sessions_audio or path.with_name(path.stem + SESSION_SUFFIX).is_file():
            continue
        found = names.setdefault(path.stem, InterviewFiles(path.stem, "recording"))
        found.kind, found.audio = "recording", path
    return [names[name] for name in sorted(names)]


def find_interview(ref: str, recordings_dir: Path, transcripts_dir: Path) -> InterviewFiles:
    """A session id, session file, recording or transcript → the interview it belongs to."""
    text = str(ref).strip()
    if not text:
        raise UserError("no interview named — give a session id, a recording or a transcript "
                        "(`interview-tui sessions` lists sessions)")
    path = Path(text)
    if path.name.endswith(SESSION_SUFFIX) and path.is_file():
        return _from_session(text, path, transcripts_dir)
    if not path.exists():
        if valid_session_id(text) and session_path(recordings_dir, text).is_file():
            return _from_session(text, session_path(recordings_dir, text), transcripts_dir)
        named = _by_name(text, recordings_dir, transcripts_dir)
        if named is not None:
            return named
        if path.suffix.lower() in AUDIO_SUFFIXES | {".json", ".txt", ".vtt"} or len(path.parts) > 1:
            raise SessionFileError(f"{text}: no such file — give a session id, a recording or a transcript "
                                   "(`interview-tui sessions` lists the sessions)")
        raise SessionFileError(f"{text}: no session with that id, and no recording or transcript of that name — "
                               "`interview-tui sessions` lists the sessions")
    if path.is_dir():
        raise UserError(f"{text}: is a folder — give a session id, a recording or a transcript file")
    if not path.is_file():
        raise UserError(f"{text}: not a regular file — give a session id, a recording or a transcript file")
    suffix = path.suffix.lower()
    if suffix in AUDIO_SUFFIXES:
        sibling = path.with_name(path.stem + SESSION_SUFFIX)
        if sibling.is_file():  # a recording made by interview-tui: its session knows the rest
            found = _from_session(text, sibling, transcripts_dir)
            found.audio = path
            return found
        return InterviewFiles(text, "recording", audio=path)
    if suffix == ".json":
        session_file = _session_named_in_transcript(path, recordings_dir)
        if session_file is not None:
            found = _from_session(text, session_file, transcripts_dir)
            found.kind, found.transcript = "transcript", path
            return found
    if suffix in (".txt", ".vtt"):
        path = brought_copy(path, transcripts_dir) or path
    return InterviewFiles(text, "transcript", transcript=path)
