"""Guides kept in Word: lists with Word's own numbering, headings, and the thesis's three-column
table (Tema | Tematiske spørsmål | Stikkord oppfølgingsspørsmål). The documents are written by two
real Word writers: pandoc (its own .docx writer, as a researcher's converted guide) and python-docx
(Word's built-in list styles, merged cells as Word makes them)."""

from __future__ import annotations

import zipfile

import docx
import pypandoc
import pytest

from interview_tui.errors import GuideError
from interview_tui.guide.docx_outline import read_docx_outline
from interview_tui.guide.loader import load_guide
from interview_tui.guide.markdown import render_markdown
from interview_tui.study import Study

from .conftest import SEED_GUIDE_EN, SEED_GUIDE_NB, run_cli


def structure(guide):
    return ([b.text for b in guide.briefing],
            [(t.title, [(q.text, [f.text for f in q.followups]) for q in t.questions]) for t in guide.themes],
            [d.text for d in guide.debriefing])


@pytest.mark.parametrize("seed", [SEED_GUIDE_NB, SEED_GUIDE_EN], ids=["nb", "en"])
def test_a_guide_converted_to_word_by_pandoc_reads_back_whole(seed, tmp_path):
    """Headings, a numbered list of questions with Word's own numbers (not in the text: saved as
    text, every question was prose), follow-ups one list level down, bullets for the checklists."""
    guide = load_guide(seed)
    target = tmp_path / "guide.docx"
    pypandoc.convert_text(render_markdown(guide, with_ids=False), "docx", format="markdown", outputfile=str(target))
    again = load_guide(target)
    straight = str.maketrans("“”", '""')  # pandoc, like Word, types curly quotes
    assert str(structure(again)).translate(straight) == str(structure(guide))
    assert again.language == guide.language and again.consent_item().text == guide.consent_item().text


def thesis_table(guide, path, merge_themes=True):
    """The guide as the seed thesis keeps it: one row per question, the theme cell merged down its
    rows, the follow-ups as lines in the third column; a title and a method note above it."""
    document = docx.Document()
    document.add_paragraph("Vedlegg 1 – Intervjuguide", style="Title")
    document.add_paragraph("Telefonintervju, ca. 45–60 minutter. Spørsmålene stilles i den rekkefølgen samtalen tar.")
    rows = [("Innledning", [b.text for b in guide.briefing], [])]
    for theme in guide.themes:
        rows += [(theme.title, [q.text], [f.text for f in q.followups]) for q in theme.questions]
    rows.append(("Avslutning", [d.text for d in guide.debriefing], []))
    table = document.add_table(rows=1 + len(rows), cols=3)
    for cell, head in zip(table.rows[0].cells, ("Tema", "Tematiske spørsmål", "Stikkord oppfølgingsspørsmål")):
        cell.text = head
    first_row_of = {}
    for r, (theme, questions, followups) in enumerate(rows, 1):
        cells = table.rows[r].cells
        if theme not in first_row_of:
            first_row_of[theme] = r
            cells[0].text = theme
        elif merge_themes:
            table.cell(first_row_of[theme], 0).merge(cells[0])
        cells[1].text = questions[0]
        for text in questions[1:]:
            cells[1].add_paragraph(text)
        if followups:
            cells[2].text = followups[0]
            for text in followups[1:]:
                cells[2].add_paragraph(text)
    document.save(path)


@pytest.mark.parametrize("merge_themes", [True, False], ids=["merged-theme-cells", "theme-in-first-row-only"])
def test_the_thesis_three_column_table_is_read_as_themes_questions_and_follow_ups(merge_themes, tmp_path):
    guide = load_guide(SEED_GUIDE_NB)
    path = tmp_path / "Intervjuguide.docx"
    thesis_table(guide, path, merge_themes)
    result = run_cli("guide", "check", str(path))
    assert result.returncode == 0, result.stderr
    again = load_guide(path)
    assert again.title == "Vedlegg 1 – Intervjuguide"
    assert structure(again) == structure(guide)
    assert again.consent_item().text == guide.consent_item().text
    assert "paragraph 2 (\"Telefonintervju, ca. 45–60 minutter. Spø…\")" in result.stdout  # left out, named


def test_word_list_styles_headings_and_a_table_that_is_not_the_guide(tmp_path):
    document = docx.Document()
    document.add_heading("Interview guide", 0)
    document.add_heading("Before the interview", 1)
    document.add_paragraph("Is it all right that I record our conversation?", style="List Bullet")
    document.add_heading("Everyday work", 1)
    document.add_paragraph("What does an ordinary working day look like for you?", style="List Number")
    document.add_paragraph("What do you do first?", style="List Bullet 2")
    document.add_paragraph("Who do you work with most?", style="List Number")
    document.add_paragraph("Note to self: keep this part short.")
    schedule = document.add_table(rows=1, cols=2)
    schedule.cell(0, 0).text, schedule.cell(0, 1).text = "Date", "Place"
    path = tmp_path / "guide.docx"
    document.save(path)
    guide = load_guide(path)
    assert guide.title == "Interview guide" and guide.language == "en"
    assert [b.text for b in guide.briefing] == ["Is it all right that I record our conversation?"]
    assert structure(guide)[1] == [("Everyday work", [
        ("What does an ordinary working day look like for you?", ["What do you do first?"]),
        ("Who do you work with most?", [])])]
    result = run_cli("guide", "check", str(path))
    assert result.returncode == 0
    # What was left out is named where Word shows it, not by a line number Word never shows.
    assert 'paragraph 8 ("Note to self: keep this part short."); table 1, row 1, column 1 ("Date")' in result.stdout


def test_a_problem_names_the_paragraph_and_bad_files_get_one_line(tmp_path):
    document = docx.Document()
    document.add_paragraph("How did you come to this job?", style="List Number")
    document.add_heading("Background", 1)
    document.add_paragraph("What did you do before?", style="List Number")
    path = tmp_path / "guide.docx"
    document.save(path)
    with pytest.raises(GuideError) as caught:
        load_guide(path)
    assert caught.value.problems == [f'{path}, paragraph 1 ("How did you come to this job?"): a question before '
                                     "any theme heading — add a '# Theme' line above it"]
    old_word = tmp_path / "old.docx"
    old_word.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)  # an old .doc renamed
    not_word = tmp_path / "archive.docx"
    with zipfile.ZipFile(not_word, "w") as archive:
        archive.writestr("readme.txt", "not a document")
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" * (80 * 2**20))
    future = tmp_path / "future.docx"  # a zip of a version Python cannot read: NotImplementedError, a traceback
    raw = bytearray((lambda d: (d.save(future), future.read_bytes())[1])(docx.Document()))
    central = raw.find(b"PK\x01\x02")
    raw[central + 6:central + 8] = (82).to_bytes(2, "little")
    future.write_bytes(bytes(raw))
    for bad, says in ((old_word, "not a Word document (.docx)"), (not_word, "cannot be read as a Word document"),
                      (bomb, "unpacks to 80 MB"), (future, "cannot be read as a Word document (the file is damaged)")):
        result = run_cli("guide", "check", str(bad))
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.strip().count("\n") == 0 and says in result.stderr and "save" in result.stderr


def test_word_guides_are_offered_in_the_study_but_not_words_lock_file(tmp_path):
    study = Study.at(tmp_path).ensure()
    document = docx.Document()
    document.add_heading("Arbeid", 1)
    document.add_paragraph("Hvordan ser en vanlig dag ut?", style="List Number")
    document.save(study.guides_dir / "Intervjuguide.docx")
    (study.guides_dir / "~$Intervjuguide.docx").write_bytes(b"\0" * 162)  # Word has it open
    names = [p.name for p in study.guide_files()]
    assert "Intervjuguide.docx" in names and "~$Intervjuguide.docx" not in names
    # Put beside the examples the app came with, the researcher's own guide is the one offered.
    assert study.default_guide() == study.guides_dir / "Intervjuguide.docx"
    assert names[1] == "nav-digitale-tjenester.nb.yaml"
    outline = read_docx_outline(study.guides_dir / "Intervjuguide.docx")
    assert outline.lines == ["# Arbeid", "1. Hvordan ser en vanlig dag ut?"]


def test_attributes_typed_in_word_keep_their_meaning_with_curly_quotes(tmp_path):
    """Word turns "a; b" into “a; b” as you type (a Norwegian keyboard into «a; b»): keywords typed
    in a guide kept in Word were refused as "unknown attribute"."""
    document = docx.Document()
    document.add_heading("Digitale tjenester {minutes=15}", 1)
    document.add_paragraph("Hvordan brukes chatten? {must keywords=“chat; aktivitetsplan”}", style="List Number")
    document.add_paragraph("Og «skriv til oss»? {keywords=«skriv til oss»}", style="List Number")
    path = tmp_path / "guide.docx"
    document.save(path)
    first, second = load_guide(path).themes[0].questions
    assert first.text == "Hvordan brukes chatten?" and first.must_cover
    assert first.keywords == ["chat", "aktivitetsplan"] and second.keywords == ["skriv til oss"]
    assert load_guide(path).themes[0].minutes == 15


def test_a_two_column_table_with_section_rows_across_it_and_a_title_row_above_the_header(tmp_path):
    """Questions | Probes, with each part of the guide a row merged across the table, and the
    table's own title over its header: a section row was read as a question and its own probe."""
    document = docx.Document()
    rows = [("Interview guide", None), ("Main questions", "Probes"), ("Part 1: Background (10 min)", None),
            ("How did you come to work here?", "Before that?\nWhy this job?"),
            ("Part 2: Everyday work", None), ("What does a normal day look like?", "")]
    table = document.add_table(rows=len(rows), cols=2)
    for r, (left, right) in enumerate(rows):
        if right is None:
            merged = table.cell(r, 0).merge(table.cell(r, 1))
            merged.text = left
            continue
        table.cell(r, 0).text = left
        first, *more = right.split("\n")
        table.cell(r, 1).text = first
        for text in more:
            table.cell(r, 1).add_paragraph(text)
    path = tmp_path / "guide.docx"
    document.save(path)
    guide = load_guide(path)
    assert structure(guide)[1] == [("Background", [("How did you come to work here?", ["Before that?", "Why this job?"])]),
                                   ("Everyday work", [("What does a normal day look like?", [])])]
    assert guide.themes[0].minutes == 10


def test_a_note_about_a_place_quoting_a_colon_reads_whole(tmp_path):
    """'Del 2: Tilgang' across a table that also has a theme column is a part heading with no
    question of its own: left out, and the note was printed '("Del 2: note — Tilgang")'."""
    from .robustness_cases import _word_guide

    path = tmp_path / "guide.docx"
    _word_guide(path)
    result = run_cli("guide", "check", str(path))
    assert result.returncode == 0
    assert f'{path}, table 1, row 2 ("Del 2: Tilgang"): note — \'Tilgang\' has no numbered question' in result.stdout


def test_a_guide_with_tracked_changes_reads_as_if_they_were_accepted(tmp_path):
    """A supervisor edits the guide with Track Changes on: python-docx's text left out the inserted
    words (they sit in <w:ins>), so "Hvordan ser en vanlig dag ut?" came in as "Hvordan ser en dag
    ut?" — silently. Deleted words stay out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def tracked(kind: str, text: str):
        change = OxmlElement(f"w:{kind}")
        change.set(qn("w:id"), "1")
        change.set(qn("w:author"), "Veileder")
        change.set(qn("w:date"), "2026-11-30T10:00:00Z")
        run, words = OxmlElement("w:r"), OxmlElement("w:t" if kind == "ins" else "w:delText")
        words.text = text
        words.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run.append(words)
        change.append(run)
        return change

    document = docx.Document()
    document.add_heading("Arbeidshverdagen", 1)
    question = document.add_paragraph("Hvordan ser en ", style="List Number")
    question._p.append(tracked("ins", "vanlig "))
    question.add_run("dag ut?")
    question._p.append(tracked("del", " Og hvorfor?"))
    path = tmp_path / "guide.docx"
    document.save(path)
    assert [q.text for _, q in load_guide(path).questions()] == ["Hvordan ser en vanlig dag ut?"]


def test_a_heading_in_the_researchers_own_style_is_a_theme_by_its_outline_level(tmp_path):
    """Word shows a paragraph in the navigation pane by its outline level, whatever its style is
    called: themes in a style of one's own ("Tema") were read as prose and the guide refused."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    theme_style = document.styles.add_style("Tema", WD_STYLE_TYPE.PARAGRAPH)
    level = OxmlElement("w:outlineLvl")
    level.set(qn("w:val"), "0")
    theme_style.element.get_or_add_pPr().append(level)
    document.add_paragraph("Intervjuguide", style="Title")  # a marked heading: none is guessed by place
    document.add_paragraph("Arbeidshverdagen", style="Tema")
    document.add_paragraph("Hvordan ser en vanlig dag ut?", style="List Number")
    document.add_paragraph("Samarbeid", style="Tema")
    document.add_paragraph("Hvem samarbeider du mest med?", style="List Number")
    path = tmp_path / "guide.docx"
    document.save(path)
    guide = load_guide(path)
    assert guide.title == "Intervjuguide"
    assert [(t.title, [q.text for q in t.questions]) for t in guide.themes] == [
        ("Arbeidshverdagen", ["Hvordan ser en vanlig dag ut?"]), ("Samarbeid", ["Hvem samarbeider du mest med?"])]


def test_a_guide_kept_as_one_multi_level_list_has_its_themes_at_the_top_level(tmp_path):
    """ "1. Bakgrunn / 1.1 Hvor lenge…? / • Før det?" in one Word list, no headings: the themes
    were read as questions and their questions as follow-ups."""
    markdown = ("1. Bakgrunn\n\n    1. Hvor lenge har du jobbet i NAV?\n\n        - Hva gjorde du før det?\n\n"
                "    2. Hva er oppgavene dine?\n\n2. Digitale tjenester\n\n    1. Hvilke tjenester bruker du mest?\n\n"
                "3. Hvordan vil du beskrive en god dag på jobben?\n")
    path = tmp_path / "guide.docx"
    pypandoc.convert_text(markdown, "docx", format="markdown", outputfile=str(path))
    guide = load_guide(path)
    assert structure(guide)[1] == [
        ("Bakgrunn", [("Hvor lenge har du jobbet i NAV?", ["Hva gjorde du før det?"]), ("Hva er oppgavene dine?", [])]),
        ("Digitale tjenester", [("Hvilke tjenester bruker du mest?", []),
                                ("Hvordan vil du beskrive en god dag på jobben?", [])])]


def test_numbered_checklist_rows_in_a_table_are_the_briefing_and_debriefing(tmp_path):
    """"Del 1: Innledning" in the theme column: the table reader stripped only "1." from names, so
    the briefing's items became questions and the guide was refused ("a question before any theme")."""
    document = docx.Document()
    table = document.add_table(rows=4, cols=2)
    for r, (theme, question) in enumerate([("Tema", "Spørsmål"), ("Del 1: Innledning", "Samtykke til lydopptak"),
                                           ("Del 2: Arbeid", "Hvordan ser en vanlig dag ut?"),
                                           ("Del 3: Avslutning", "Takk for praten")]):
        table.cell(r, 0).text, table.cell(r, 1).text = theme, question
    path = tmp_path / "guide.docx"
    document.save(path)
    guide = load_guide(path)
    assert structure(guide) == (["Samtykke til lydopptak"], [("Arbeid", [("Hvordan ser en vanlig dag ut?", [])])],
                                ["Takk for praten"])


def test_a_terms_line_in_word_gives_the_transcribers_terms(tmp_path):
    """Word has no front matter: a "Begreper: NAV; Modia" paragraph before the first theme is the
    guide's terms; a sentence that begins with the word is not."""
    document = docx.Document()
    document.add_paragraph("Intervjuguide", style="Title")
    document.add_paragraph("Begreper: NAV; Modia; aktivitetsplan")
    document.add_paragraph("Ordliste: i denne oppgaven bruker jeg ordet bruker om alle som får oppfølging fra kontoret.")
    document.add_heading("Kontakt", 1)
    document.add_paragraph("Hvordan kontakter brukerne NAV?", style="List Number")
    path = tmp_path / "guide.docx"
    document.save(path)
    guide = load_guide(path)
    assert guide.terms == ["NAV", "Modia", "aktivitetsplan"] and guide.title == "Intervjuguide"
    result = run_cli("guide", "import", str(path))
    assert 'paragraph 2 ("Begreper: NAV; Modia; aktivitetsplan"): read as terms for the transcriber' in result.stderr
    assert 'paragraph 3 ("Ordliste: i denne oppgaven bruker jeg or…")' in result.stderr  # left out as prose
