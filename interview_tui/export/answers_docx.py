"""The answers sorted by theme as a Word document: the thesis writer quotes from it in Word, where
the seed thesis sorted its answers by hand. Same content as ``answers-by-theme.md``: theme and
question headings, then each interview's talk on the question, one paragraph per turn."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

from ..coverage.answers import Answer, answer_heading, intro
from ..coverage.report import STATUS_WORDS
from ..fileio import atomic_write_bytes
from ..guide.model import Guide
from ..model.timefmt import hms
from .docx_format import _set_language


def write_answers_docx(guide: Guide, answers: dict[str, list[Answer]], path: Path, rewrite=lambda t: t,
                       warning: str = "") -> Path:
    from docx import Document
    from docx.shared import Mm

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    _set_language(document, guide.language)
    title = f"Answers by theme: {guide.title}"
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = title, "", ""
    properties.comments, properties.keywords = "interview-tui", "interview answers by theme"
    properties.created = properties.modified = datetime.now(timezone.utc).replace(tzinfo=None)
    document.add_heading(title, level=1)
    if warning:
        document.add_paragraph().add_run(f"⚠ {warning}").bold = True
    document.add_paragraph().add_run(intro(answers, rewrite)).italic = True
    for theme in guide.themes:
        document.add_heading(f"{theme.id} {theme.title}", level=2)
        for question in theme.questions:
            document.add_heading(f"{question.id} {question.text}", level=3)
            for answer in answers.get(question.id, []):
                if not answer.segments:
                    document.add_paragraph().add_run(
                        f"{rewrite(answer.interview)} — {STATUS_WORDS[answer.status]}").italic = True
                    continue
                document.add_paragraph().add_run(answer_heading(answer, rewrite)).bold = True
                for segment in answer.segments:
                    paragraph = document.add_paragraph()
                    paragraph.paragraph_format.left_indent = Mm(6)
                    if answer.timed:
                        paragraph.add_run(f"[{hms(segment.start)}] ")
                    paragraph.add_run(f"{rewrite(segment.speaker)}: ").bold = True
                    paragraph.add_run(rewrite(segment.text))
    buffer = io.BytesIO()
    document.save(buffer)
    atomic_write_bytes(path, buffer.getvalue())
    return path
