"""Opening an interview for review: its transcript (ours, as JSON), its guide and its recording."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..guide.model import Guide
from ..model.transcript import load_transcript
from ..review.editing import TranscriptEditor
from ..session.lookup import find_interview
from ..session.store import SessionStore
from ..study import Study
from .brought import bring_transcript, changed_since_brought


@dataclass
class ReviewMaterial:
    editor: TranscriptEditor
    guide: Guide | None
    store: SessionStore | None
    audio: Path | None
    """The recording to play, or None (the reason is in ``audio_problem``)."""
    audio_problem: str = ""
    notice: str = ""
    """What the user should know about what was opened: a transcript brought in, the guide chosen."""


def open_for_review(ref: str, study: Study, store: SessionStore | None = None,
                    guide_path: Path | str | None = None) -> ReviewMaterial:
    """The transcript, guide and recording of a session or transcript file. A .txt/.vtt made
    elsewhere is brought into the study first (``brought``); ``guide_path`` overrides the guide."""
    found = find_interview(ref, study.recordings_dir, study.transcripts_dir)
    if store is not None and found.store is not None and found.store.path == store.path:
        found.store = store  # the caller's copy is the one that is written
    transcript, notices = found.transcript, []
    if transcript is not None and found.store is None and \
            (Path(ref).suffix.lower() in (".txt", ".vtt") or transcript.suffix.lower() in (".txt", ".vtt")):
        if transcript.suffix.lower() == ".json":
            notices.append(f"{ref}: opened the copy brought in before, {transcript} — your corrections are "
                           f"there; {Path(ref).name} is not read again")
            notices += [line for line in [changed_since_brought(Path(ref), load_transcript(transcript).settings)] if line]
        elif transcript.is_file():
            transcript, brought = bring_transcript(transcript, study)
            notices.append(brought)
    if transcript is None or transcript.suffix.lower() != ".json" or not transcript.is_file():
        if found.store is not None and transcript is None:
            raise UserError(f"session {found.store.session.id} has no transcript yet — transcribe it first "
                            f"(`interview-tui transcribe {found.store.session.id}`)")
        raise UserError(f"{ref}: review works on a transcript (interview-tui's .json, or a .txt/.vtt such as "
                        "noScribe's) or a session")
    editor = TranscriptEditor.open(transcript)
    audio = found.audio or recording_of(editor.transcript, study)
    name = Path(editor.transcript.audio_file).name
    problem = "" if audio is not None and audio.is_file() else \
        ("No recording found for this transcript: editing works, playback does not." if not name else
         f"No recording found for this transcript ({name}; looked for in the study's recordings/ and where it "
         "was transcribed from): editing works, playback does not — put the recording in recordings/ to play it.")
    guide, guide_notice = _review_guide(study, found, editor.transcript, guide_path)
    notices += [guide_notice] if guide_notice else []
    return ReviewMaterial(editor, guide, found.store, audio if not problem else None, problem, "\n".join(notices))


def _review_guide(study: Study, found, transcript, guide_path) -> tuple[Guide | None, str]:
    """The guide asked for, else the session's, else the study's guide in the transcript's
    language — as the export takes it, so that the review's coverage is the export's."""
    from ..guide.loader import load_guide
    from ..model.languages import whisper_language

    if guide_path is not None:
        return load_guide(Path(guide_path)), ""
    if found.store is not None:
        return found.store.session.guide, ""
    default = study.default_guide(transcript.language)
    if default is None:
        return None, f"No guide in {study.guides_dir}: the coverage panel is off, tags are guide item ids."
    guide = load_guide(default)
    if transcript.language and whisper_language(guide.language) != whisper_language(transcript.language):
        return guide, (f"Guide: {guide.title} ({default.name}, in '{guide.language}': no guide of the study is in the "
                       f"transcript's language, '{transcript.language}' — --guide to choose).")
    return guide, f"Guide: {guide.title} ({default.name}, the study's guide in its language; --guide to choose)."


def recording_of(transcript, study: Study) -> Path | None:
    """A transcript's recording: in the study's recordings, or where it was transcribed from (a
    file brought from a dictaphone stays where it is; the transcript keeps its path)."""
    name = Path(transcript.audio_file).name
    if not name:
        return None
    recorded_at = transcript.settings.get("recording_path")
    candidates = [study.recordings_dir / name, *([Path(recorded_at)] if isinstance(recorded_at, str) else [])]
    return next((c for c in candidates if c.name == name and c.is_file()), None)


def guide_for_export(study: Study, transcript) -> Guide:
    """The guide a transcript brought without a session is exported with (its codes in the .qdpx,
    the coverage report): the study's guide in the transcript's language."""
    from ..guide.loader import load_guide

    default = study.default_guide(transcript.language)
    if default is None:
        raise UserError(f"Export needs a guide: put one in {study.guides_dir}.")
    return load_guide(default)
