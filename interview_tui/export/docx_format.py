"""The transcript as a Word document: one paragraph per turn, speaker in bold, [hh:mm:ss] stamp;
A4, in the transcript's language (so Word does not mark every Norwegian word as misspelt), with
the document's own title and date instead of python-docx's template metadata, and — when asked —
line numbers, which researchers cite ("line 132")."""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from pathlib import Path

from ..fileio import atomic_write_bytes
from ..model.timefmt import hms
from ..model.transcript import Transcript
from .transcript_formats import Notes, _with_notes, made_with, turn_text, turns

WORD_LANGUAGES = {"no": "nb-NO", "nb": "nb-NO", "nn": "nn-NO", "en": "en-GB", "de": "de-DE", "sv": "sv-SE",
                  "da": "da-DK", "fi": "fi-FI", "fr": "fr-FR", "es": "es-ES", "nl": "nl-NL"}


def _set_language(document, code: str | None) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tag = WORD_LANGUAGES.get((code or "").lower(), code or "nb-NO")
    for style_name in ("Normal", "Heading 1"):
        properties = document.styles[style_name].element.get_or_add_rPr()
        for old in properties.findall(qn("w:lang")):
            properties.remove(old)
        language = OxmlElement("w:lang")
        language.set(qn("w:val"), tag)
        properties.append(language)


def _line_numbers(section) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    numbering = OxmlElement("w:lnNumType")
    numbering.set(qn("w:countBy"), "1")
    numbering.set(qn("w:restart"), "continuous")
    section._sectPr.append(numbering)


def write_docx(transcript: Transcript, path: Path, rewrite=lambda t: t, title: str | None = None,
               notice: str | None = None, notes: Notes = (), line_numbers: bool = False) -> Path:
    from docx import Document
    from docx.shared import Mm

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    if line_numbers:
        _line_numbers(section)
    _set_language(document, transcript.language)
    heading = title or f"Transcript: {transcript.audio_file}"
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = heading, "", ""
    properties.comments, properties.keywords = made_with(transcript), "interview transcript"
    properties.created = properties.modified = datetime.now(timezone.utc).replace(tzinfo=None)
    properties.revision = 1
    document.add_heading(heading, level=1)
    document.add_paragraph().add_run(made_with(transcript)).italic = True
    if notice:
        document.add_paragraph().add_run(notice).bold = True
    for entry in _with_notes(turns(transcript), list(notes), lambda turn: turn.start):
        paragraph = document.add_paragraph()
        if isinstance(entry, tuple):
            paragraph.add_run(f"[{hms(entry[0])}] Note: {entry[1]}").italic = True
            continue
        if transcript.timed:
            paragraph.add_run(f"[{hms(entry.start)}] ")
        paragraph.add_run(f"{entry.speaker}: ").bold = True
        # *stressed* words (the transcription convention) become italics, as in the seed's transcripts
        for part in re.split(r"(\*[^*\s][^*]*\*)", turn_text(entry, rewrite)):
            if part.startswith("*") and part.endswith("*") and len(part) > 2:
                paragraph.add_run(part[1:-1]).italic = True
            elif part:
                paragraph.add_run(part)
    buffer = io.BytesIO()
    document.save(buffer)
    atomic_write_bytes(path, buffer.getvalue())
    return path
