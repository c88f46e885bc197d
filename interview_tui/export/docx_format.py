"""The transcript as a Word document: one paragraph per turn, speaker in bold, [hh:mm:ss] stamp."""

from __future__ import annotations

import re
from pathlib import Path

from ..fileio import atomic_write_bytes
from ..model.transcript import Transcript
from ..model.timefmt import hms
from .transcript_formats import made_with, turn_text, turns


def write_docx(transcript: Transcript, path: Path, rewrite=lambda t: t, title: str | None = None,
               notice: str | None = None) -> Path:
    import io

    from docx import Document

    document = Document()
    document.add_heading(title or f"Transcript: {transcript.audio_file}", level=1)
    meta = document.add_paragraph()
    meta.add_run(made_with(transcript)).italic = True
    if notice:
        document.add_paragraph().add_run(notice).bold = True
    for turn in turns(transcript):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"[{hms(turn.start)}] ")
        paragraph.add_run(f"{turn.speaker}: ").bold = True
        # *stressed* words (the transcription convention) become italics, as in the seed's transcripts
        for part in re.split(r"(\*[^*\s][^*]*\*)", turn_text(turn, rewrite)):
            if part.startswith("*") and part.endswith("*") and len(part) > 2:
                paragraph.add_run(part[1:-1]).italic = True
            elif part:
                paragraph.add_run(part)
    buffer = io.BytesIO()
    document.save(buffer)
    atomic_write_bytes(path, buffer.getvalue())
    return path
