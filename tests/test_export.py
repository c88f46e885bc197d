"""Exports read back by real readers: python-docx, webvtt-py, srt, and the REFI-QDA schema."""

from __future__ import annotations

import zipfile

import pytest
import srt
import webvtt
from docx import Document
from lxml import etree

from interview_tui.coverage.check import resolve_input
from interview_tui.export.anonymise import PseudonymTable, suggest_names
from interview_tui.export.service import NamesLeftError, export
from interview_tui.guide.loader import load_guide
from interview_tui.session.store import SessionStore
from interview_tui.model.transcript import Segment, Transcript, Word

from .conftest import SCHEMA, SEED_GUIDE_NB, run_cli
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
    assert "1.3" not in coded  # not covered: no coding
    assert coded["3.4"]  # the researcher's own tag
    assert "Kari Nordmann" not in text and "Informant A" in text


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


def test_name_suggestions(reviewed_session):
    study, store = reviewed_session
    source = resolve_input(store.session.id, study)
    names = dict(suggest_names(source.transcript))
    assert "Kari Nordmann" in names and "Bodø" in names
    assert "Takk" not in names  # sentence starts are not names
    table = PseudonymTable.load(study.root)
    assert table.apply("Kari Nordmann og kari nordmann i Bodø") == "Informant A og Informant A i Byen"
