"""Transcripts made elsewhere — noScribe's .txt/.vtt, or typed by hand — brought into the study.

Why: a researcher arrives with transcripts from noScribe or a typist and wants what ours get —
the guide's coverage beside the text, corrections, names decided, the .qdpx. Coverage and export
read such a file as it is, but a correction needs somewhere to go: the review works on a copy in
``transcripts/`` (our JSON), and the file brought is never changed. Opening the same file again
opens that copy, so corrections are never lost to a second reading of the text.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..coverage.plain_text import read_any_transcript
from ..errors import UserError
from ..session.lookup import BROUGHT_FROM, brought_copy_path
from ..study import Study

BROUGHT_SHA256 = "brought_sha256"
"""The file as it was brought in: a later edit of it (in Word, in noScribe's editor) is noticed."""

_AUDIO_LINE = re.compile(r"Audio file:\s*(?P<name>[^\n]+?\.(?:mp3|wav|m4a|flac|ogg|opus|aac|mp4))\b",
                         re.IGNORECASE)


def bring_transcript(path: Path, study: Study) -> tuple[Path, str]:
    """The study's new copy of a transcript made elsewhere, and a line for the user saying so.
    (A file brought before is found by ``find_interview``, which gives its copy instead.)"""
    source = Path(path).resolve()
    target = brought_copy_path(source, study.transcripts_dir)
    if target.exists():
        raise UserError(f"{path}: {target} exists already and holds another transcript — rename the file "
                        "you bring, then open it again")
    transcript = read_any_transcript(source)  # its language: from its words
    transcript.audio_file = _recording_named_in(source)
    transcript.settings = {BROUGHT_FROM: str(source), BROUGHT_SHA256: _sha256(source)}
    study.transcripts_dir.mkdir(parents=True, exist_ok=True)
    transcript.save(target)
    return target, (f"{path}: brought into the study as {target} (language '{transcript.language}', from its "
                    f"words) — corrections are saved there, {source.name} is not changed")


def changed_since_brought(source: Path, settings: dict) -> str:
    """A line for the user when the file was edited after it was brought in, else ""."""
    recorded = settings.get(BROUGHT_SHA256)
    if not recorded or not source.is_file() or _sha256(source) == recorded:
        return ""
    return (f"{source.name} was changed after it was brought in; the review shows the copy as brought (with your "
            "corrections). To bring in the new version instead, delete or rename the copy named above — its "
            "corrections go with it.")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _recording_named_in(source: Path) -> str:
    """The recording noScribe names in its header ("Audio file: ./interview.mp3"), or ""."""
    try:
        head = source.read_text(encoding="utf-8-sig", errors="replace")[:2000]
    except OSError:
        return ""
    match = _AUDIO_LINE.search(head)
    return Path(match.group("name").strip()).name if match else ""
