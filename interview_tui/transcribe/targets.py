"""What to transcribe: a session (its recording, speakers and guide) or a bare audio file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..guide.model import Guide
from ..session.lookup import find_interview
from ..session.roles import speaker_labels
from ..session.store import SessionStore
from ..settings import Settings
from ..study import Study


@dataclass
class TranscriptionTarget:
    audio: Path
    output: Path
    speakers: tuple[str, ...]
    guide: Guide | None = None
    store: SessionStore | None = None
    keeps_session_transcript: bool = False
    """A new version written beside a reviewed transcript: the session keeps pointing at the reviewed one."""

    @property
    def name(self) -> str:
        return self.output.stem


def resolve_target(ref: str, study: Study, settings: Settings) -> TranscriptionTarget:
    found = find_interview(ref, study.recordings_dir, study.transcripts_dir)
    if found.store is not None:
        session = found.store.session
        if found.audio is None:
            raise UserError(f"{found.store.path}: session {session.id} has no recording — nothing to transcribe")
        roles = session.audio_channels or ["interviewer", "informant"]
        if roles == ["mixed"]:  # one channel, both voices: the transcriber tells them apart by role
            roles = ["interviewer", "informant"]
        return TranscriptionTarget(found.audio, study.transcripts_dir / f"{session.id}.json",
                                   speaker_labels(roles, settings, session.pseudonym), session.guide, found.store)
    if found.kind != "recording":
        raise UserError(f"{ref}: not a recording — give a WAV/MP3/… file or a session id "
                        "(`interview-tui sessions` lists them)")
    return TranscriptionTarget(found.audio, study.transcripts_dir / f"{found.audio.stem}.json",
                               speaker_labels(["interviewer", "informant"], settings))
