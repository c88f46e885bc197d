"""Bad inputs and faults: nothing may leak, be lost, or end in a traceback (the robustness issue).

Each case is one a probe of the landed build found failing. Property-based cases use hypothesis;
the bounded campaign here runs in CI, ``benchmarks/robustness.py`` runs the long one and prints a
table of fault class → tries → failures.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import soundfile as sf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interview_tui.core.interview import Interview
from interview_tui.errors import UserError
from interview_tui.guide.loader import load_guide
from interview_tui.session.lock import SessionLocked
from interview_tui.session.store import SessionStore, load_session
from interview_tui.settings import Settings

from .audio_helpers import needs_pulse, wait_for_file_audio
from .conftest import REPO, SEED_GUIDE_NB, run_cli
from .robustness_cases import CLASSES, run_class


def cli(study, *args, timeout=120):
    return run_cli("--project", str(study.root), *args, timeout=timeout)


# --- one writer per session ------------------------------------------------------------------
def test_a_second_writer_is_refused_and_a_dead_ones_lock_is_taken_over(study):
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym="A")
    store.close()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from interview_tui.core.interview import Interview; "
        "from interview_tui.study import Study; from interview_tui.settings import Settings; "
        f"i = Interview.open(Study.at({str(study.root)!r}), {store.session.id!r}, Settings()); "
        "i.mark('1.1', 'covered'); print('held', flush=True); time.sleep(60)")],
        cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(SessionLocked, match=rf"open in another interview-tui \(process {holder.pid}\)"):
            Interview.open(study, store.session.id, Settings())
        refused = cli(study, "record", "--session", store.session.id, "--seconds", "1")
        assert refused.returncode == 1 and "open in another interview-tui" in refused.stderr
        assert "Traceback" not in refused.stderr
        holder.send_signal(signal.SIGKILL)  # a crash: the lock's holder never closes it
        holder.wait()
        taken = Interview.open(study, store.session.id, Settings())
        assert f"took over {store.path.name} from process {holder.pid}" in taken.takeover_note
        assert taken.session.item_state("1.1") == "covered"  # what the dead writer saved is there
        taken.close()
    finally:
        holder.kill()


@pytest.mark.audio
@needs_pulse
def test_two_record_commands_on_one_session_lose_nothing(study):
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym="A")
    store.close()
    first = subprocess.Popen([sys.executable, "-m", "interview_tui", "--project", str(study.root), "record",
                              "--session", store.session.id, "--seconds", "4"], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_file_audio(study.recordings_dir, 0.5)
    second = cli(study, "record", "--session", store.session.id, "--seconds", "2")
    assert second.returncode == 1 and "open in another interview-tui" in second.stderr
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    audio, rate = sf.read(study.recordings_dir / f"{store.session.id}.wav")
    assert len(audio) / rate == pytest.approx(4.0, abs=0.1)


# --- the campaign, bounded for CI -----------------------------------------------------------
@pytest.mark.parametrize("name", list(CLASSES))
def test_campaign_class_has_no_failure(name, tmp_path):
    tries, failures = run_class(name, 200, tmp_path, seed=7)
    assert not failures, f"{len(failures)} of {tries} failed, e.g. {failures[:3]}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=400))
def test_any_text_as_a_guide_is_a_guide_or_file_line_problems(text):
    from interview_tui.errors import GuideError
    from interview_tui.guide.loader import parse_guide_yaml

    try:
        parse_guide_yaml(text, "g.yaml")
    except GuideError as exc:
        assert exc.problems and all(p.startswith("g.yaml:") for p in exc.problems)


@settings(max_examples=150, deadline=None)
@given(data=st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                         lambda children: st.lists(children, max_size=4)
                         | st.dictionaries(st.text(max_size=12), children, max_size=4), max_leaves=30))
def test_any_json_as_a_session_or_transcript_is_read_or_refused(data, tmp_path_factory):
    from interview_tui.model.transcript import load_transcript

    folder = tmp_path_factory.mktemp("json")
    for name, loader in (("x.session.json", load_session), ("t.json", load_transcript)):
        path = folder / name
        path.write_text(json.dumps(data), encoding="utf-8")
        try:
            loader(path)
        except UserError:
            pass


NAME_ALPHABET = st.characters(whitelist_categories=("Lu", "Ll"), max_codepoint=0x24F)


@settings(max_examples=200, deadline=None)
@given(first=st.text(NAME_ALPHABET, min_size=2, max_size=9), last=st.text(NAME_ALPHABET, min_size=2, max_size=12),
       ending=st.sampled_from(["", "s", "'s", "’s"]), nfd=st.booleans())
def test_a_name_in_the_table_never_survives_unnoticed(first, last, ending, nfd):
    import unicodedata

    from interview_tui.export.anonymise import PseudonymTable

    real = f"{first.capitalize()} {last.capitalize()}"
    table = PseudonymTable({real: "Informant A"})
    spoken = unicodedata.normalize("NFD" if nfd else "NFC", f"Vi snakket med {real}{ending} i går.")
    out = table.apply(spoken)
    assert not table.real_names_in(out), (spoken, out)


# --- privacy end to end ----------------------------------------------------------------------
def reviewed_interview(study, *, speaker="Kari Nordmann", text="Kari Nordmann ringte fra Tromsø, tlf 99 88 77 66."):
    from interview_tui.model.transcript import Segment, Transcript

    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym="Informant A")
    transcript = Transcript(audio_file="Kari Nordmann intervju.wav", session_id=store.session.id,
                            speakers=["Interviewer", speaker], segments=[
                                Segment(start=1, end=3, speaker="Interviewer", text="Kan du fortelle om hvordan du kommer i kontakt med brukerne?"),
                                Segment(start=4, end=9, speaker=speaker, text=text)])
    path = study.transcripts_dir / f"{store.session.id}.json"
    transcript.save(path)
    store.set_transcript(path.name)
    (study.root / "pseudonyms.yaml").write_text("Kari Nordmann: Informant A\nTromsø: '[by]'\n", encoding="utf-8")
    return store


def everything_written(folder) -> str:
    import zipfile

    texts = []
    for path in folder.rglob("*"):
        if path.is_file():
            texts.append(path.name)
            if path.suffix in (".docx", ".qdpx"):
                with zipfile.ZipFile(path) as archive:
                    texts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
            else:
                texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(texts)


def test_no_real_name_reaches_any_export(study):
    """Labels, headers, metadata, the .qdpx names and the file names: all anonymised."""
    store = reviewed_interview(study)
    result = cli(study, "export", store.session.id, "--format", "all")
    assert result.returncode == 0, result.stderr
    written = everything_written(study.transcripts_dir / "exports")
    for leaked in ("Kari", "Nordmann", "Tromsø", "Tromso", "99 88 77 66"):
        assert leaked not in written, leaked
    assert "Informant A" in written and "[by]" in written and "[phone number]" in written
    modes = {oct(p.stat().st_mode & 0o777) for p in (study.transcripts_dir / "exports").rglob("*")}
    assert modes <= {"0o600", "0o700"}


def test_a_name_the_table_misses_stops_the_export_with_where_it_is(study):
    store = reviewed_interview(study, text="Karri Nordman sa at Kari (K) ringte.")
    result = cli(study, "export", store.session.id, "--format", "txt,docx,qdpx")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "[00:00:04] Informant A: 'Karri'" in result.stderr and "(K)" in result.stderr
    assert not list((study.transcripts_dir / "exports").glob("*.*")) if (study.transcripts_dir / "exports").exists() else True
    forced = cli(study, "export", store.session.id, "--format", "txt", "--force")
    assert forced.returncode == 0


def test_exports_never_overwrite_and_real_names_are_kept_apart(study):
    store = reviewed_interview(study)
    first = cli(study, "export", store.session.id, "--format", "txt")
    target = study.transcripts_dir / "exports" / f"{store.session.id}.txt"
    target.write_text(target.read_text() + "\nmy own edits\n")
    again = cli(study, "export", store.session.id, "--format", "txt")
    assert first.returncode == again.returncode == 0
    assert "my own edits" in target.read_text()
    assert (study.transcripts_dir / "exports" / f"{store.session.id}-2.txt").is_file()
    plain = cli(study, "export", store.session.id, "--format", "txt", "--no-anonymise")
    assert plain.returncode == 0 and "NOT anonymised" in plain.stderr
    kept_apart = study.transcripts_dir / "exports" / "not-anonymised" / f"{store.session.id}.NOT-ANONYMISED.txt"
    assert kept_apart.read_text().startswith("NOT ANONYMISED")
    assert "Kari Nordmann" in kept_apart.read_text()
    outside = cli(study, "export", store.session.id, "--output", str(study.root.parent / "elsewhere"))
    assert outside.returncode == 1 and "outside the study folder" in outside.stderr
    assert not (study.root.parent / "elsewhere").exists()


def test_folders_are_private_even_under_a_permissive_umask(study):
    store = reviewed_interview(study)
    old = os.umask(0)
    try:
        result = subprocess.run([sys.executable, "-m", "interview_tui", "--project", str(study.root), "export",
                                 store.session.id, "--format", "txt"], cwd=REPO, capture_output=True, text=True)
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    assert oct((study.transcripts_dir / "exports").stat().st_mode & 0o777) == "0o700"


def test_orphaned_temp_files_of_killed_saves_are_cleaned(study):
    orphan = study.recordings_dir / ".x.session.json.abcd.tmp"
    orphan.write_bytes(b"x" * 1000)
    os.utime(orphan, (time.time() - 3600, time.time() - 3600))
    fresh = study.recordings_dir / ".y.session.json.efgh.tmp"  # a save happening now: left alone
    fresh.write_bytes(b"y")
    study.ensure()
    assert not orphan.exists() and fresh.exists()


def test_session_ids_cannot_lead_out_of_the_study(study):
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB))
    data = json.loads(store.path.read_text())
    data["id"] = "../../evil"
    store.path.write_text(json.dumps(data))
    before = sorted(p.name for p in study.root.parent.iterdir())
    for args in (["transcribe", store.path.name], ["record", "--session", str(store.path), "--seconds", "1"],
                 ["export", str(store.path)], ["coverage", str(store.path)]):
        result = cli(study, *args)
        assert result.returncode == 1 and "Traceback" not in result.stderr, args
        assert "not a session id" in result.stderr or "no such" in result.stderr, (args, result.stderr)
    assert sorted(p.name for p in study.root.parent.iterdir()) == before


def test_repeated_yaml_key_is_reported_with_its_line(tmp_path):
    guide = tmp_path / "g.yaml"
    guide.write_text("title: T\nthemes:\n  - title: A\n    questions: [Q1]\n    questions: [Q2]\n", encoding="utf-8")
    result = run_cli("guide", "check", str(guide))
    assert result.returncode == 1 and f"{guide}:5: 'questions' is given twice here (first on line 4)" in result.stderr
