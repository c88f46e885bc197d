from __future__ import annotations

import pytest

from interview_tui.errors import GuideError
from interview_tui.guide.loader import dump_guide_yaml, load_guide, parse_guide_yaml
from interview_tui.guide.markdown import parse_markdown_outline, render_markdown

from .conftest import GUIDES, SEED_GUIDE_EN, SEED_GUIDE_NB, SHARED, run_cli

SEED_QUESTION_IDS = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3",
                     "3.1", "3.2", "3.3", "3.4", "4.1", "4.2", "4.3"]


def test_seed_guide_has_the_theses_structure():
    guide = load_guide(SEED_GUIDE_NB)
    assert [theme.id for theme in guide.themes] == ["1", "2", "3", "4"]
    assert [question.id for _, question in guide.questions()] == SEED_QUESTION_IDS
    first = guide.themes[0].questions[0]
    assert first.text.startswith("Kan du fortelle om hvordan du går fram")
    assert [f.id for f in first.followups] == ["1.1.a", "1.1.b", "1.1.c"]
    assert guide.item("2.1.a").text.startswith("For eksempel tomt kontaktkort")
    consent = guide.consent_item()
    assert consent is not None and "lydopptak" in consent.text
    assert len(guide.briefing) == 4 and guide.debriefing
    assert "telefon" in guide.debriefing[0].text


def test_english_guide_has_the_same_ids():
    nb, en = load_guide(SEED_GUIDE_NB), load_guide(SEED_GUIDE_EN)
    assert nb.item_ids() == en.item_ids()
    assert [b.id for b in nb.briefing] == [b.id for b in en.briefing]
    assert en.language == "en" and nb.language == "nb"


@pytest.mark.parametrize("path", sorted(GUIDES.glob("*.yaml")), ids=lambda p: p.name)
def test_round_trip_yaml_markdown_yaml(path):
    guide = load_guide(path)
    again = parse_markdown_outline(render_markdown(guide))
    assert again == guide
    assert parse_guide_yaml(dump_guide_yaml(guide)) == guide


def test_markdown_outline_as_researchers_type_it():
    outline = """Telefonintervju om digitale tjenester

# Briefing
- Forklar formålet
- Samtykke til lydopptak {consent}

# 1. Kontakt med bruker (10 min)
1. Hvordan kommer du i kontakt med brukerne?
   - Første gang?
   - Hva om du ikke får tak i dem?
2. Hvilke digitale tjenester er vanligst?
   Tenk på chat og skriv til oss.

# Tilgang {minutes=5 keywords="pc; internett"}
1) Mangler brukerne verktøy? {must}

# Avslutning
- Hvordan var det å bli intervjuet på telefon?
"""
    guide = parse_markdown_outline(outline, source="outline.md")
    assert guide.title == "Telefonintervju om digitale tjenester"
    assert [t.title for t in guide.themes] == ["Kontakt med bruker", "Tilgang"]
    assert guide.themes[0].minutes == 10  # "(10 min)" in a heading is its planned time
    assert guide.item_ids() == ["1", "1.1", "1.1.a", "1.1.b", "1.2", "2", "2.1"]
    assert guide.item("1.2").text.endswith("Tenk på chat og skriv til oss.")
    assert guide.themes[1].minutes == 5 and guide.themes[1].keywords == ["pc", "internett"]
    assert guide.item("2.1").must_cover
    assert guide.consent_item().text == "Samtykke til lydopptak"
    assert guide.debriefing[0].id == "D1"


def test_explicit_ids_are_kept():
    guide = parse_guide_yaml("""
title: t
themes:
  - id: intro
    title: Intro
    questions:
      - id: 7
        text: q?
        followups: [a, {id: x, text: b}]
""")
    assert guide.item_ids() == ["intro", "7", "7.a", "x"]


BAD_GUIDES = {
    "yaml_syntax": ("title: x\nthemes:\n  - title: T\n   questions: [\n", 4, "YAML syntax error"),
    "duplicate_ids": ("title: x\nthemes:\n  - title: T\n    questions:\n      - {id: a, text: q}\n"
                      "      - {id: a, text: r}\n", 6, "id 'a' is used more than once"),
    "empty_question": ("title: x\nthemes:\n  - title: T\n    questions:\n      - text: ''\n", 5, "text is empty"),
    "followup_without_question": ("title: x\nthemes:\n  - title: T\n    followups: [a]\n", 4,
                                  "follow-ups without a question"),
    "unknown_key_typo": ("title: x\nthemes:\n  - title: T\n    questions:\n      - text: q\n"
                         "        folowups: [a]\n", 6, "did you mean 'followups'"),
    "wrong_type": ("title: x\nthemes:\n  - title: T\n    minutes: ten\n", 4, "valid integer"),
    "no_themes": ("title: x\n", 1, "no 'themes'"),
    "not_a_mapping": ("- a\n- b\n", 1, "must be a mapping"),
    "null_question": ("title: x\nthemes:\n  - title: T\n    questions:\n      -\n", 5, "is empty"),
}


@pytest.mark.parametrize("name", sorted(BAD_GUIDES))
def test_bad_guides_give_one_clear_line_per_problem(tmp_path, name):
    text, line, phrase = BAD_GUIDES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GuideError) as caught:
        load_guide(path)
    problems = caught.value.problems
    assert problems, "no problem reported"
    assert any(p.startswith(f"{path}:{line}:") and phrase in p for p in problems), problems
    assert all("\n" not in p and "Traceback" not in p for p in problems)


def test_language_no_is_norwegian_not_false(tmp_path):
    """Whisper calls Norwegian "no", and a guide, an outline's front matter or settings.yaml with
    "language: no" failed: YAML 1.1 reads no/yes/on/off as booleans. True and false still are."""
    from interview_tui.settings import load_settings

    text = SEED_GUIDE_NB.read_text(encoding="utf-8").replace("language: nb", "language: no")
    guide = parse_guide_yaml(text.replace("consent: true", "consent: yes").replace("must_cover: true", "must_cover: yes"))
    assert guide.language == "no" and guide.consent_item() is not None
    assert [q.id for _, q in guide.questions() if q.must_cover] == ["1.1", "1.3", "1.4", "3.1", "4.1"]
    outline = parse_markdown_outline("---\nlanguage: no\n---\n# Tema\n1. Hvordan går det?\n", source="x.md")
    assert outline.language == "no"
    (tmp_path / "settings.yaml").write_text("language: no\n")
    assert load_settings(tmp_path).language == "no"


def test_non_utf8_and_empty_files(tmp_path):
    latin = tmp_path / "latin1.yaml"
    latin.write_bytes("title: x\nthemes:\n  - title: Tilgang på kontoret\n".encode("latin-1"))
    with pytest.raises(GuideError) as caught:
        load_guide(latin)
    assert caught.value.problems[0].startswith(f"{latin}:3:") and "UTF-8" in caught.value.problems[0]
    empty = tmp_path / "empty.yaml"
    empty.write_text("  \n")
    with pytest.raises(GuideError, match="empty"):
        load_guide(empty)
    with pytest.raises(GuideError, match="no such file"):
        load_guide(tmp_path / "missing.yaml")


def test_markdown_follow_up_without_question(tmp_path):
    path = tmp_path / "g.md"
    path.write_text("# Theme\n- a follow-up too early\n1. Question?\n")
    with pytest.raises(GuideError) as caught:
        load_guide(path)
    assert caught.value.problems == [f"{path}:2: a follow-up without a question — put it under a "
                                     "numbered question (e.g. '1. …'), or, if it is said before or after "
                                     "the questions, head its section '# Briefing' or '# Debriefing'"]


WORD_STYLE_OUTLINE = """# Interview guide: Remote teaching in rural schools

## Introduction
- Thank the participant, explain the purpose
- Ask for consent to record

## 1. Background
1. Can you tell me about your teaching career so far?
   - How long have you taught at this school?

## 2. Remote teaching
3. How did your school move to remote teaching during closures?

## Closing
- Anything else you would like to add?
"""


def test_an_outline_typed_in_word_gets_its_briefing_debriefing_and_consent(tmp_path):
    """"Introduction" and "Closing" are what a guide typed in Word calls the checklists (the import
    refused their bullets as follow-ups without a question, tried in a terminal); the one briefing
    item that speaks of consent is the consent to record, and the import says so."""
    path = tmp_path / "guide.md"
    path.write_text(WORD_STYLE_OUTLINE)
    guide = load_guide(path)
    assert [item.text for item in guide.briefing] == ["Thank the participant, explain the purpose",
                                                      "Ask for consent to record"]
    assert guide.consent_item().text == "Ask for consent to record"
    assert [item.text for item in guide.debriefing] == ["Anything else you would like to add?"]
    assert [theme.title for theme in guide.themes] == ["Background", "Remote teaching"]
    result = run_cli("guide", "import", str(path), "-o", str(tmp_path / "guide.yaml"))
    assert result.returncode == 0, result.stderr
    assert "'Ask for consent to record' is taken as the consent to record" in result.stderr
    checked = run_cli("guide", "check", str(path))
    assert checked.returncode == 0 and "note — 'Ask for consent to record' is taken as the consent" in checked.stdout
    for norwegian in ("## Innledning\n- Samtykke til lydopptak\n- Formålet\n", "## Introduksjon\n- Bekreft samtykke\n",
                      "## Einleitung\n- Vorstellung\n- Einverständnis zur Aufnahme\n"):  # German, seen in a walk-through
        assert parse_markdown_outline(norwegian + "## Tema\n1. Spørsmål?\n## Avrunding\n- Takk\n").consent_item()
    two = "## Introduction\n- Consent to record\n- Consent to quote\n## Theme\n1. Question?\n"
    assert parse_markdown_outline(two).consent_item() is None  # which one is not ours to guess


def test_cli_guide_check_and_show():
    ok = run_cli("guide", "check", str(SEED_GUIDE_NB), str(SEED_GUIDE_EN))
    assert ok.returncode == 0, ok.stderr
    assert "4 themes, 14 questions" in ok.stdout
    shown = run_cli("guide", "show", str(SEED_GUIDE_EN))
    assert shown.returncode == 0 and "must cover" in shown.stdout and "4.3" in shown.stdout
    md = run_cli("guide", "show", "--markdown", str(SEED_GUIDE_NB))
    assert parse_markdown_outline(md.stdout) == load_guide(SEED_GUIDE_NB)


def test_cli_guide_check_reports_bad_file_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nthemes:\n  - title: T\n    questions:\n      - text: q\n        folowups: [a]\n")
    result = run_cli("guide", "check", str(SEED_GUIDE_NB), str(bad))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == f"{bad}:6: unknown key 'folowups' in themes[1].questions[1] — did you mean 'followups'?"


def test_cli_guide_import_markdown(tmp_path):
    md = tmp_path / "g.md"
    md.write_text("# Theme\n1. Question?\n   - probe\n")
    out = tmp_path / "g.yaml"
    result = run_cli("guide", "import", str(md), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert load_guide(out).item_ids() == ["1", "1.1", "1.1.a"]


GUIDE_WITH_PROSE = """# Interview guide, as kept in the project folder

Written for the ethics board; read before each call.

## Theme 1 — Contact with clients
(Use of digital services)

1.1 How do you go about getting in contact with clients?
    - The first time? And later on in
      the assessment.
    - What if you cannot reach them?
1.2 Which digital services are most
    common?

## Notes on the analysis
- Transcribed word for word.
- Quotes rewritten before publication.
"""


def test_an_outline_with_prose_and_notes_imports_and_says_what_was_left_out(tmp_path):
    """A guide as researchers keep it (the seed thesis's own, in ../shared/seed, is one): prose
    among the items, a gloss under a heading, wrapped lines, a section of notes with no question.
    The items import; what was left out is named with its lines, not refused."""
    path = tmp_path / "guide.md"
    path.write_text(GUIDE_WITH_PROSE)
    notes: list[str] = []
    guide = parse_markdown_outline(GUIDE_WITH_PROSE, str(path), notes)
    assert [t.title for t in guide.themes] == ["Contact with clients"]
    first, second = guide.themes[0].questions
    assert [f.text for f in first.followups] == ["The first time? And later on in the assessment.",
                                                 "What if you cannot reach them?"]
    assert second.text == "Which digital services are most common?"
    assert notes == [f"{path}: lines 3, 6: text that is not a heading, a numbered question or a '-' item — "
                     "left out (a question must be numbered to be asked)",
                     f"{path}:15: 'Notes on the analysis' has no numbered question — left out as notes"]
    result = run_cli("guide", "import", str(path), "-o", str(tmp_path / "guide.yaml"))
    assert result.returncode == 0 and "left out as notes" in result.stderr, result.stderr
    checked = run_cli("guide", "check", str(path))
    assert checked.returncode == 0 and f"{path}: note — lines 3, 6: text that is not" in checked.stdout


@pytest.mark.skipif(not (SHARED / "seed" / "interview-guide.md").is_file(),
                    reason="../shared/seed (the seed thesis's guide) is not beside this checkout")
def test_the_seed_theses_own_guide_imports_as_the_guide_we_ship():
    imported = parse_markdown_outline((SHARED / "seed" / "interview-guide.md").read_text(), "seed", [])
    shipped = load_guide(SEED_GUIDE_NB)
    assert [q.id for _, q in imported.questions()] == [q.id for _, q in shipped.questions()]
    assert [[f.id for f in q.followups] for _, q in imported.questions()] == \
        [[f.id for f in q.followups] for _, q in shipped.questions()]


def test_a_german_outline_keeps_its_checklists_and_says_how_it_was_titled(tmp_path):
    """"Einstieg"/"Ausklang" are what a German guide heads its checklists with; they were read as
    themes with no question and left out, the consent item with them."""
    text = ("# Einstieg\n- Einverständnis zur Aufnahme einholen\n\n# Anfänge\n1. Erinnern Sie sich an Ihr "
            "erstes Hörspiel?\n\n# Ausklang\n- Gibt es etwas, das Sie noch sagen möchten?\n")
    notes: list[str] = []
    guide = parse_markdown_outline(text, "leitfaden.md", notes)
    assert guide.language == "de"
    assert guide.consent_item() is not None and guide.consent_item().text.startswith("Einverständnis")
    assert [item.text for item in guide.debriefing] == ["Gibt es etwas, das Sie noch sagen möchten?"]
    assert "leitfaden.md: titled 'Anfänge' after its first theme — to name it, begin the outline with a " \
           "'# Title' line over '## Theme' headings, or 'title:' in a front matter block" in notes


def test_a_checklist_under_any_heading_that_asks_for_consent_before_the_questions_is_the_briefing():
    text = ("# Warm-up\n- Thank them for their time\n- Ask for consent to record\n\n# Contact\n"
            "1. How do you reach your clients?\n\n# Notes\n- Transcribe word for word\n")
    notes: list[str] = []
    guide = parse_markdown_outline(text, "g.md", notes)
    assert [item.text for item in guide.briefing] == ["Thank them for their time", "Ask for consent to record"]
    assert guide.consent_item().text == "Ask for consent to record"
    assert "g.md:1: 'Warm-up' read as the briefing (it asks for consent, before the questions) — head it " \
           "'# Briefing' to say so" in notes
    assert "g.md:8: 'Notes' has no numbered question — left out as notes" in notes  # after the questions: notes


WORD_PASTED_EN = """Interview guide – Remote work study

Introduction (5 min)
• Thank the participant and explain the purpose of the study
• Ask for consent to record the interview

Part 1: Background (10 min)
1. Could you tell me about your current role?
   a. How long have you been in this role?
2. What does a typical working day look like?
Probes:
   – Which tasks take most of the day?

Part 2: Remote work (20 min)
3. How often do you work from home?
   - Probe: what made you choose that?

Closing
• Is there anything else you would like to add?
"""

WORD_PASTED_NB = """Intervjuguide

Innledning
– Presenter prosjektet
– Spør om samtykke til lydopptak

Del 1: Bakgrunn (ca. 10 min)
1. Hvor lenge har du jobbet som veileder?
   a) Hva gjorde du før?

Avslutning
– Er det noe du vil legge til?
"""


def test_a_guide_pasted_from_word_without_markdown_marks_imports():
    """Seen in a terminal: a guide pasted from Word (headings without '#', '•' and '–' bullets,
    "a." follow-ups) was refused line by line, "a question before any theme heading"."""
    notes: list[str] = []
    guide = parse_markdown_outline(WORD_PASTED_EN, "guide.txt", notes)
    assert guide.title == "Interview guide – Remote work study"
    assert [t.title for t in guide.themes] == ["Background", "Remote work"]
    assert [t.minutes for t in guide.themes] == [10, 20]
    first = guide.themes[0].questions[0]
    assert first.text == "Could you tell me about your current role?"  # "a." no longer joined to it
    assert [f.text for f in first.followups] == ["How long have you been in this role?"]
    # "Probes:" among the questions is a lead-in, not a heading: its item stays with question 2
    assert [f.text for f in guide.themes[0].questions[1].followups] == ["Which tasks take most of the day?"]
    assert guide.consent_item().text == "Ask for consent to record the interview"
    assert [i.text for i in guide.debriefing] == ["Is there anything else you would like to add?"]
    nb = parse_markdown_outline(WORD_PASTED_NB, "guide.txt", [])
    assert [(t.title, t.minutes) for t in nb.themes] == [("Bakgrunn", 10)]
    assert nb.themes[0].questions[0].followups[0].text == "Hva gjorde du før?"
    assert nb.consent_item().text == "Spør om samtykke til lydopptak" and len(nb.briefing) == 2


def test_a_markdown_outline_is_read_as_written_and_headings_may_say_their_minutes():
    text = ("# Use of digital services (15 min)\n1. How do you reach clients?\n   a. The first time?\n"
            "Part of a note:\n- kept as written\n2. What does a normal working day look like, and what is\n"
            "   a day at the office?\n")
    guide = parse_markdown_outline(text, "g.md", [])
    assert guide.themes[0].title == "Use of digital services" and guide.themes[0].minutes == 15
    question = guide.themes[0].questions[0]
    assert question.text == "How do you reach clients?"  # "a." was joined to it here too
    assert [f.text for f in question.followups] == ["The first time?", "kept as written"]
    assert guide.themes[0].questions[1].text.endswith("and what is a day at the office?")  # wrapped, not "a."


def test_questions_labelled_q1_or_sporsmal_and_probes_labelled_probe_are_read(tmp_path):
    """A common template labels questions instead of numbering them ("**Q1**: …", "Spørsmål 5:")
    and its follow-ups "- Probe: …": every question was prose, and the guide was refused with
    "no themes found"."""
    outline = tmp_path / "guide.md"
    outline.write_text(
        "# Interview guide\n\n## Opening (5 minutes)\n- Thank the participant\n"
        "- Is it okay if I record this session?\n\n## Section 1: Daily work (10 minutes)\n\n"
        "**Q1**: Can you tell me about your role?\n- Probe: How long have you been doing this?\n\n"
        "**Q2:** What tools do you use most?\n- **Follow-up:** Why those?\n\n## Section 2: Challenges\n\n"
        "Q3. What is the hardest part of your job?\nSpørsmål 4: Hva gjør du da?\n"
        "Question 5 is about the future, if there is time.\n\n## Closing\n- Anything else to add?\n",
        encoding="utf-8")
    guide = parse_markdown_outline(outline.read_text(encoding="utf-8"), source=str(outline))
    assert [(t.title, t.minutes) for t in guide.themes] == [("Daily work", 10), ("Challenges", None)]
    assert [(q.text, [f.text for f in q.followups]) for _, q in guide.questions()] == [
        ("Can you tell me about your role?", ["How long have you been doing this?"]),
        ("What tools do you use most?", ["Why those?"]),
        ("What is the hardest part of your job?", []),
        ("Hva gjør du da?", [])]  # "Question 5 is about…" has no ':' after its number: a sentence, left out
    assert guide.consent_item().text == "Is it okay if I record this session?"  # asks for it without the word


def test_a_template_with_questions_and_probes_sub_headings_is_read(tmp_path):
    """User-research templates put each section's questions as bullets under "### Questions" and
    its general prompts under "### Probes" / "### Listen For": every question was left out and the
    guide refused ("no themes found"). The prompts and notes are no guide items: left out, named.
    "Time: 10 min" under a section's heading is its planned time."""
    text = ("# Interview Guide: Remote work\n\nDuration: 45 minutes\n\n---\n\n## Section 1: Daily routine\nTime: 10 min\n\n"
            "**Goal**: Learn how the day is organised\n\n### Questions\n- How does a normal working day start?\n"
            "  - Who do you talk to first?\n- Where do you usually work from?\n\n### Probes\n"
            "- \"Can you tell me more about...\"\n\n### Listen For\n- Boundaries between work and home\n\n---\n\n"
            "## Section 2: Tools\n\n### Questions\n- Which tools keep you in touch with colleagues?\n\n"
            "## Closing\n- Thank the participant\n")
    notes: list[str] = []
    guide = parse_markdown_outline(text, "template.md", notes)
    assert guide.title == "Interview Guide: Remote work"
    assert [(t.title, t.minutes) for t in guide.themes] == [("Daily routine", 10), ("Tools", None)]
    assert [(q.text, [f.text for f in q.followups]) for _, q in guide.questions()] == [
        ("How does a normal working day start?", ["Who do you talk to first?"]),
        ("Where do you usually work from?", []),
        ("Which tools keep you in touch with colleagues?", [])]
    assert [d.text for d in guide.debriefing] == ["Thank the participant"]
    assert notes and "lines 3, 10, 18, 21: text that is not a heading" in notes[0]  # the goal, probe and note


def test_a_pasted_guide_with_a_questions_line_over_bullets_and_a_checklist_after_it():
    """"Spørsmål:" over bulleted questions in a guide pasted from Word: the bullets are questions,
    and the closing checklist after the next heading stays a checklist (not a question)."""
    text = ("Intervjuguide\nInnledning\n• Spør om samtykke til lydopptak\nDel 1: Bakgrunn (10 min)\nSpørsmål:\n"
            "• Hvor lenge har du jobbet her?\n• Hva gjorde du før?\nAvslutning\n• Takk for praten\n")
    guide = parse_markdown_outline(text, "guide.txt", [])
    assert [(t.title, t.minutes, [q.text for q in t.questions]) for t in guide.themes] == [
        ("Bakgrunn", 10, ["Hvor lenge har du jobbet her?", "Hva gjorde du før?"])]
    assert [d.text for d in guide.debriefing] == ["Takk for praten"]
    assert guide.consent_item().text == "Spør om samtykke til lydopptak"


def test_terms_for_the_transcriber_in_an_outline_and_a_yaml_guide():
    """``terms:`` — names the transcriber should spell (services, systems) — in an outline's front
    matter or a YAML guide; they survive render and import, and leave the guide's hash (which names
    its codes in a .qdpx) as it was for a guide without them."""
    outline = "---\ntitle: Digital contact\nlanguage: en\nterms: NAV; Modia; NAV\n---\n# Contact\n1. How do you reach NAV?\n"
    guide = parse_markdown_outline(outline, source="g.md")
    assert guide.terms == ["NAV", "Modia"] and "NAV" not in guide.vocabulary()
    assert parse_markdown_outline(render_markdown(guide), source="again.md").terms == ["NAV", "Modia"]
    assert parse_guide_yaml(dump_guide_yaml(guide), source="g.yaml").terms == ["NAV", "Modia"]
    plain = guide.model_copy(update={"terms": []})
    assert "terms" not in plain.canonical_json() and "terms" in guide.canonical_json()
