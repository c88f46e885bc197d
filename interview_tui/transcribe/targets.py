"""What to transcribe: a session (its recording, speakers and guide) or a bare audio file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..guide.model import Guide
from ..session.store import SESSION_SUFFIX, SessionStore, session_file_for
from ..settings import Settings
from ..study import Study


@dataclass
class TranscriptionTarget:
    audio: Path
    output: Path
    speakers: tuple[str, ...]
    guide: Guide | None = None
    store: SessionStore | None = None

    @property
    def name(self) -> str:
        return self.output.stem


def _labels(roles: list[str], settings: Settings, pseudonym: str | None = None) -> tuple[str, ...]:
    mapping = {"Interviewer": settings.interviewer_label,
               "Informant": pseudonym if settings.informant_label == "pseudonym" and pseudonym
               else settings.informant_label,
               "Mixed": "Speaker"}
    return tuple(mapping.get(role, role) for role in roles)


def resolve_target(ref: str, study: Study, settings: Settings) -> TranscriptionTarget:
    path = Path(ref)
    session_file = session_file_for(study.recordings_dir, ref)
    if session_file is not None:
        store = SessionStore.open(session_file)
        session = store.session
        if not session.audio_files:
            raise UserError(f"{session_file}: session {session.id} has no recording — nothing to transcribe")
        audio = store.folder / session.audio_files[0]
        roles = session.audio_channels or ["Interviewer", "Informant"]
        return TranscriptionTarget(audio, study.transcripts_dir / f"{session.id}.json",
                                   _labels(roles, settings, session.pseudonym), session.guide, store)
    if not path.exists():
        raise UserError(f"{ref}: no such recording or session — give a WAV/MP3/… file or a session id "
                        "(`interview-tui sessions` lists them)")
    if path.is_dir():
        raise UserError(f"{ref}: is a folder — give a recording file or a session id")
    sibling = path.with_name(path.stem + SESSION_SUFFIX)
    if sibling.is_file():  # a recording made by interview-tui: use its session
        return resolve_target(str(sibling), study, settings)
    return TranscriptionTarget(path, study.transcripts_dir / f"{path.stem}.json",
                               (settings.interviewer_label, settings.informant_label))
