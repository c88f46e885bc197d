"""Guides kept in LibreOffice (.odt): read as the Word guides are — headings, lists by their list
styles, the thesis's table with cells spanning rows — by two writers: pandoc's own .odt writer and
documents laid out as LibreOffice writes them (``odt_documents``: spans, covered cells, tracked
changes, comments, named list styles, which pandoc does not write)."""

from __future__ import annotations

import zipfile

import pypandoc
import pytest

from interview_tui.errors import GuideError
from interview_tui.guide.loader import load_guide
from interview_tui.guide.markdown import render_markdown
from interview_tui.study import Study

from .conftest import SEED_GUIDE_EN, SEED_GUIDE_NB, run_cli
from .odt_documents import BULLETS, NAMESPACES, cell, odt_parts, thesis_table_odt, write_odt, write_parts
from .test_guide_docx import structure


@pytest.mark.parametrize("seed", [SEED_GUIDE_NB, SEED_GUIDE_EN], ids=["nb", "en"])
def test_a_guide_converted_to_odt_by_pandoc_reads_back_whole(seed, tmp_path):
    """Headings, numbered questions (their numbers are the list's, not in the text), follow-ups one
    list level down (a nested list with its own style), bullets for the checklists."""
    guide = load_guide(seed)
    target = tmp_path / "guide.odt"
    pypandoc.convert_text(render_markdown(guide, with_ids=False), "odt", format="markdown", outputfile=str(target))
    again = load_guide(target)
    straight = str.maketrans("“”", '""')  # pandoc types curly quotes
    assert str(structure(again)).translate(straight) == str(structure(guide))
    assert again.language == guide.language and again.consent_item().text == guide.consent_item().text


def test_the_thesis_table_as_libreoffice_keeps_it(tmp_path):
    """A theme cell spanning two rows (covered below), the briefing as a bulleted list in its cell,
    follow-ups as lines of the third cell, a thousand repeated empty rows; tracked changes read as
    accepted, a comment and the title not read as the guide's text."""
    path = thesis_table_odt(tmp_path / "Intervjuguide.odt")
    guide = load_guide(path)
    assert guide.title == "Vedlegg 1 – Intervjuguide"
    assert structure(guide) == (
        ["Samtykke til lydopptak", "Taushetsplikt og anonymisering"],
        [("Digitale tjenester", [("Hvilke digitale tjenester bruker du mest?", ["Chat?", "Skriv til oss?"]),
                                 ("Hvordan følger du opp meldingene?", [])])],
        ["Noe å legge til?"])
    assert guide.consent_item().text == "Samtykke til lydopptak"
    result = run_cli("guide", "import", str(path))
    assert result.returncode == 0, result.stderr
    assert 'paragraph 2 ("Telefonintervju, ca. 45 minutter.")' in result.stderr  # left out, named; no comment
    assert "Husk å korte ned" not in result.stdout + result.stderr and "i hverdagen" not in result.stdout
    assert "language 'nb', guessed from its words" in result.stderr


def test_libreoffice_list_styles_headings_and_letter_lists(tmp_path):
    """Named list styles from styles.xml ("Numbering 123", "List Bullet"), a nested list that leaves
    its style to the outer one, a letter list under a question (its follow-ups), a title row above
    a two-column table's header and a section row across the table."""
    styles = ('<text:list-style style:name="Numbering_20_123" style:display-name="Numbering 123">'
              '<text:list-level-style-number text:level="1" style:num-format="1"/>'
              '<text:list-level-style-bullet text:level="2" text:bullet-char="–"/></text:list-style>'
              '<text:list-style style:name="Numbering_20_abc"><text:list-level-style-number text:level="1" '
              'style:num-format="a"/></text:list-style>')
    body = ('<text:h text:outline-level="1">Innledning</text:h>'
            '<text:list text:style-name="L1"><text:list-item><text:p>Informer om opptaket</text:p></text:list-item></text:list>'
            '<text:h text:outline-level="1">Arbeidshverdagen</text:h>'
            '<text:list text:style-name="Numbering_20_123"><text:list-item><text:p>Hvordan ser en vanlig dag ut?</text:p>'
            '<text:list><text:list-item><text:p>Hva gjør du først?</text:p></text:list-item></text:list>'
            '</text:list-item><text:list-item><text:p>Hvem samarbeider du med?</text:p></text:list-item></text:list>'
            '<text:list text:style-name="Numbering_20_abc"><text:list-item><text:p>Internt?</text:p></text:list-item>'
            '<text:list-item><text:p>Eksternt?</text:p></text:list-item></text:list>'
            '<table:table><table:table-row>' + cell("Intervjuguide del 2", attributes='table:number-columns-spanned="2"')
            + '<table:covered-table-cell/></table:table-row><table:table-row>' + cell("Spørsmål") + cell("Oppfølging")
            + '</table:table-row><table:table-row>' + cell("Tilgang", attributes='table:number-columns-spanned="2"')
            + '<table:covered-table-cell/></table:table-row><table:table-row>' + cell("Bruker du chat?")
            + cell("Hvorfor?") + '</table:table-row><table:table-row>'
            + '<table:table-cell table:number-columns-repeated="2"><text:p>Og på kontoret?</text:p></table:table-cell>'
            + '</table:table-row></table:table>')
    guide = load_guide(write_odt(tmp_path / "guide.odt", body, automatic_styles=BULLETS, styles=styles))
    assert structure(guide) == (
        ["Informer om opptaket"],
        [("Arbeidshverdagen", [("Hvordan ser en vanlig dag ut?", ["Hva gjør du først?"]),
                               ("Hvem samarbeider du med?", ["Internt?", "Eksternt?"])]),
         # a cell repeated across the row is two cells (read as one merged, it was a section heading)
         ("Tilgang", [("Bruker du chat?", ["Hvorfor?"]), ("Og på kontoret?", ["Og på kontoret?"])])],
        [])


def test_a_problem_names_the_paragraph_and_bad_files_get_one_line(tmp_path):
    body = ('<text:list text:style-name="N"><text:list-item><text:p>How did you come to this job?</text:p>'
            '</text:list-item></text:list><text:h text:outline-level="1">Background</text:h>')
    numbered = '<text:list-style style:name="N"><text:list-level-style-number text:level="1" style:num-format="1"/></text:list-style>'
    path = write_odt(tmp_path / "guide.odt", body, automatic_styles=numbered)
    with pytest.raises(GuideError) as caught:
        load_guide(path)
    assert caught.value.problems == [f'{path}, paragraph 1 ("How did you come to this job?"): a question before '
                                     "any theme heading — add a '# Theme' line above it"]
    renamed_text = tmp_path / "notes.odt"
    renamed_text.write_text("# Theme\n1. A question?\n", encoding="utf-8")
    spreadsheet = write_parts(tmp_path / "sheet.odt", odt_parts("", mimetype="application/vnd.oasis.opendocument.spreadsheet"))
    no_content = tmp_path / "empty.odt"
    with zipfile.ZipFile(no_content, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    broken = write_parts(tmp_path / "broken.odt", {**odt_parts("<text:p>A</text:p>"), "content.xml": "<office:document-content"})
    bomb = tmp_path / "bomb.odt"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("content.xml", b"<" * (80 * 2**20))
    entity = write_parts(tmp_path / "entity.odt", {**odt_parts(""), "content.xml":
                         '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                         f'<office:document-content {NAMESPACES}><office:body><office:text><text:p>&e;</text:p>'
                         "</office:text></office:body></office:document-content>"})
    for bad, says in ((renamed_text, "not an OpenDocument text (.odt)"), (spreadsheet, "it is application/vnd.oasis"),
                      (no_content, "a part of it is missing"), (broken, "its text is damaged"), (bomb, "unpacks to 80 MB")):
        result = run_cli("guide", "check", str(bad))
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr.strip().count("\n") == 0 and says in result.stderr and "save" in result.stderr, result.stderr
    result = run_cli("guide", "check", str(entity))  # an external entity is never read in
    assert "Traceback" not in result.stderr and "root:" not in result.stdout + result.stderr


def test_odt_guides_are_offered_in_the_study_but_not_libreoffices_lock_file(tmp_path):
    study = Study.at(tmp_path).ensure()
    thesis_table_odt(study.guides_dir / "Intervjuguide.odt")
    (study.guides_dir / ".~lock.Intervjuguide.odt#").write_text(",researcher,laptop,05.12.2026 10:00,file:///…;")
    names = [p.name for p in study.guide_files()]
    assert names[0] == "Intervjuguide.odt" and ".~lock.Intervjuguide.odt#" not in names
    assert study.default_guide().name == "Intervjuguide.odt"
