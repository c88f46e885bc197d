"""A guide kept in an office document — Word (.docx) or LibreOffice/OpenDocument (.odt) — read
as the outline the Markdown importer understands.

Researchers write their guide in a word processor, and Norwegian theses keep it as a table — Tema
| Tematiske spørsmål | Stikkord oppfølgingsspørsmål (the seed's "Vedlegg 1"). Saving it as text
loses what makes it a guide: list numbers are not in the text (every question came out as prose,
left out), list levels are gone (follow-ups read as questions), and a table's columns run into each
other. So each format's reader (``docx_outline``, ``odt_outline``) gives the document as neutral
paragraphs and table cells, and this module makes the outline: heading styles are themes, numbered
list paragraphs are questions and their deeper levels follow-ups, bullets are checklist items (or
follow-ups under a question), and a table with a question column gives a theme per row group, its
questions, and the follow-ups beside them. Each outline line remembers where in the document it
came from, so a problem is named by its paragraph or table row, not by a line nobody sees."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GuideError
from .markdown import _BRIEFING_NAMES, _DEBRIEFING_NAMES, _section_name, parse_markdown_outline

DOCUMENT_SUFFIXES = (".docx", ".odt")
_THEME_HEADS = ("tema", "theme", "topic", "emne", "område", "thema", "bereich", "section", "del")
_QUESTION_HEADS = ("spørsmål", "question", "frage", "fråga", "spørgsmål", "hovedspørsmål", "main question")
_FOLLOWUP_HEADS = ("oppfølging", "follow", "probe", "stikkord", "prompt", "nachfrage", "uppföljning",
                   "opfølgning", "underspørsmål", "sub-question", "subquestion")
_TYPED_NUMBER = re.compile(r"^\d+(?:\.\d+)*[.)]?\s")
TYPED_BULLET = re.compile(r"^[-*+•◦▪‣·–—]\s*")
_LETTER_FORMATS = {"lowerLetter", "upperLetter"}
MAX_UNPACKED_BYTES = 64 * 2**20
"""A guide with its styles and a logo is well under a megabyte; a file unpacking past this is not
one (or is a zip bomb), and the reader would hold all of it in memory."""


@dataclass
class Paragraph:
    """One paragraph as the outline needs it, whatever wrote it."""

    text: str
    """On one line (soft breaks and tabs are spaces), tracked changes accepted."""
    title: bool = False
    heading: int | None = None
    """Its heading level (1 = top), by style or outline level; None for body text."""
    listed: tuple[str, int] | None = None
    """In a list: (number format — "decimal", "bullet", "lowerLetter"… — and list level, 0 = top)."""


@dataclass
class Cell:
    key: object
    """The same for every grid place a merged cell covers (readers list it once per place)."""
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.paragraphs if p.text).strip()


class DocumentOutline:
    """The outline's lines and, for each, where in the document it came from."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.lines: list[str] = []
        self.places: list[str] = []
        self.lists: list[tuple[str, int, str] | None] = []
        """For a list paragraph: its number format, its list level and its text."""

    def add(self, line: str, place: str, listed: tuple[str, int, str] | None = None) -> None:
        self.lines.append(line)
        self.places.append(place)
        self.lists.append(listed)

    def add_paragraph(self, paragraph: Paragraph, place: str, has_title: bool) -> None:
        listed = paragraph.listed
        self.add(outline_line(paragraph, has_title), describe(place, paragraph.text),
                 (*listed, TYPED_BULLET.sub("", paragraph.text)) if listed and paragraph.text else None)

    def lists_as_outline(self) -> None:
        """A guide kept as one multi-level list — "1. Bakgrunn", "1.1 Hvor lenge…?", "• Før det?" —
        has no headings: its level-1 items under a short level-0 item that asks nothing are the
        questions of a theme. (Read as usual, every theme was a question and the guide unusable.)
        Only where the document has no heading at all."""
        if any(line.startswith("#") for line in self.lines):
            return
        for index, listed in enumerate(self.lists):
            if listed is None or listed[1] != 0 or listed[0] == "bullet":
                continue
            children = []
            for later in range(index + 1, len(self.lists)):
                other = self.lists[later]
                if other is None and self.lines[later].strip():
                    break  # prose ends the list
                if other is not None and other[1] == 0:
                    break
                if other is not None and other[1] == 1:
                    children.append(later)
            text = listed[2]
            if children and len(text) <= 80 and "?" not in text:
                self.lines[index] = f"## {text}"
                for child in children:
                    self.lines[child] = f"1. {self.lists[child][2]}"

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def where(self, message: str) -> str:
        """A parser message with ``path:N`` (or ``lines 3–9``) made into the paragraphs' places."""
        source = re.escape(str(self.path))
        message = re.sub(rf"^{source}:(\d+):", lambda m: f"{self.path}, {self._place(int(m.group(1)))}:", message)
        return re.sub(rf"^{source}: lines? ([\d–, ]+):",
                      lambda m: f"{self.path}: {self._places(m.group(1))}:", message)

    def _place(self, line_no: int) -> str:
        return self.places[line_no - 1] if 0 < line_no <= len(self.places) else f"line {line_no}"

    def _places(self, listed: str) -> str:
        numbers: list[int] = []
        for part in listed.split(","):
            first, _, last = part.strip().partition("–")
            numbers += range(int(first), int(last or first) + 1)
        shown = [self._place(n) for n in numbers[:3]]
        return "; ".join(shown) + (f" and {len(numbers) - 3} more" if len(numbers) > 3 else "")


def describe(place: str, text: str) -> str:
    words = " ".join(text.split())
    return f"{place} (\"{words[:40]}{'…' if len(words) > 40 else ''}\")" if words else place


def outline_line(paragraph: Paragraph, has_title: bool) -> str:
    text = paragraph.text
    if not text:
        return ""
    if paragraph.title:
        return f"# {text}"
    if paragraph.heading is not None:
        return "#" * min(6, paragraph.heading + (1 if has_title else 0)) + " " + text
    if paragraph.listed is None:
        return text  # typed numbers and bullets, and headings by place, are the text importer's
    fmt, level = paragraph.listed
    if level > 0:
        return f"   - {TYPED_BULLET.sub('', text)}"
    if fmt == "bullet":
        return f"- {text}"
    if fmt in _LETTER_FORMATS:
        return f"a. {text}"  # under a question, a follow-up (word_layout)
    return text if _TYPED_NUMBER.match(text) else f"1. {text}"


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        name = name.lower()
        for role, heads in (("followup", _FOLLOWUP_HEADS), ("question", _QUESTION_HEADS), ("theme", _THEME_HEADS)):
            if role not in found and any(head in name for head in heads):
                found[role] = index
                break
    return found


def unique(cells: list[Cell]) -> list[Cell]:
    """A cell merged across columns is listed once per column it spans."""
    seen, out = set(), []
    for cell in cells:
        if id(cell.key) not in seen:
            seen.add(id(cell.key))
            out.append(cell)
    return out


def read_guide_table(rows: list[list[Cell]], outline: DocumentOutline, place: str) -> None:
    """A table: the guide's, if a row near its top names a question column; else its paragraphs."""
    # The header may sit under a title row ("Intervjuguide" across the table).
    header = next((r for r, row in enumerate(rows[:3]) if "question" in _columns([c.text for c in row])), None)
    if header is None:
        # Not a guide's table (a schedule, a consent form): its paragraphs as they stand.
        for r, row in enumerate(rows, 1):
            for c, cell in enumerate(unique(row), 1):
                for paragraph in cell.paragraphs:
                    outline.add(outline_line(paragraph, False), describe(f"{place}, row {r}, column {c}", paragraph.text))
        return
    columns = _columns([c.text for c in rows[header]])
    theme, checklist = None, False

    def new_theme(title: str, at: str) -> None:
        nonlocal theme, checklist
        theme = title
        outline.add(f"## {title}", describe(at, title))
        # Named as the outline parser will name it ("Del 1: Innledning" is the briefing there too).
        checklist = _section_name(title) in _BRIEFING_NAMES | _DEBRIEFING_NAMES

    for r, row in enumerate(rows[: header + 1], 1):
        outline.add("", f"{place}, row {r}")
    for r, cells in enumerate(rows[header + 1:], header + 2):
        at = f"{place}, row {r}"
        if len(cells) > 1 and len(unique(cells)) == 1:
            # One cell across the whole row: a section heading ("Del 2: Tilgang"), not a question.
            if cells[0].text:
                new_theme(cells[0].text, at)
            continue
        if "theme" in columns and columns["theme"] < len(cells):
            title = cells[columns["theme"]].text
            if title and title != theme:  # a merged theme cell repeats itself down its rows
                new_theme(title, at)
        if columns["question"] < len(cells):
            for paragraph in cells[columns["question"]].paragraphs:
                if paragraph.text:
                    outline.add(_question_cell_line(paragraph, checklist), describe(at, paragraph.text))
        if "followup" in columns and columns["followup"] < len(cells):
            for paragraph in cells[columns["followup"]].paragraphs:
                text = TYPED_BULLET.sub("", paragraph.text)
                if text:
                    outline.add(f"   - {text}", describe(at, text))


def _question_cell_line(paragraph: Paragraph, checklist: bool) -> str:
    text, listed = paragraph.text, paragraph.listed
    if checklist:
        return f"- {TYPED_BULLET.sub('', text)}"
    if TYPED_BULLET.match(text) or (listed is not None and (listed[0] == "bullet" or listed[1] > 0)):
        return f"   - {TYPED_BULLET.sub('', text)}"  # a probe listed under the question in its cell
    return text if _TYPED_NUMBER.match(text) else f"1. {text}"


def open_package(path: Path, kind: str, suffix: str, instead: str, app: str) -> zipfile.ZipFile:
    """The document's zip, checked: a file that is none (an old .doc), a damaged one and a zip bomb
    are one line each, saying what to do. E.g. ``kind`` "a Word document", ``suffix`` ".docx",
    ``instead`` "an old .doc or another format" (what such a file often is), ``app`` "Word"."""
    path = Path(path)
    if not path.is_file():
        raise GuideError([f"{path}: no such file — check the path, or list guides/ for the guides you have"])
    if not zipfile.is_zipfile(path):
        raise GuideError([f"{path}: not {kind} ({suffix}) — {instead}: open it in Word or LibreOffice and "
                          f"save it as {suffix} (or as text, .md)"])
    try:
        archive = zipfile.ZipFile(path)
        unpacked = sum(member.file_size for member in archive.infolist())
    except Exception:  # BadZipFile, an unsupported zip version, a bad header: the file is damaged
        raise GuideError([f"{path}: cannot be read as {kind} (the file is damaged) — save it again from {app} "
                          f"as {suffix}"])
    if unpacked > MAX_UNPACKED_BYTES:
        archive.close()
        raise GuideError([f"{path}: unpacks to {unpacked // 2**20} MB — far more than a guide; if it holds "
                          f"pictures or recordings, save the guide's text alone as {suffix} or .md"])
    return archive


def load_document_guide(path: Path, notes: list[str] | None = None):
    """A guide from a .docx or .odt; what was left out goes into ``notes``, each named by its place."""
    path = Path(path)
    if path.suffix.lower() == ".odt":
        from .odt_outline import read_odt_outline as read
    else:
        from .docx_outline import read_docx_outline as read
    outline = read(path)
    left_out: list[str] = []
    try:
        guide = parse_markdown_outline(outline.text(), source=str(path), notes=left_out)
    except GuideError as exc:
        raise GuideError([outline.where(problem) for problem in exc.problems])
    if notes is not None:
        notes.extend(outline.where(note) for note in left_out)
    return guide
