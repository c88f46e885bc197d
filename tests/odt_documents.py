"""OpenDocument text files as LibreOffice writes them, for the guide tests and the robustness
campaign: the zip's parts (``mimetype`` first and stored, the manifest, ``content.xml``,
``styles.xml``) and the elements LibreOffice uses — headings with outline levels, lists with
list styles (automatic ones in the content, named ones such as "Numbering 123" among the styles),
tables with header rows, cells spanning rows and columns, covered cells and repeated empty rows,
tracked changes, comments and ``text:s`` spaces. (pandoc, the other writer the tests use, writes
none of the spans, changes or comments.)"""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path
from typing import Callable, Iterator

NAMESPACES = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
              'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
              'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
              'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
              'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
              'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"')
MIMETYPE = "application/vnd.oasis.opendocument.text"


def odt_parts(body: str, automatic_styles: str = "", styles: str = "", mimetype: str = MIMETYPE) -> dict[str, str]:
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NAMESPACES}>'
               f"<office:automatic-styles>{automatic_styles}</office:automatic-styles>"
               f"<office:body><office:text>{body}</office:text></office:body></office:document-content>")
    style_part = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {NAMESPACES}>'
                  f'<office:styles><style:style style:name="Title" style:family="paragraph"/>{styles}</office:styles>'
                  "</office:document-styles>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    return {"mimetype": mimetype, "META-INF/manifest.xml": manifest, "content.xml": content, "styles.xml": style_part}


def write_parts(path: Path, parts: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():  # the mimetype first and stored, as the standard asks
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    return path


def write_odt(path: Path, body: str, automatic_styles: str = "", styles: str = "") -> Path:
    return write_parts(path, odt_parts(body, automatic_styles, styles))


def cell(*paragraphs: str, attributes: str = "") -> str:
    return f"<table:table-cell {attributes}>" + "".join(f"<text:p>{p}</text:p>" for p in paragraphs) + "</table:table-cell>"


BULLETS = ('<text:list-style style:name="L1"><text:list-level-style-bullet text:level="1" text:bullet-char="•"/>'
           "</text:list-style>")
TITLE_STYLE = '<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Title"/>'


def thesis_table_odt(path: Path) -> Path:
    """The seed thesis's table as LibreOffice keeps it: a header row, the theme cell spanning its
    rows (covered cells below it), the briefing as a bulleted list in its cell, follow-ups as lines
    of the third cell, an empty tail of repeated rows; a title, a note with a comment on it, and
    a question a supervisor edited with tracked changes (a word inserted, two deleted)."""
    rows = [
        "<table:table-header-rows><table:table-row>"
        + cell("Tema") + cell("Tematiske spørsmål") + cell("Stikkord oppfølgingsspørsmål")
        + "</table:table-row></table:table-header-rows>",
        "<table:table-row>" + cell("Innledning")
        + '<table:table-cell><text:list text:style-name="L1">'
          "<text:list-item><text:p>Samtykke til lydopptak</text:p></text:list-item>"
          "<text:list-item><text:p>Taushetsplikt og anonymisering</text:p></text:list-item>"
          "</text:list></table:table-cell>" + cell() + "</table:table-row>",
        "<table:table-row>" + cell("Digitale tjenester", attributes='table:number-rows-spanned="2"')
        + cell('Hvilke digitale tjenester bruker du<text:change-start text:change-id="ct2"/> mest'
               '<text:change-end text:change-id="ct2"/><text:change text:change-id="ct1"/>?')
        + cell("Chat?", "Skriv<text:s/>til oss?") + "</table:table-row>",
        "<table:table-row><table:covered-table-cell/>" + cell("Hvordan følger du opp meldingene?") + cell()
        + "</table:table-row>",
        "<table:table-row>" + cell("Avslutning") + cell("Noe å legge til?") + cell() + "</table:table-row>",
        '<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="3"/>'
        "</table:table-row>",
    ]
    body = ('<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion><office:change-info>'
            "<dc:creator>Veileder</dc:creator></office:change-info><text:p>i hverdagen</text:p></text:deletion>"
            '</text:changed-region><text:changed-region text:id="ct2"><text:insertion><office:change-info>'
            "<dc:creator>Veileder</dc:creator></office:change-info></text:insertion></text:changed-region>"
            "</text:tracked-changes>"
            '<text:p text:style-name="P1">Vedlegg 1 – Intervjuguide</text:p>'
            "<text:p>Telefonintervju, ca.<text:s/>45 minutter.<office:annotation><dc:creator>Veileder</dc:creator>"
            "<text:p>Husk å korte ned</text:p></office:annotation></text:p>"
            '<table:table table:name="Tabell1"><table:table-column table:number-columns-repeated="3"/>'
            + "".join(rows) + "</table:table>")
    return write_odt(path, body, automatic_styles=TITLE_STYLE + BULLETS)


def odt_guides(work: Path, rng: random.Random) -> Iterator[Callable[[], tuple[bool, str]]]:
    """Damaged .odt guides: bytes flipped in the zip, content.xml cut or spiked with spans, repeats
    and levels pointing nowhere, parts missing."""
    from .robustness_cases import _guide_check

    base_path = thesis_table_odt(work / "base.odt")
    with zipfile.ZipFile(base_path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    spikes = ['table:number-rows-spanned="99999999"', 'table:number-columns-spanned="-3"',
              'table:number-columns-repeated="x"', 'text:outline-level="0"', 'text:outline-level="abc"',
              'text:c="99999999999"', 'text:style-name="NoSuchList"', 'table:number-rows-repeated="1e9"']
    elements = ["<table:covered-table-cell/>", "<table:table-row/>", "<text:list/>", "<table:table/>", "<text:h/>",
                "&#0;", "<", "]]>", "<text:list-item><text:list><text:list-item><text:p>x</text:p></text:list-item>"
                "</text:list></text:list-item>"]
    while True:
        action = rng.choice(["bytes", "cut", "attribute", "element", "drop_part", "cut"])
        changed, raw = dict(parts), None
        if action == "bytes":
            raw = bytearray(base_path.read_bytes())
            for _ in range(rng.randint(1, 8)):
                raw[rng.randrange(len(raw))] = rng.randrange(256)
        elif action == "drop_part":
            del changed[rng.choice(["content.xml", "styles.xml", "mimetype", "META-INF/manifest.xml"])]
        else:
            xml = changed["content.xml"].decode("utf-8")
            if action == "cut":
                xml = xml[:rng.randrange(len(xml))]
            elif action == "attribute":
                tags = [m.start() + len(m.group(0)) - 1 for m in re.finditer(r"<(?:table|text):[a-z-]+", xml)]
                at = rng.choice(tags) + 1
                xml = xml[:at] + " " + rng.choice(spikes) + xml[at:]
            else:
                anchors = [m.end() for m in re.finditer(r"<(?:table:table-row|table:table-cell|text:p)[^>]*>", xml)]
                at = rng.choice(anchors)
                xml = xml[:at] + rng.choice(elements) + xml[at:]
            changed["content.xml"] = xml.encode("utf-8")

        def attempt(changed=changed, raw=raw) -> tuple[bool, str]:
            path = work / "Intervjuguide.odt"
            if raw is not None:
                path.write_bytes(bytes(raw))
            else:
                write_parts(path, changed)
            return _guide_check(path)

        yield attempt
