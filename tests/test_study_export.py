"""Every interview of a study in one .qdpx: validated against the REFI-QDA schema, read back by
QualCoder's own importer where it is installed, and held to the same name checks as any export."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zipfile

import pytest
from lxml import etree

from interview_tui.guide.loader import load_guide
from interview_tui.model.transcript import Segment, Transcript, Word
from interview_tui.session.store import SessionStore

from .conftest import SCHEMA, SEED_GUIDE_NB, SHARED, run_cli
from .devset import load_devset

NS = {"q": "urn:QDA-XML:project:1.0"}
QUALCODER = SHARED / "peer-clients" / "qualcoder" / "import_qdpx.py"


def transcribed_session(study, devset_name: str, pseudonym: str, real_name: str) -> SessionStore:
    """A session of the seed guide with the transcript of a dev-set interview; ``real_name`` is said
    in its second turn."""
    interview = next(i for i in load_devset() if i.name == devset_name)
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym=pseudonym)
    segments, clock = [], 2.0
    for who, text in interview.turns:
        words = [Word(word=" " + w, start=clock + i * 0.4, end=clock + i * 0.4 + 0.3, probability=0.9)
                 for i, w in enumerate(text.split())]
        segments.append(Segment(start=clock, end=words[-1].end, speaker="Intervjuer" if who == "I" else "Informant",
                                text=text, words=words, channel=0 if who == "I" else 1))
        clock = words[-1].end + 0.8
    segments[1].text = f"{real_name} heter jeg. " + segments[1].text
    transcript = Transcript(audio_file=f"{store.session.id}.wav", session_id=store.session.id, model="base",
                            language="no", speakers=["Intervjuer", "Informant"], segments=segments)
    transcript.save(study.transcripts_dir / f"{store.session.id}.json")
    store.set_transcript(f"{store.session.id}.json")
    return store


@pytest.fixture
def two_interviews(study):
    first = transcribed_session(study, "nb-seed-1", "Veileder A", "Kari Nordmann")
    second = transcribed_session(study, "nb-seed-2", "Veileder B", "Ola Hansen")
    return study, first, second


def test_every_interview_in_one_qdpx_coded_by_the_guide(two_interviews):
    study, first, second = two_interviews
    refused = run_cli("--project", str(study.root), "export", "--all")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.count("\n") == 1  # one line, every interview's undecided words in it
    assert "Veileder A: 'Kari Nordmann'" in refused.stderr and "Veileder B: 'Ola Hansen'" in refused.stderr
    assert not (study.transcripts_dir / "exports" / "all-interviews.qdpx").exists()  # nothing half-written
    (study.root / "pseudonyms.yaml").write_text("Kari Nordmann: Informant A\nOla Hansen: Informant B\n",
                                                encoding="utf-8")
    made = run_cli("--project", str(study.root), "export", "--all")
    assert made.returncode == 0, made.stderr
    path = study.transcripts_dir / "exports" / "all-interviews.qdpx"
    assert made.stdout.strip() == str(path)
    with zipfile.ZipFile(path) as archive:
        project = etree.fromstring(archive.read("project.qde"))
        texts = {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.startswith("sources/")}
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert schema.validate(project), schema.error_log
    assert sorted(c.get("name") for c in project.iterfind(".//q:Case", NS)) == ["Veileder A", "Veileder B"]
    sources = project.findall(".//q:TextSource", NS)
    assert len(sources) == 2 and len(project.findall(".//q:CodeBook//q:Code", NS)) == 34  # the codes once
    codes = {c.get("guid"): c.get("name").split()[0] for c in project.iterfind(".//q:Code", NS)}
    for source in sources:
        text = texts["sources/" + source.get("plainTextPath").removeprefix("internal://")]
        coded = {codes[s.find(".//q:CodeRef", NS).get("targetGUID")]
                 for s in source.iterfind("q:PlainTextSelection", NS)}
        assert {"1.1", "1.2"} <= coded  # both interviews asked them: each coded in its own source
        assert "Nordmann" not in text and "Hansen" not in text and "Informant" in text
    again = run_cli("--project", str(study.root), "export", "--all")  # an earlier one is never overwritten
    assert again.returncode == 0 and again.stdout.strip().endswith("all-interviews-2.qdpx")
    both = run_cli("--project", str(study.root), "export", first.session.id, "--all")
    assert both.returncode == 1 and "leave out" in both.stderr
    formats = run_cli("--project", str(study.root), "export", "--all", "--format", "txt")  # not silently ignored
    assert formats.returncode == 1 and "--format is for one interview's export" in formats.stderr


@pytest.mark.skipif(not QUALCODER.is_file(), reason="QualCoder's importer lies in ../shared/peer-clients, absent here")
@pytest.mark.skipif(importlib.util.find_spec("PyQt6") is None,
                    reason="QualCoder needs PyQt6, pymupdf, pillow (about 150 MB): pip install them to run this")
def test_qualcoder_imports_the_studys_qdpx_with_both_interviews_coded(two_interviews, tmp_path):
    study, _, _ = two_interviews
    (study.root / "pseudonyms.yaml").write_text("Kari Nordmann: Informant A\nOla Hansen: Informant B\n",
                                                encoding="utf-8")
    made = run_cli("--project", str(study.root), "export", "--all")
    assert made.returncode == 0, made.stderr
    out = tmp_path / "loaded.json"
    result = subprocess.run([sys.executable, str(QUALCODER), made.stdout.strip(), str(out)], capture_output=True,
                            text=True, timeout=300, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    loaded = json.loads(out.read_text())
    assert len(loaded["fulltext"]) == 2
    codings = loaded["codings"]
    assert codings and all(c["memo"].split(":")[0] == c["code"].split()[0] for c in codings)
    texts = loaded["fulltext"]  # by source id: each coding exactly on the text of its own interview
    assert all(c["text"] == texts[str(c["source"])][c["start"]: c["end"]] for c in codings)
    assert len({c["source"] for c in codings}) == 2  # both interviews coded
