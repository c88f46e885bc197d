"""Exports read back by real readers: python-docx, webvtt-py, srt, and the REFI-QDA schema."""

from __future__ import annotations

import importlib.util
import re
import unicodedata
import zipfile

import pytest
import srt
import webvtt
from docx import Document
from lxml import etree

from interview_tui.coverage.check import resolve_input
from interview_tui.coverage.matcher import CoverageMatcher
from interview_tui.export.anonymise import PseudonymTable, sentence_start_words, suggest_names
from interview_tui.export.service import NamesLeftError, _written_text, export
from interview_tui.guide.loader import load_guide
from interview_tui.session.model import AudioSetup
from interview_tui.session.store import SessionStore
from interview_tui.model.transcript import Segment, Transcript, Word, load_transcript

from .conftest import SCHEMA, SEED_GUIDE_NB, SHARED, run_cli
from .devset import load_devset




@pytest.fixture
def reviewed_session(study):
    """A session with a transcript of the nb-seed-1 interview, one segment corrected and tagged."""
    interview = next(i for i in load_devset() if i.name == "nb-seed-1")
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym="Veileder A")
    segments, clock = [], 2.0
    for who, text in interview.turns:
        words = [Word(word=" " + w, start=clock + i * 0.4, end=clock + i * 0.4 + 0.3,
                      probability=0.3 if i == 2 else 0.9) for i, w in enumerate(text.split())]
        segments.append(Segment(start=clock, end=words[-1].end, speaker="Intervjuer" if who == "I" else "Informant",
                                text=text, words=words, channel=0 if who == "I" else 1))
        clock = words[-1].end + 0.8
    segments[1].text = segments[1].text.replace("Som regel", "Som regel, sier Kari Nordmann fra Bodø,")
    segments[1].draft_text = interview.turns[1][1]
    segments[3].tags = ["3.4"]
    transcript = Transcript(audio_file=f"{store.session.id}.wav", session_id=store.session.id, model="base",
                            language="no", software="interview-tui 0.1.0", speakers=["Intervjuer", "Informant"],
                            segments=segments)
    transcript.save(study.transcripts_dir / f"{store.session.id}.json")
    store.set_transcript(f"{store.session.id}.json")
    (study.root / "pseudonyms.yaml").write_text("Kari Nordmann: Informant A\nBodø: Byen\n", encoding="utf-8")
    return study, store


def test_every_format_reads_back(reviewed_session, tmp_path):
    study, store = reviewed_session
    source = resolve_input(store.session.id, study)
    result = export(source, study.root, tmp_path, ["txt", "md", "docx", "srt", "vtt", "maxqda", "nvivo", "qdpx", "report"])
    files = {p.name.split(".", 1)[1]: p for p in result.files}
    document = Document(files["docx"])
    paragraphs = [p.text for p in document.paragraphs]
    assert any(p.startswith("[00:00:02] Intervjuer: Takk for at du stiller opp") for p in paragraphs)
    assert not any("Kari Nordmann" in p or "Bodø" in p for p in paragraphs)
    assert any("Informant A" in p and "Byen" in p for p in paragraphs)
    captions = webvtt.read(str(files["vtt"]))
    assert len(captions) == len(source.transcript.segments) and captions[1].voice == "Informant"
    assert "Informant A" in captions[1].text
    assert len(list(srt.parse(files["srt"].read_text()))) == len(source.transcript.segments)
    for text_format in ("txt", "md", "maxqda.txt", "nvivo.txt", "coverage.md", "coverage.html"):
        assert "Kari Nordmann" not in files[text_format].read_text(), text_format
    assert "3.3" in files["coverage.md"].read_text()
    # the stored transcript keeps the real name: anonymising happens on export only
    assert "Kari Nordmann" in (study.transcripts_dir / f"{store.session.id}.json").read_text()


def test_qdpx_validates_against_the_refi_qda_schema_and_is_coded_by_guide_item(reviewed_session, tmp_path):
    study, store = reviewed_session
    source = resolve_input(store.session.id, study)
    path = export(source, study.root, tmp_path, ["qdpx"]).files[0]
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        project = etree.fromstring(archive.read("project.qde"))
        source_file = next(n for n in names if n.startswith("sources/"))
        text = archive.read(source_file).decode("utf-8")
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert schema.validate(project), schema.error_log
    ns = {"q": "urn:QDA-XML:project:1.0"}
    codes = {c.get("guid"): c.get("name") for c in project.iterfind(".//q:Code", ns)}
    assert any(name.startswith("1.1 ") for name in codes.values()) and len(codes) == 34
    selections = project.findall(".//q:PlainTextSelection", ns)
    coded = {}
    for selection in selections:
        quote = text[int(selection.get("startPosition")): int(selection.get("endPosition"))]
        for ref in selection.iterfind(".//q:CodeRef", ns):
            coded.setdefault(codes[ref.get("targetGUID")].split()[0], []).append(quote)
    assert any("vanligst å bruke" in quote for quote in coded["1.2"])  # the question, as asked
    # ... coded with its answer, up to the next question asked: the talk a researcher codes
    [answer] = coded["1.2"]
    assert "Det er nok telefon og sms mest" in answer and "Du nevner skriv til oss" not in answer
    # a follow-up's talk: its probe and the reply, not the next probe
    [probe] = coded["1.1.a"]
    assert probe.startswith("Og den aller første gangen") and "Første gang er det ofte et møte" in probe
    assert "Hva gjør du hvis du ikke får tak" not in probe
    assert "1.3" not in coded  # not covered: no coding
    assert coded["3.4"]  # the researcher's own tag
    assert "Kari Nordmann" not in text and "Informant A" in text


def test_a_not_this_item_tag_is_no_code_in_the_qdpx(reviewed_session, tmp_path):
    """"-3.3" (the researcher's no to the check) takes the segment out of 3.3's evidence; it is no
    code of its own."""
    study, store = reviewed_session
    path = study.transcripts_dir / f"{store.session.id}.json"
    before = resolve_input(store.session.id, study)
    report = CoverageMatcher(before.guide).match(before.transcript)
    evidence = {e.segment for e in report.item("3.3").evidence}
    assert evidence  # the check reads 3.3 somewhere: refuse all of it
    transcript = load_transcript(path)
    for index in evidence:
        transcript.segments[index].tags = sorted({*transcript.segments[index].tags, "-3.3"})
    transcript.save(path)
    exported = export(resolve_input(store.session.id, study), study.root, tmp_path, ["qdpx", "report"]).files
    qdpx = next(p for p in exported if p.suffix == ".qdpx")
    with zipfile.ZipFile(qdpx) as archive:
        project = etree.fromstring(archive.read("project.qde"))
    assert etree.XMLSchema(etree.parse(str(SCHEMA))).validate(project)
    ns = {"q": "urn:QDA-XML:project:1.0"}
    names = [c.get("name") for c in project.iterfind(".//q:Code", ns)]
    assert len(names) == 34 and not any(name.startswith("-") for name in names)
    coded = {ref.get("targetGUID") for ref in project.iterfind(".//q:CodeRef", ns)}
    code_33 = next(c.get("guid") for c in project.iterfind(".//q:Code", ns) if c.get("name").startswith("3.3 "))
    assert code_33 not in coded
    assert "3.3" in next(p for p in exported if p.name.endswith(".coverage.md")).read_text().split("**Not covered:**")[1].split("\n")[0]


def test_the_debriefing_is_no_questions_talk_in_the_qdpx(reviewed_session, tmp_path):
    """The last question's talk runs on for minutes when no next question ends it: where the
    session knows when the debriefing began, the debriefing's talk is coded as nobody's answer."""
    from interview_tui.session.model import PhaseChange

    study, store = reviewed_session
    transcript = Transcript.model_validate_json((study.transcripts_dir / f"{store.session.id}.json").read_text())
    last_question = next(s for s in transcript.segments if s.text.startswith("Har brukerne fått et styrket tilbud"))
    reply = transcript.segments[transcript.segments.index(last_question) + 1]
    assert reply is transcript.segments[-1]
    transcript.segments += [
        Segment(start=reply.end + 1.0, end=reply.end + 5.0, speaker="Intervjuer", channel=0,
                text="Da er vi gjennom spørsmålene. Er det noe du vil legge til?"),
        Segment(start=reply.end + 6.0, end=reply.end + 9.0, speaker="Informant", channel=1,
                text="Nei, jeg tror det var alt. Lykke til med oppgaven."),
    ]
    transcript.save(study.transcripts_dir / f"{store.session.id}.json")
    store.session.phase_changes = [PhaseChange(phase="conduct", call_time=0.0),
                                   PhaseChange(phase="debriefing", call_time=reply.end + 0.5)]
    store.save()
    path = export(resolve_input(store.session.id, study), study.root, tmp_path, ["qdpx"]).files[0]
    with zipfile.ZipFile(path) as archive:
        project = etree.fromstring(archive.read("project.qde"))
        text = archive.read(next(n for n in archive.namelist() if n.startswith("sources/"))).decode("utf-8")
    ns = {"q": "urn:QDA-XML:project:1.0"}
    debriefing_starts = text.index("Da er vi gjennom spørsmålene")
    last = [text[int(s.get("startPosition")): int(s.get("endPosition"))]
            for s in project.iterfind(".//q:PlainTextSelection", ns) if s.findtext("q:Description", "", ns).startswith("4.2:")]
    assert last and all(quote.endswith(reply.text) for quote in last)
    assert all(int(s.get("endPosition")) < debriefing_starts for s in project.iterfind(".//q:PlainTextSelection", ns))
    # without the session's phases (a brought transcript) the last question's talk runs on
    store.session.phase_changes = []
    store.save()
    path = export(resolve_input(store.session.id, study), study.root, tmp_path / "again", ["qdpx"]).files[0]
    with zipfile.ZipFile(path) as archive:
        project = etree.fromstring(archive.read("project.qde"))
    assert any(int(s.get("endPosition")) > debriefing_starts for s in project.iterfind(".//q:PlainTextSelection", ns))


def test_names_left_in_stop_the_export(reviewed_session, tmp_path):
    study, store = reviewed_session
    transcript_path = study.transcripts_dir / f"{store.session.id}.json"
    transcript_path.write_text(transcript_path.read_text().replace("Takk for at du", "Takk Karri, for at du"))
    source = resolve_input(store.session.id, study)
    out = tmp_path / "out"
    with pytest.raises(NamesLeftError, match="'Karri' \\(like 'Kari Nordmann'\\)"):
        export(source, study.root, out, ["txt"])
    assert not out.exists()  # nothing half-written
    result = run_cli("--project", str(study.root), "export", store.session.id, "--format", "txt")
    assert result.returncode == 1 and "possible names left" in result.stderr
    forced = run_cli("--project", str(study.root), "export", store.session.id, "--format", "txt,docx",
                     "--force", "--needs-bokmal")
    assert forced.returncode == 0, forced.stderr
    exported = (study.transcripts_dir / "exports" / f"{store.session.id}.txt").read_text()
    assert exported.startswith("NOT YET REWRITTEN TO BOKMÅL")


def test_a_typed_norwegian_transcript_words_near_names_and_no_clock(study):
    """A Norwegian walk-through with a typed transcript in transcripts/: "annen" (other) stopped
    the export as close to "Anne" and keeping it in pseudonyms.yaml did not help; "tromsøværinger"
    (one word, people of Tromsø) and "anne_solberg" went out as they were; and the exports printed
    [00:00:00] before every turn and "Made with from plain text" under the title."""
    (study.transcripts_dir / "veileder.txt").write_text(
        "Intervjuer: Hvordan kommer du i kontakt med brukerne?\n"
        "Informant: Jeg heter Anne Solberg (anne_solberg på Teams). En annen gang ringer jeg, "
        "for mange tromsøværinger liker det.\n", encoding="utf-8")
    (study.root / "pseudonyms.yaml").write_text("Anne Solberg: Informant A\nTromsø: Byen\nTeams: Teams\n")
    root = ("--project", str(study.root))
    listed = run_cli(*root, "names", "veileder")
    assert listed.returncode == 0, listed.stderr
    assert "annen: 1× (like 'Anne Solberg')" in listed.stdout and "tromsøværinger: 1× (like 'Tromsø')" in listed.stdout
    assert "anne_solberg: 1×" in listed.stdout
    refused = run_cli(*root, "export", "veileder", "--format", "txt")
    assert refused.returncode == 1 and "turn 2 (Informant): 'tromsøværinger' (like 'Tromsø')" in refused.stderr
    with (study.root / "pseudonyms.yaml").open("a") as table:  # the researcher's three decisions
        table.write("annen: annen\ntromsøværinger: byens folk\nanne_solberg: informant_a\n")
    assert "every capitalised word is decided" in run_cli(*root, "names", "veileder").stdout
    done = run_cli(*root, "export", "veileder", "--format", "txt,md,docx")
    assert done.returncode == 0, done.stderr
    text = (study.transcripts_dir / "exports" / "veileder.txt").read_text()
    assert text.splitlines()[1] == "Brought in as typed text"
    assert "Informant: Jeg heter Informant A (informant_a på Teams). En annen gang ringer jeg, for mange byens folk" in text
    assert "[00:00:00]" not in text and "00:00" not in (study.transcripts_dir / "exports" / "veileder.md").read_text()
    paragraphs = [p.text for p in Document(str(study.transcripts_dir / "exports" / "veileder.docx")).paragraphs]
    assert "Intervjuer: Hvordan kommer du i kontakt med brukerne?" in paragraphs
    # a note to self in transcripts/ is no interview: the matrix says so (it left it out silently)
    (study.transcripts_dir / "huskeliste.txt").write_text("Husk samtykkeskjemaet.\n", encoding="utf-8")
    # and a recording not transcribed yet: five interviews done, fewer columns, and why
    import numpy as np
    import soundfile as sf
    sf.write(study.recordings_dir / "diktafon.wav", np.zeros(16000, np.float32), 16000)
    matrix = run_cli(*root, "matrix")  # the answers by theme: no clock either
    assert matrix.returncode == 0 and "huskeliste.txt: no 'Speaker: text' turns found" in matrix.stderr
    assert "— left out" in matrix.stderr and "not transcribed yet, so left out: diktafon" in matrix.stderr
    answers = (study.transcripts_dir / "answers-by-theme.md").read_text()
    assert "> **Intervjuer** Hvordan kommer du i kontakt med brukerne?" in answers and "00:00" not in answers
    assert "00:00" not in (study.transcripts_dir / "coverage-matrix.html").read_text()
    coverage = run_cli(*root, "coverage", "veileder")  # the table and the report: no clock either
    assert coverage.returncode == 0 and "00:00" not in coverage.stdout
    report = run_cli(*root, "export", "veileder", "--format", "report")
    assert report.returncode == 0, report.stderr
    assert all("00:00" not in path.read_text() for path in (study.transcripts_dir / "exports").glob("*.coverage.*"))
    paragraphs = [p.text for p in Document(str(study.transcripts_dir / "answers-by-theme.docx")).paragraphs]
    assert "Intervjuer: Hvordan kommer du i kontakt med brukerne?" in paragraphs


def test_a_place_named_in_the_guide_is_replaced_in_the_exports_too(study):
    """A guide that asks about "the office in Tromsø", in a study whose table replaces Tromsø:
    its questions are codes in the .qdpx, and every export stopped ("a bug worth reporting")."""
    guide = study.root / "guides" / "tromso.nb.yaml"
    guide.write_text(SEED_GUIDE_NB.read_text(encoding="utf-8").replace(
        "Hva gjør du dersom du har med en slik bruker å gjøre?",
        "Hva gjør du dersom du har med en slik bruker å gjøre på kontoret i Tromsø?"), encoding="utf-8")
    (study.transcripts_dir / "veileder.txt").write_text(
        "Intervjuer: Hva gjør du når en bruker ikke har pc?\nInformant: Da kommer de til oss i Tromsø.\n",
        encoding="utf-8")
    (study.root / "pseudonyms.yaml").write_text("Tromsø: Byen\n")
    root = ("--project", str(study.root))
    done = run_cli(*root, "export", "veileder", "--guide", str(guide), "--format", "txt,qdpx,report")
    assert done.returncode == 0, done.stderr
    assert run_cli(*root, "export", "--all", "--guide", str(guide)).returncode == 0
    assert run_cli(*root, "matrix", "--guide", str(guide)).returncode == 0
    written = [*(study.transcripts_dir / "exports").iterdir(), *study.transcripts_dir.glob("coverage-matrix.*"),
               *study.transcripts_dir.glob("answers-by-theme.*")]
    assert len(written) == 9
    for path in written:
        text = _written_text(path) if path.suffix in (".qdpx", ".docx") else path.read_text(encoding="utf-8")
        assert "Tromsø" not in text, path.name
    assert "kontoret i Byen" in (study.transcripts_dir / "answers-by-theme.md").read_text(encoding="utf-8")


def test_a_pseudonym_with_slashes_names_a_file_in_the_exports_folder(study, tmp_path):
    """An interview brought in as 'anne.txt' is exported under its pseudonym; "Informant 1/NAV"
    was written through the slash, and "../../../../victim" wrote (and then moved away) a file of
    that name outside the study: one that was there was gone."""
    (study.transcripts_dir / "anne.txt").write_text("Intervjuer: Hei.\nInformant: Hei, jeg heter Anne.\n")
    victim = study.root.parent / "victim.txt"
    victim.write_text("someone else's file")
    root = ("--project", str(study.root))
    for replacement, expected in (("../../../../victim", "victim.txt"), ("Informant 1/NAV", "Informant 1-NAV.txt")):
        (study.root / "pseudonyms.yaml").write_text(f"Anne: {replacement}\n")
        done = run_cli(*root, "export", "anne", "--format", "txt")
        assert done.returncode == 0, done.stderr
        assert victim.read_text() == "someone else's file"
        assert done.stdout.strip() == str(study.transcripts_dir / "exports" / expected)
    assert sorted(p.name for p in (study.transcripts_dir / "exports").iterdir()) == ["Informant 1-NAV.txt", "victim.txt"]


def test_name_suggestions(reviewed_session):
    study, store = reviewed_session
    source = resolve_input(store.session.id, study)
    names = dict(suggest_names(source.transcript))
    assert "Kari Nordmann" in names and "Bodø" in names
    assert "Takk" not in names  # sentence starts are not names
    table = PseudonymTable.load(study.root)
    assert table.apply("Kari Nordmann og kari nordmann i Bodø") == "Informant A og Informant A i Byen"


def test_a_pseudonym_that_is_another_persons_real_name_is_not_replaced_again():
    """Replaced one name after another, "Ingrid: Kari" then "Kari: Mette" made both women Mette;
    pseudonyms that are other people's real names are common practice."""
    table = PseudonymTable({"Ingrid": "Kari", "Kari": "Mette", "Kari Nordmann": "Informant A", "2024": "Year A"})
    assert table.apply("Kari og Ingrids mor, og Kari Nordmann.") == "Mette og Kari's mor, og Informant A."
    long = table.apply("Ingrid og Kari i 2024. " * 7000)  # more names than one mark character can count
    assert long == "Kari og Mette i Year A. " * 7000


def test_a_name_written_by_its_sound_stops_the_export():
    """Whisper writes a name it does not know by its sound: "Carrie said…" for Kari starts a
    sentence (so no undecided name holds the export) and is no near spelling of "Kari"."""
    table = PseudonymTable({"Kari Nordmann": "Informant A", "Bjørn": "Kollega B"})
    text = table.apply("Carrie said it works. Byorn too. Kari's chat, and we carry on.")
    assert [(word, real) for _, word, real in table.leftovers([("", text)])] == [
        ("Carrie", "Kari Nordmann"), ("Byorn", "Bjørn"), ("carry", "Kari Nordmann")]
    table = PseudonymTable({"Kari Nordmann": "Informant A", "Bjørn": "Kollega B", "carry": "carry"})
    assert [word for _, word, _ in table.leftovers([("", text)])] == ["Carrie", "Byorn"]  # a word kept is a word


def test_the_particles_of_a_name_are_no_names_on_their_own():
    """With "Jan van der Berg" and "Maria de la Cruz" in the table, each part was a name: "Der bor
    han" became "Name A bor han", and every Norwegian "der" and "la" stopped the export."""
    table = PseudonymTable({"Jan van der Berg": "Name A", "Maria de la Cruz": "Name B", "kari nordmann": "Name C"})
    text = table.apply("Der bor han. De la det der, sa Jan van der Berg. Berg og Cruz kom. Nordmann også.")
    assert text == "Der bor han. De la det der, sa Name A. Name A og Name B kom. Name C også."
    assert table.leftovers([("", text)]) == []


def test_names_that_start_a_sentence_are_suggested_too():
    """Seen in a walk-through: "… was slow. Ola Hansen from the IT team helped us." — the whole
    name starts a sentence and was never suggested, so it reached the export."""
    lines = ["Yes, the first year was slow. Ola Hansen from the IT team helped us a lot.",
             "Mostly I call them. Before Kari came we had no chat.", "Sigrid said it was fine.",
             "I mostly write. Many do not answer, so many get a letter."]
    transcript = Transcript(segments=[Segment(start=i * 5.0, end=i * 5.0 + 4, speaker="Informant", text=text)
                                      for i, text in enumerate(lines)])
    names = dict(suggest_names(transcript))
    assert names == {"Ola Hansen": 1, "Kari": 1}
    starts = dict(sentence_start_words(transcript))
    assert starts == {"Sigrid": 1}  # "Mostly", "Many" are written in lower case elsewhere; "Yes" a function word


def test_a_name_after_a_title_is_a_name_and_the_title_is_none():
    """Seen in a walk-through: "…the housing office or Dr. Olsen" listed "Dr" as a name to decide
    and "Olsen" only as a word that might just start a sentence; "f.eks. Bodø" the same."""
    transcript = Transcript(segments=[Segment(start=0, end=4, speaker="Informant",
                                              text="I go through the housing office or Dr. Olsen. Mr. Berg helps, "
                                                   "f.eks. Bodø has one. Then we wait.")])
    assert dict(suggest_names(transcript)) == {"Olsen": 1, "Berg": 1, "Bodø": 1}
    assert dict(sentence_start_words(transcript)) == {}  # "Then" is a function word


def test_formats_follow_their_consumers(reviewed_session, tmp_path):
    """Each format as its reader expects it: srt without raw tags, NVivo one row per turn with
    its own timespan notation, MAXQDA in the layout it is known to import, Word in A4 and the
    transcript's language, the notes from the call among the turns."""
    from docx.shared import Mm

    study, store = reviewed_session
    transcript_path = study.transcripts_dir / f"{store.session.id}.json"
    transcript = Transcript.model_validate_json(transcript_path.read_text())
    transcript.segments[0].text += " <viktig> kl. 10:30"
    transcript.segments[2].flags = ["repetition"]
    unsure = transcript.segments[3]
    unsure.checked = False
    unsure.draft_text = None
    unsure.words = [w.model_copy(update={"probability": 0.2}) for w in unsure.words] or unsure.words
    transcript.save(transcript_path)
    store.add_note("informanten ler", call_time=3.0)
    store.add_note("marker", kind="marker", call_time=9.0)
    source = resolve_input(store.session.id, study)
    result = export(source, study.root, tmp_path, ["txt", "docx", "srt", "maxqda", "nvivo", "report", "qdpx"],
                    line_numbers=True)
    files = {p.name.split(".", 1)[1]: p for p in result.files}
    subtitles = list(srt.parse(files["srt"].read_text()))
    assert "‹viktig›" in subtitles[0].content and "<" not in files["srt"].read_text()
    nvivo = [row.split("\t") for row in files["nvivo.txt"].read_text().splitlines()[1:]]
    assert all(re.fullmatch(r"\d\d:\d\d:\d\d-\d\d:\d\d:\d\d", row[0]) for row in nvivo)
    speakers = [row[1] for row in nvivo]
    assert all(a != b for a, b in zip(speakers, speakers[1:])), "one row per turn"
    maxqda = files["maxqda.txt"].read_text()
    assert maxqda.startswith("Transcription for ") and "\n\nIntervjuer\n[00:00:02] - " in maxqda
    assert "kl. 10.30" in maxqda and "10:30" not in maxqda
    document = Document(files["docx"])
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert 'w:val="nb-NO"' in document.styles["Normal"].element.xml
    assert document.core_properties.author == "" and document.core_properties.created.year >= 2026
    assert "lnNumType" in section._sectPr.xml
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Note: informanten ler" in text and "check the audio" in text
    # what Whisper repeated or was unsure of is marked in every format, for checking before quoting
    with zipfile.ZipFile(files["qdpx"]) as project:  # the QDA tools' source text too
        qda_text = next(project.read(n).decode() for n in project.namelist() if n.startswith("sources/"))
        project_xml = project.read("project.qde").decode()
    for name in ("txt", "docx", "srt", "maxqda.txt", "nvivo.txt", "qdpx"):
        content = {"docx": text, "qdpx": qda_text}.get(name) or files[name].read_text()
        assert "[⟳ repeated words: check the audio]" in content, name
        assert "[? unsure words: check the audio]" in content, name
    # …after the words, never inside a coded segment: each coding starts and ends on the words
    for start, end in re.findall(r'startPosition="(\d+)" endPosition="(\d+)"', project_xml):
        coded = qda_text[int(start): int(end)]
        assert coded.strip() == coded and not coded.endswith("check the audio]"), coded
    txt = files["txt"].read_text()
    assert f"Transcript of {store.session.id}.wav" in txt  # an id of digits and dashes is no phone number
    assert "(note: informanten ler)" in txt and "(note: (marker))" in txt
    assert txt.index("(note: informanten ler)") < txt.index("[00:00:0", txt.index("(note: informanten ler)"))
    assert "Notes from the call" in files["coverage.md"].read_text()


def test_qdpx_one_selection_per_coding_notes_and_linked_audio_validate(reviewed_session, tmp_path):
    import numpy as np
    import soundfile as sf

    from interview_tui.export.qdpx import code_name

    study, store = reviewed_session
    store.add_note("viktig poeng", call_time=5.0)
    audio = study.recordings_dir / f"{store.session.id}.wav"
    sf.write(audio, np.zeros((16000, 2), np.float32), 16000)
    source = resolve_input(store.session.id, study)
    path = export(source, study.root, tmp_path, ["qdpx"], audio=audio).files[0]
    with zipfile.ZipFile(path) as archive:
        project = etree.fromstring(archive.read("project.qde"))
        assert any(name.endswith(".wav") for name in archive.namelist())
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert schema.validate(project), schema.error_log
    ns = {"q": "urn:QDA-XML:project:1.0"}
    for selection in project.iterfind(".//q:PlainTextSelection", ns):
        assert len(selection.findall("q:Coding", ns)) == 1
        code = selection.find(".//q:CodeRef", ns).get("targetGUID")
        description = selection.find("q:Description", ns).text
        name = next(c.get("name") for c in project.iterfind(".//q:Code", ns) if c.get("guid") == code)
        assert description.startswith(name.split()[0] + ":")
    notes = project.findall(".//q:Note", ns)
    assert len(notes) == 1 and "viktig poeng" in notes[0].find("q:PlainTextContent", ns).text
    assert project.findall(".//q:SyncPoint", ns)
    long_name = code_name("1.1", "Kan du fortelle om hvordan du går fram for å komme i kontakt med rusmiddelavhengige brukere?")
    assert len(long_name) <= 80 and long_name.endswith("…") and not long_name[:-1].endswith(" ")
    assert long_name[:-1].split()[-1] in "Kan du fortelle om hvordan du går fram for å komme i kontakt med rusmiddelavhengige".split()


QUALCODER = SHARED / "peer-clients" / "qualcoder" / "import_qdpx.py"


@pytest.mark.skipif(not QUALCODER.is_file(), reason="QualCoder's importer lies in ../shared/peer-clients, absent here")
@pytest.mark.skipif(importlib.util.find_spec("PyQt6") is None,
                    reason="QualCoder needs PyQt6, pymupdf, pillow (about 150 MB): pip install them to run this")
def test_qualcoder_imports_the_qdpx_with_every_coding_on_its_text(reviewed_session, tmp_path):
    import json
    import subprocess
    import sys

    study, store = reviewed_session
    store.add_note("viktig poeng", call_time=5.0)
    source = resolve_input(store.session.id, study)
    path = export(source, study.root, tmp_path, ["qdpx"]).files[0]
    out = tmp_path / "loaded.json"
    result = subprocess.run([sys.executable, str(QUALCODER), str(path), str(out)], capture_output=True, text=True,
                            timeout=300, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    loaded = json.loads(out.read_text())
    text = next(iter(loaded["fulltext"].values()))
    codings = loaded["codings"]
    assert codings and all(c["text"] == text[c["start"]: c["end"]] for c in codings)
    # each coding has its own reason as its memo, naming its own code (one description per code)
    assert all(c["memo"] and c["memo"].split(":")[0] == c["code"].split()[0] for c in codings)
    assert "Kari Nordmann" not in text


def test_a_mark_made_during_the_call_reaches_the_qdpx_as_a_coded_segment(reviewed_session, tmp_path):
    """1.3 was never asked in words the check recognises; the researcher marked it during the call
    while 2.1 was being talked about: the turn at that moment is coded 1.3, saying why."""
    study, store = reviewed_session
    transcript = Transcript.model_validate_json((study.transcripts_dir / f"{store.session.id}.json").read_text())
    at = next(s for s in transcript.segments if s.text.startswith("Det skal vi komme tilbake til"))
    store.mark("1.3", "covered", call_time=at.start + 1.5)
    source = resolve_input(store.session.id, study)
    path = export(source, study.root, tmp_path, ["qdpx", "report"]).files[0]
    with zipfile.ZipFile(path) as archive:
        project = etree.fromstring(archive.read("project.qde"))
        text = archive.read(next(n for n in archive.namelist() if n.startswith("sources/"))).decode("utf-8")
    ns = {"q": "urn:QDA-XML:project:1.0"}
    codes = {c.get("guid"): c.get("name").split()[0] for c in project.iterfind(".//q:Code", ns)}
    marked = [(text[int(s.get("startPosition")): int(s.get("endPosition"))], s.findtext("q:Description", "", ns))
              for s in project.findall(".//q:PlainTextSelection", ns)
              if any(codes[r.get("targetGUID")] == "1.3" for r in s.iterfind(".//q:CodeRef", ns))]
    assert any("Det skal vi komme tilbake til" in quote and "researcher's mark" in why for quote, why in marked)
    report = (tmp_path / f"{store.session.id}.coverage.md").read_text()
    assert "You and the check disagree on:** 1.3 (you: covered · check: not covered)" in report


def test_an_export_with_names_nobody_decided_stops_and_says_which(study):
    """No pseudonyms.yaml at all used to export every real name, silently."""
    transcript = Transcript(audio_file="phone.wav", language="en", segments=[
        Segment(start=0.0, end=4.0, speaker="Informant", text="I asked Ola Hansen at the office in Cromwell.")])
    transcript.save(study.transcripts_dir / "phone.json")
    refused = run_cli("--project", str(study.root), "export", str(study.transcripts_dir / "phone.json"), "--format", "txt")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "2 capitalised word(s) that pseudonyms.yaml neither replaces nor keeps: 'Ola Hansen', 'Cromwell'" \
        in refused.stderr
    assert not (study.transcripts_dir / "exports").exists()
    listed = run_cli("--project", str(study.root), "names", str(study.transcripts_dir / "phone.json"))
    assert "Ola Hansen: 1×" in listed.stdout and "Cromwell: 1×" in listed.stdout
    PseudonymTable.load(study.root).decide("Ola Hansen", "Name A")
    PseudonymTable.load(study.root).decide("Cromwell", None)  # kept: not a name, here
    listed = run_cli("--project", str(study.root), "names", str(study.transcripts_dir / "phone.json"))
    assert "every capitalised word is decided in pseudonyms.yaml" in listed.stdout, listed.stdout
    done = run_cli("--project", str(study.root), "export", str(study.transcripts_dir / "phone.json"), "--format", "txt")
    assert done.returncode == 0, done.stderr
    assert "I asked Name A at the office in Cromwell." in (study.transcripts_dir / "exports" / "phone.txt").read_text()


def test_a_name_in_a_note_from_the_call_must_be_decided_too(reviewed_session, tmp_path):
    """Notes typed during the call are exported beside the turns: "Ring Per Olsen på mandag"."""
    from interview_tui.export.service import NamesUndecidedError

    study, store = reviewed_session
    store.add_note("Ring tilbake til Per Olsen på mandag")
    source = resolve_input(store.session.id, study)
    with pytest.raises(NamesUndecidedError) as caught:
        export(source, study.root, tmp_path / "out", ["txt"])
    assert [word for word, _ in caught.value.words] == ["Per Olsen"]
    PseudonymTable.load(study.root).decide("Per Olsen", "Kollega B")
    made = export(resolve_input(store.session.id, study), study.root, tmp_path / "out", ["txt"])
    text = made.files[0].read_text()
    assert "Ring tilbake til Kollega B på mandag" in text and "Olsen" not in text


def test_a_first_name_in_the_table_does_not_decide_the_surname_beside_it():
    table = PseudonymTable({"Kari": "Name A", "Teams": "Teams"})
    assert not table.decides("Kari Nordmann")  # "Name A Nordmann" would leak the surname
    assert table.decides("Kari") and table.decides("Teams")
    table = PseudonymTable({"Kari Nordmann": "Name A"})
    assert table.decides("Kari Nordmann") and table.decides("Nordmann")


def test_a_table_is_read_as_written_not_as_yaml_booleans(tmp_path):
    """"Yes: Yes" and "No: No" (words kept: "…and she said No to…") were read as True and False,
    "On" and "Yes" as one key, and "Null: Name A" replaced every "None" in the exports."""
    (tmp_path / "pseudonyms.yaml").write_text("Yes: Yes\nNo: No\nOn: On\nNull: Name A\n2024: Year A\n")
    table = PseudonymTable.load(tmp_path)
    assert table.kept == {"Yes", "No", "On"} and table.mapping == {"Null": "Name A", "2024": "Year A"}
    assert table.apply("None said No. Null came in 2024.") == "None said No. Name A came in Year A."


@pytest.mark.parametrize("table, line, message", [
    ("Kari Nordmann: Name A\nOla:\nBergen: Town A\n", 2, "'Ola' has no replacement"),
    ("Kari Nordmann: Name A\nTromsø: [Town, B]\n", 2, "'Tromsø' has no replacement"),
    ("- Kari\n- Ola\n", 1, "write one 'Real name: Replacement' per line"),
    ("Kari: Name A\n  Ola: [\n", 2, "not valid YAML"),
])
def test_a_broken_pseudonym_table_is_named_with_its_line(tmp_path, table, line, message):
    from interview_tui.errors import UserError

    (tmp_path / "pseudonyms.yaml").write_text(table, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        PseudonymTable.load(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / 'pseudonyms.yaml'}:{line}: ") and message in str(caught.value)


def test_link_audio_finds_a_recording_brought_from_elsewhere(study, tmp_path):
    """`export --link-audio` of a dictaphone file transcribed where it lies: the transcript knows
    where it was read from (it said "no recording to link")."""
    import numpy as np
    import soundfile as sf

    elsewhere = tmp_path / "downloads" / "phone.wav"
    elsewhere.parent.mkdir()
    sf.write(elsewhere, np.zeros((16000, 1), np.float32), 16000)
    Transcript(audio_file="phone.wav", language="en", settings={"recording_path": str(elsewhere)}, segments=[
        Segment(start=0.1, end=0.9, speaker="Informant", text="It was fine.")]).save(study.transcripts_dir / "phone.json")
    result = run_cli("--project", str(study.root), "export", str(study.transcripts_dir / "phone.json"),
                     "--format", "qdpx", "--link-audio")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(study.transcripts_dir / "exports" / "phone.qdpx") as qdpx:
        assert any(name.startswith("sources/") and name.endswith(".wav") for name in qdpx.namelist())


def test_names_with_letters_beyond_a_z_are_found():
    """Only A–Z and ÆØÅ were read as letters of a name: "Björn Müller", "Östersund", "José" and
    "McDonald" were never asked about, and went into the export as they were said."""
    transcript = Transcript(segments=[Segment(
        start=0, end=9, speaker="Informant",
        text="I worked with Björn Müller in Östersund, then José and Siobhán McDonald took over from Körting.")])
    names = {name for name, _ in suggest_names(transcript)}
    assert {"Björn Müller", "Östersund", "José", "Siobhán McDonald", "Körting"} <= names, names
    decomposed = Transcript(segments=[Segment(start=0, end=9, speaker="Informant",
                                              text=unicodedata.normalize("NFD", "Then Frau Körting came."))])
    assert "Frau Körting" in {name for name, _ in suggest_names(decomposed)}


def test_a_name_in_the_recordings_file_name_or_a_speaker_label_must_be_decided(study):
    """The exports name the recording in their headers: a noScribe file brought in from
    "Intervju med Kari Nordmann.mp3" exported "Transcript of Intervju med Kari Nordmann.mp3",
    though every word of the talk was decided. A typed transcript's "Ola:" is a name too."""
    transcript = Transcript(audio_file="Intervju med Kari Nordmann.mp3", language="nb", segments=[
        Segment(start=0.0, end=4.0, speaker="Intervjuer", text="Hvordan kommer du i kontakt med brukerne?"),
        Segment(start=5.0, end=9.0, speaker="Ola", text="Som regel ringer jeg dem.")])
    path = study.transcripts_dir / "intervju3.json"
    transcript.save(path)
    refused = run_cli("--project", str(study.root), "export", str(path), "--format", "txt")
    assert refused.returncode == 1 and "'Ola', 'Intervju', 'Kari Nordmann'" in refused.stderr, refused.stderr
    (study.root / "pseudonyms.yaml").write_text("Kari Nordmann: Informant C\nOla: Informant C\nIntervju: Intervju\n")
    done = run_cli("--project", str(study.root), "export", str(path), "--format", "txt,md,qdpx")
    assert done.returncode == 0, done.stderr
    for made in (study.transcripts_dir / "exports").iterdir():
        text = zipfile.ZipFile(made).read("project.qde").decode() if made.suffix == ".qdpx" else made.read_text()
        assert "Kari" not in text and "Nordmann" not in text and "Ola" not in text, made.name
    named = study.transcripts_dir / "Per Olsen.json"  # brought in under the informant's name
    transcript.model_copy(update={"audio_file": ""}).save(named)
    refused = run_cli("--project", str(study.root), "export", str(named), "--format", "txt")
    assert refused.returncode == 1 and "'Per Olsen'" in refused.stderr, refused.stderr


def test_a_full_name_after_a_capitalised_sentence_start_is_one_name():
    """Seen in tmux: "Ringer Kari Nordmann i morgen" offered "Kari" and "Nordmann" apart (a run was two
    words at most, "Ringer Kari"), and deciding both as "Name A" exported "Ringer Name A Name A"."""
    transcript = Transcript(audio_file="call.wav", segments=[
        Segment(start=0.0, end=2.0, speaker="Informant", text="vi ringer dem vanligvis."),
        Segment(start=3.0, end=5.0, speaker="note", text="Ringer Kari Nordmann i morgen"),
        Segment(start=6.0, end=9.0, speaker="Informant", text="Jeg snakket med Anne Marie Olsen om det.")])
    assert dict(suggest_names(transcript)) == {"Kari Nordmann": 1, "Anne Marie Olsen": 1}
    table = PseudonymTable({"Kari": "Name A", "Nordmann": "Name A"})
    assert table.apply("Ringer Kari Nordmann i morgen, Nordmanns kontor") == "Ringer Name A i morgen, Name A's kontor"
    assert table.apply("Kari Nordmanns mål") == "Name A's mål"


def test_a_second_export_keeps_the_first_and_its_files_share_one_number(reviewed_session, tmp_path):
    """An earlier export is never overwritten. Numbered file by file, a researcher who had deleted
    the first .docx got a new "X.docx" beside "X-2.txt"; and the app did not say which names it used."""
    study, store = reviewed_session
    first = export(resolve_input(store.session.id, study), study.root, tmp_path / "out", ["txt", "docx", "qdpx"])
    assert not first.kept_earlier
    first.files[1].unlink()  # the .docx, deleted by hand
    second = export(resolve_input(store.session.id, study), study.root, tmp_path / "out", ["txt", "docx", "qdpx"])
    assert second.kept_earlier
    assert {path.name.split(".")[0] for path in second.files} == {first.files[0].name.split(".")[0] + "-2"}
    assert first.files[0].exists() and first.files[2].exists()


def test_an_interview_with_no_recording_is_not_sent_to_be_transcribed(study):
    """The matrix's reason for leaving out a consent-refused call (its recording deleted) and a
    notes-only one was "not transcribed yet … transcribe them": there is nothing to transcribe."""
    from interview_tui.coverage.check import study_inputs

    guide = load_guide(SEED_GUIDE_NB)
    refused = SessionStore.create(study.recordings_dir, guide, pseudonym="Veileder R")
    refused.refuse_consent()
    refused.end()
    SessionStore.create(study.recordings_dir, guide, pseudonym="Veileder N").end()  # notes and marks only
    recorded = SessionStore.create(study.recordings_dir, guide, pseudonym="Veileder T")
    recorded.set_audio(f"{recorded.session.id}.wav", ["interviewer", "informant"], AudioSetup(mic="pulse:1", line="pulse:2"))
    recorded.end()
    left_out: list[str] = []
    assert study_inputs(study, left_out=left_out) == []
    assert "not transcribed yet, so left out: Veileder T — transcribe them" in " ".join(left_out)
    silent = next(line for line in left_out if line.startswith("no recording, so left out: "))
    assert sorted(silent.removeprefix("no recording, so left out: ").split(", ")) == \
        ["Veileder N (notes and marks only)", "Veileder R (consent refused)"]
