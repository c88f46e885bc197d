"""A guide kept in LibreOffice (OpenDocument text, .odt), read into the neutral paragraphs and table
cells that ``document_outline`` makes the outline of — as the Word reader does for .docx.

LibreOffice is what many researchers write in (on Linux it is the word processor there is), and
its own format kept the guide out: an .odt was read as text and refused as "not UTF-8". The file is
a zip whose ``content.xml`` holds the text: ``text:h`` headings with their outline level,
``text:list`` lists whose nesting is the list level and whose list style says numbered or bullet,
``table:table`` with spanned and covered cells. Tracked changes are read as accepted (deleted text
sits apart, in ``text:tracked-changes``); comments, footnotes and text boxes are not the text."""

from __future__ import annotations

from pathlib import Path

from ..errors import GuideError
from .document_outline import Cell, DocumentOutline, Paragraph, open_package, read_guide_table

_NS = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
       "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
       "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
       "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0"}
_OFFICE, _STYLE, _TEXT, _TABLE = (f"{{{_NS[k]}}}" for k in ("office", "style", "text", "table"))
_NOT_TEXT = {f"{_TEXT}note", f"{_OFFICE}annotation", f"{_TEXT}tracked-changes", f"{_TEXT}table-of-content",
             f"{_TEXT}sequence-decls", f"{_OFFICE}forms"}
_NUMBER_FORMATS = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}
_MAX_REPEAT = 64
"""LibreOffice writes an empty row or cell once with a repeat count (a spreadsheet's up to a
million): more than this many is an empty tail, not a guide's rows."""
_MIMETYPES = ("application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text-template")


def read_odt_outline(path: Path) -> DocumentOutline:
    """The document as an outline, or a GuideError that says what to do with the file."""
    path = Path(path)
    kind = "an OpenDocument text"
    damaged = GuideError([f"{path}: cannot be read as {kind} (the file is damaged) — save it again from "
                          "LibreOffice as .odt"])
    with open_package(path, kind, ".odt", "a text file or another format", "LibreOffice") as archive:
        names = set(archive.namelist())
        try:  # a damaged member (a bad checksum, a broken stream) shows only when it is read
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
            parts = {name: archive.read(name) for name in ("content.xml", "styles.xml") if name in names}
        except Exception:
            raise damaged from None
    if "content.xml" not in parts or (mimetype and mimetype not in _MIMETYPES):
        found = f" (it is {mimetype})" if mimetype not in ("", *_MIMETYPES) else " (a part of it is missing)"
        raise GuideError([f"{path}: not {kind}{found} — open it in LibreOffice and save it as .odt or "
                          ".docx (or as text, .md)"])
    try:
        content = _parse(parts["content.xml"])
        styles = _parse(parts["styles.xml"]) if "styles.xml" in parts else None
    except Exception:
        raise GuideError([f"{path}: cannot be read as {kind} (its text is damaged) — save it again from "
                          "LibreOffice as .odt"])
    body = content.find("office:body/office:text", _NS)
    if body is None:
        raise GuideError([f"{path}: not {kind} (it holds no text) — open it in LibreOffice and save it as .odt"])
    reader = _Reader(content, styles)
    outline = DocumentOutline(path)
    place = "its start"
    try:
        blocks = list(reader.blocks(body))
        has_title = any(isinstance(block, Paragraph) and block.title for block in blocks)
        paragraph_no = tables = 0
        for block in blocks:
            if isinstance(block, Paragraph):
                paragraph_no += 1
                place = f"paragraph {paragraph_no}"
                outline.add_paragraph(block, place, has_title)
            else:
                tables += 1
                place = f"table {tables}"
                read_guide_table(reader.table_rows(block), outline, place)
        outline.lists_as_outline()
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        raise GuideError([f"{path}, {place}: cannot be read (its layout is damaged: {type(exc).__name__}) — open "
                          "the document in LibreOffice, check that part, and save it again as .odt"])
    return outline


def _parse(data: bytes):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(data, parser)


class _Reader:
    def __init__(self, content, styles):
        roots = [root for root in (content, styles) if root is not None]
        self.list_styles = {s.get(f"{_STYLE}name"): s for root in roots
                            for s in root.iterfind(".//text:list-style", _NS)}
        self.parents = {s.get(f"{_STYLE}name"): (s.get(f"{_STYLE}parent-style-name"), s.get(f"{_STYLE}display-name"))
                        for root in roots for s in root.iterfind(".//style:style", _NS)
                        if s.get(f"{_STYLE}family") == "paragraph"}

    def blocks(self, container, lists: tuple = ()):
        """Paragraphs (and, outside lists, table elements) in reading order. ``lists``: the
        list elements this sits in, outermost first."""
        for child in container:
            tag = child.tag
            if tag in _NOT_TEXT:
                continue
            if tag in (f"{_TEXT}p", f"{_TEXT}h"):
                yield self._paragraph(child, lists)
            elif tag == f"{_TEXT}list":
                yield from self.blocks(child, lists + (child,))
            elif tag == f"{_TEXT}list-item":
                yield from self.blocks(child, lists)
            elif tag == f"{_TEXT}list-header":  # an item without a number: the list's text, not an item
                yield from self.blocks(child, ())
            elif tag == f"{_TABLE}table":
                if lists:  # a table inside a list item: its text, as paragraphs
                    for row in self.table_rows(child):
                        for cell in row:
                            yield from cell.paragraphs
                else:
                    yield child
            elif tag in (f"{_TEXT}section", f"{_TEXT}index-body", f"{_TEXT}soft-page-break"):
                yield from self.blocks(child, lists)

    def _paragraph(self, element, lists: tuple) -> Paragraph:
        text = " ".join(_text(element).split())
        style = element.get(f"{_TEXT}style-name") or ""
        if element.tag == f"{_TEXT}h":
            level = element.get(f"{_TEXT}outline-level") or "1"
            return Paragraph(text, heading=max(1, min(int(level), 10)) if level.isdigit() else 1)
        return Paragraph(text, title=self._is_title(style), listed=self._list_format(lists) if lists else None)

    def _is_title(self, style: str) -> bool:
        for _ in range(10):  # an automatic style ("P1") names the style it is based on
            if style.lower() == "title":
                return True
            parent, display = self.parents.get(style, (None, None))
            if (display or "").lower() == "title":
                return True
            if not parent:
                return False
            style = parent
        return False

    def _list_format(self, lists: tuple) -> tuple[str, int]:
        """(number format, level): the level is how deep the lists nest; the format is the nearest
        list style's for that level (a nested list may name its own style, or leave it to the outer)."""
        level = len(lists) - 1
        for element in reversed(lists):
            style = self.list_styles.get(element.get(f"{_TEXT}style-name"))
            if style is None:
                continue
            for entry in style:
                if entry.get(f"{_TEXT}level") == str(level + 1):
                    if entry.tag == f"{_TEXT}list-level-style-number":
                        return _NUMBER_FORMATS.get(entry.get(f"{_STYLE}num-format") or "", "decimal"), level
                    return "bullet", level
        return "bullet", level  # a list with no style LibreOffice shows with bullets

    def table_rows(self, table) -> list[list[Cell]]:
        """The table as a grid of cells; a cell spanning rows or columns stands in each place it
        covers (those places come in the file as covered cells, in its row and the rows below)."""
        grid: dict[tuple[int, int], Cell] = {}
        rows = [row for row in _rows(table) for _ in range(_count(row, "number-rows-repeated"))]
        width = 0
        for r, row in enumerate(rows):
            column = 0
            for element in row:
                covered = element.tag == f"{_TABLE}covered-table-cell"
                if element.tag != f"{_TABLE}table-cell" and not covered:
                    continue
                for _ in range(_count(element, "number-columns-repeated")):
                    if covered:
                        grid.setdefault((r, column), Cell(object()))  # its spanning cell's, or an empty one
                        column += 1
                        continue
                    while (r, column) in grid:
                        column += 1
                    # A key of its own each time: a cell repeated across columns is as many cells (read
                    # as one merged across the row, "Samme?" twice became a section heading).
                    cell = Cell(object(), [block for block in self.blocks(element) if isinstance(block, Paragraph)])
                    down, across = _count(element, "number-rows-spanned"), _count(element, "number-columns-spanned")
                    for dr in range(down):
                        for dc in range(across):
                            grid.setdefault((r + dr, column + dc), cell)
                    column += 1  # the places it spans come next as covered cells
            width = max(width, column)
        return [[grid.get((r, c)) or Cell(object()) for c in range(width)] for r in range(len(rows))]


def _count(element, attribute: str) -> int:
    """A repeat or span count: 1 when missing or not a number (as LibreOffice reads it), at most _MAX_REPEAT."""
    value = element.get(f"{_TABLE}{attribute}") or "1"
    return max(1, min(int(value), _MAX_REPEAT)) if value.isdigit() else 1


def _rows(table):
    """The table's rows in order (header rows, row groups), not those of a table inside a cell."""
    for child in table:
        if child.tag == f"{_TABLE}table-row":
            yield child
        elif child.tag in (f"{_TABLE}table-header-rows", f"{_TABLE}table-rows", f"{_TABLE}table-row-group"):
            yield from _rows(child)


def _text(element) -> str:
    """The paragraph's words: spans, links and fields read through; ``text:s`` is spaces, a tab or
    line break a space; comments, footnotes and frames (text boxes, pictures) are not its text."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag == f"{_TEXT}s":
            count = child.get(f"{_TEXT}c") or "1"
            parts.append(" " * min(int(count) if count.isdigit() else 1, 100))
        elif tag in (f"{_TEXT}tab", f"{_TEXT}line-break"):
            parts.append(" ")
        elif tag not in _NOT_TEXT and not str(tag).startswith("{urn:oasis:names:tc:opendocument:xmlns:drawing"):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
