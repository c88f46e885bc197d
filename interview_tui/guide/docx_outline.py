"""A guide kept in Word (.docx), read with python-docx into the neutral paragraphs and table
cells that ``document_outline`` makes the outline of: heading styles and outline levels, Word's
own list numbering (not in the text), merged table cells, tracked changes read as accepted."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import GuideError
from .document_outline import Cell, DocumentOutline, Paragraph, open_package, read_guide_table


def read_docx_outline(path: Path) -> DocumentOutline:
    """The document as an outline, or a GuideError that says what to do with the file."""
    path = Path(path)
    open_package(path, "a Word document", ".docx", "an old .doc or another format", "Word").close()
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a damaged or foreign zip
        raise GuideError([f"{path}: cannot be read as a Word document ({_damage(exc)}) — save it again "
                          "from Word as .docx"])
    outline = DocumentOutline(path)
    paragraph_no = tables = 0
    place = "its start"
    try:
        numbering = _numbering(document)
        has_title = any(_style(p) == "title" for p in document.paragraphs)
        for block in document.iter_inner_content():
            if hasattr(block, "rows"):
                tables += 1
                place = f"table {tables}"
                rows = [[Cell(cell._tc, [_paragraph(p, numbering) for p in cell.paragraphs]) for cell in row.cells]
                        for row in block.rows]
                read_guide_table(rows, outline, place)
                continue
            paragraph_no += 1
            place = f"paragraph {paragraph_no}"
            outline.add_paragraph(_paragraph(block, numbering), place, has_title)
        outline.lists_as_outline()
    except Exception as exc:
        # python-docx trusts the XML: a merged cell with nothing above it, a list level that is not
        # a number… raise deep inside it. Said as one line with where it happened, never a traceback.
        raise GuideError([f"{path}, {place}: cannot be read ({_damage(exc)}: {type(exc).__name__}) — open the "
                          "document in Word, check that part, and save it again as .docx"])
    return outline


def _paragraph(paragraph, numbering) -> Paragraph:
    style = _style(paragraph)
    heading = re.match(r"^heading (\d)$", style)
    return Paragraph(" ".join(_text(paragraph).split()), title=style == "title",
                     heading=int(heading.group(1)) if heading else _outline_level(paragraph),
                     listed=_list_format(paragraph, numbering))


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


def _style(paragraph) -> str:
    try:
        return (paragraph.style.name or "").lower() if paragraph.style is not None else ""
    except Exception:  # a style id the document does not define: python-docx falls back or raises
        return ""


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


def load_docx_guide(path: Path, notes: list[str] | None = None):
    """A guide from a .docx; what was left out goes into ``notes``, each named by its paragraph."""
    from .document_outline import load_document_guide

    return load_document_guide(path, notes)
