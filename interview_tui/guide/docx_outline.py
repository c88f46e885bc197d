"""A guide kept in Word (.docx), read as the outline the Markdown importer understands.

Researchers write their guide in Word, and Norwegian theses keep it as a table — Tema |
Tematiske spørsmål | Stikkord oppfølgingsspørsmål (the seed's "Vedlegg 1"). Saving it as text
loses what makes it a guide: Word's own list numbers are not in the text (every question came out
as prose, left out), list levels are gone (follow-ups read as questions), and a table's columns run
into each other. Here the document is read as Word holds it: heading styles are themes, numbered
list paragraphs are questions and their deeper levels follow-ups, bullets are checklist items (or
follow-ups under a question), and a table with a question column gives a theme per row group,
its questions, and the follow-ups beside them. Each outline line remembers the paragraph it came
from, so a problem is named by where it is in the document, not by a line Word never shows."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..errors import GuideError
from .markdown import _BRIEFING_NAMES, _DEBRIEFING_NAMES, _section_name, parse_markdown_outline

_THEME_HEADS = ("tema", "theme", "topic", "emne", "område", "thema", "bereich", "section", "del")
_QUESTION_HEADS = ("spørsmål", "question", "frage", "fråga", "spørgsmål", "hovedspørsmål", "main question")
_FOLLOWUP_HEADS = ("oppfølging", "follow", "probe", "stikkord", "prompt", "nachfrage", "uppföljning",
                   "opfølgning", "underspørsmål", "sub-question", "subquestion")
_TYPED_NUMBER = re.compile(r"^\d+(?:\.\d+)*[.)]?\s")
_TYPED_BULLET = re.compile(r"^[-*+•◦▪‣·–—]\s*")
_LETTER_FORMATS = {"lowerLetter", "upperLetter"}
MAX_DOCX_UNPACKED_BYTES = 64 * 2**20
"""A guide with its styles and a logo is well under a megabyte; a file unpacking past this is not
one (or is a zip bomb), and python-docx would hold all of it in memory."""


class DocxOutline:
    """The outline's lines and, for each, where in the document it came from."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.lines: list[str] = []
        self.places: list[str] = []
        self.lists: list[tuple[str, int, str] | None] = []
        """For a list paragraph: Word's number format, its list level and its text."""

    def add(self, line: str, place: str, listed: tuple[str, int, str] | None = None) -> None:
        self.lines.append(line)
        self.places.append(place)
        self.lists.append(listed)

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


def read_docx_outline(path: Path) -> DocxOutline:
    """The document as an outline, or a GuideError that says what to do with the file."""
    path = Path(path)
    if not path.is_file():
        raise GuideError([f"{path}: no such file — check the path, or list guides/ for the guides you have"])
    if not zipfile.is_zipfile(path):
        raise GuideError([f"{path}: not a Word document (.docx) — an old .doc or another format: open it in "
                          "Word or LibreOffice and save it as .docx (or as text, .md)"])
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except Exception:  # BadZipFile, an unsupported zip version, a bad header: the file is damaged
        raise GuideError([f"{path}: cannot be read as a Word document (the file is damaged) — save it again from "
                          "Word as .docx"])
    if unpacked > MAX_DOCX_UNPACKED_BYTES:
        raise GuideError([f"{path}: unpacks to {unpacked // 2**20} MB — far more than a guide; if it holds "
                          "pictures or recordings, save the guide's text alone as .docx or .md"])
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a damaged or foreign zip
        raise GuideError([f"{path}: cannot be read as a Word document ({_damage(exc)}) — save it again "
                          "from Word as .docx"])
    outline = DocxOutline(path)
    paragraph_no = tables = 0
    place = "its start"
    try:
        numbering = _numbering(document)
        has_title = any(_style(p) == "title" for p in document.paragraphs)
        for block in document.iter_inner_content():
            if hasattr(block, "rows"):
                tables += 1
                place = f"table {tables}"
                _read_table(block, outline, numbering, place)
                continue
            paragraph_no += 1
            place = f"paragraph {paragraph_no}"
            listed = _list_format(block, numbering)
            text = " ".join(_text(block).split())
            outline.add(_paragraph_line(block, numbering, has_title), _describe(place, text),
                        (*listed, _TYPED_BULLET.sub("", text)) if listed and text else None)
        outline.lists_as_outline()
    except Exception as exc:
        # python-docx trusts the XML: a merged cell with nothing above it, a list level that is not
        # a number… raise deep inside it. Said as one line with where it happened, never a traceback.
        raise GuideError([f"{path}, {place}: cannot be read ({_damage(exc)}: {type(exc).__name__}) — open the "
                          "document in Word, check that part, and save it again as .docx"])
    return outline


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_NOT_READ = {f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent"}


def _text(paragraph) -> str:
    """The paragraph as it reads with its tracked changes accepted. python-docx's ``.text`` leaves
    out inserted words (they sit in ``<w:ins>``): a guide a supervisor had edited with Track
    Changes came in with the supervisor's words missing from its questions, silently. Deleted and
    moved-away words, and text boxes, are not the paragraph's text."""
    parts = []
    for node in paragraph._p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        if any(ancestor.tag in _NOT_READ for ancestor in node.iterancestors()):
            continue
        parts.append((node.text or "") if node.tag == f"{_W}t" else " ")
    return "".join(parts)


def _damage(exc: Exception) -> str:
    """What is wrong with the file, in words (python-docx and zipfile raise a dozen kinds)."""
    kind = type(exc).__name__
    if kind == "XMLSyntaxError":
        return "its text is damaged"
    if kind == "KeyError" or isinstance(exc, NotImplementedError):
        return "a part of it is missing"
    if isinstance(exc, (ValueError, TypeError, AttributeError, IndexError)):
        return "its layout is damaged"
    return "the file is damaged"


def _describe(place: str, text: str) -> str:
    words = " ".join(text.split())
    return f"{place} (\"{words[:40]}{'…' if len(words) > 40 else ''}\")" if words else place


def _style(paragraph) -> str:
    try:
        return (paragraph.style.name or "").lower() if paragraph.style is not None else ""
    except Exception:  # a style id the document does not define: python-docx falls back or raises
        return ""


def _paragraph_line(paragraph, numbering, has_title: bool) -> str:
    text = " ".join(_text(paragraph).split())  # soft line breaks and tabs: one line
    if not text:
        return ""
    style = _style(paragraph)
    if style == "title":
        return f"# {text}"
    heading = re.match(r"^heading (\d)$", style)
    level = int(heading.group(1)) if heading else _outline_level(paragraph)
    if level is not None:
        return "#" * min(6, level + (1 if has_title else 0)) + " " + text
    listed = _list_format(paragraph, numbering)
    if listed is None:
        return text  # typed numbers and bullets, and headings by place, are the text importer's
    fmt, level = listed
    if level > 0:
        return f"   - {_TYPED_BULLET.sub('', text)}"
    if fmt == "bullet":
        return f"- {text}"
    if fmt in _LETTER_FORMATS:
        return f"a. {text}"  # under a question, a follow-up (word_layout)
    return text if _TYPED_NUMBER.match(text) else f"1. {text}"


def _outline_level(paragraph) -> int | None:
    """1 for a paragraph Word shows as a level-1 heading in its navigation pane though its style is
    the researcher's own ("Tema", "Overskrift tema"): Word's outline level, on it or its style."""
    style = paragraph.style if _style(paragraph) else None
    for element in [paragraph._p] + ([] if style is None else [style.element]):
        found = element.xpath("./w:pPr/w:outlineLvl/@w:val")
        if found and found[0].isdigit() and int(found[0]) < 9:  # 9 is Word's "body text"
            return int(found[0]) + 1
    return None


def _numbering(document):
    try:
        return document.part.numbering_part.element
    except Exception:  # a document without lists has no numbering part
        return None


def _list_format(paragraph, numbering) -> tuple[str, int] | None:
    """(Word's number format, list level) for a paragraph in a list, from the paragraph or its style."""
    num_pr, level = None, 0
    p_pr = paragraph._p.pPr
    if p_pr is not None and p_pr.numPr is not None:
        num_pr = p_pr.numPr
    style = paragraph.style if _style(paragraph) else None
    while num_pr is None and style is not None:
        style_ppr = style.element.pPr
        if style_ppr is not None and style_ppr.numPr is not None:
            num_pr = style_ppr.numPr
        style = style.base_style
    if num_pr is None or num_pr.numId is None or num_pr.numId.val == 0:
        return None
    if num_pr.ilvl is not None:
        level = num_pr.ilvl.val
    if p_pr is not None and p_pr.numPr is not None and p_pr.numPr.ilvl is not None:
        level = p_pr.numPr.ilvl.val
    fmt = "decimal"
    if numbering is not None:
        abstract = numbering.xpath(f'./w:num[@w:numId="{num_pr.numId.val}"]/w:abstractNumId/@w:val')
        if abstract:
            found = numbering.xpath(f'./w:abstractNum[@w:abstractNumId="{abstract[0]}"]'
                                    f'/w:lvl[@w:ilvl="{level}"]/w:numFmt/@w:val')
            fmt = found[0] if found else fmt
    return fmt, level


def _cell_text(cell) -> str:
    return " ".join(" ".join(_text(p).split()) for p in cell.paragraphs).strip()


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        name = name.lower()
        for role, heads in (("followup", _FOLLOWUP_HEADS), ("question", _QUESTION_HEADS), ("theme", _THEME_HEADS)):
            if role not in found and any(head in name for head in heads):
                found[role] = index
                break
    return found


def _read_table(table, outline: DocxOutline, numbering, place: str) -> None:
    rows = list(table.rows)
    # The header may sit under a title row ("Intervjuguide" across the table).
    header = next((r for r, row in enumerate(rows[:3]) if "question" in _columns([_cell_text(c) for c in row.cells])),
                  None)
    if header is None:
        # Not a guide's table (a schedule, a consent form): its paragraphs as they stand.
        for r, row in enumerate(rows, 1):
            for c, cell in enumerate(_unique(row.cells), 1):
                for paragraph in cell.paragraphs:
                    outline.add(_paragraph_line(paragraph, numbering, False),
                                _describe(f"{place}, row {r}, column {c}", _text(paragraph)))
        return
    columns = _columns([_cell_text(c) for c in rows[header].cells])
    theme, checklist = None, False

    def new_theme(title: str, at: str) -> None:
        nonlocal theme, checklist
        theme = title
        outline.add(f"## {title}", _describe(at, title))
        # Named as the outline parser will name it ("Del 1: Innledning" is the briefing there too).
        checklist = _section_name(title) in _BRIEFING_NAMES | _DEBRIEFING_NAMES

    for r, row in enumerate(rows[: header + 1], 1):
        outline.add("", f"{place}, row {r}")
    for r, row in enumerate(rows[header + 1:], header + 2):
        cells = row.cells
        at = f"{place}, row {r}"
        if len(cells) > 1 and len(_unique(cells)) == 1:
            # One cell across the whole row: a section heading ("Del 2: Tilgang"), not a question.
            title = _cell_text(cells[0])
            if title:
                new_theme(title, at)
            continue
        if "theme" in columns:
            title = _cell_text(cells[columns["theme"]])
            if title and title != theme:  # a merged theme cell repeats itself down its rows
                new_theme(title, at)
        for paragraph in cells[columns["question"]].paragraphs:
            text = " ".join(_text(paragraph).split())
            if not text:
                continue
            listed = _list_format(paragraph, numbering)
            if checklist:
                line = f"- {_TYPED_BULLET.sub('', text)}"
            elif _TYPED_BULLET.match(text) or (listed is not None and (listed[0] == "bullet" or listed[1] > 0)):
                line = f"   - {_TYPED_BULLET.sub('', text)}"  # a probe listed under the question in its cell
            else:
                line = text if _TYPED_NUMBER.match(text) else f"1. {text}"
            outline.add(line, _describe(at, text))
        if "followup" in columns:
            for paragraph in cells[columns["followup"]].paragraphs:
                text = _TYPED_BULLET.sub("", " ".join(_text(paragraph).split()))
                if text:
                    outline.add(f"   - {text}", _describe(at, text))


def _unique(cells):
    """A cell merged across columns is listed once per column it spans."""
    seen, out = set(), []
    for cell in cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            out.append(cell)
    return out


def load_docx_guide(path: Path, notes: list[str] | None = None):
    """A guide from a .docx; what was left out goes into ``notes``, each named by its paragraph."""
    outline = read_docx_outline(path)
    left_out: list[str] = []
    try:
        guide = parse_markdown_outline(outline.text(), source=str(path), notes=left_out)
    except GuideError as exc:
        raise GuideError([outline.where(problem) for problem in exc.problems])
    if notes is not None:
        notes.extend(outline.where(note) for note in left_out)
    return guide
