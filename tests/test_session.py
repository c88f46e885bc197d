from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time

import pytest

from interview_tui.guide.loader import load_guide
from interview_tui.session.store import (SessionFileError, SessionStore, find_sessions, finished_sessions,
                                         load_session, unfinished_sessions)

from .conftest import REPO, SEED_GUIDE_NB, run_cli


def test_create_update_reload(study):
    guide = load_guide(SEED_GUIDE_NB)
    store = SessionStore.create(study.recordings_dir, guide, pseudonym="Veileder A",
                                guide_file="nav-digitale-tjenester.nb.yaml")
    assert store.path.parent == study.recordings_dir
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    store.start_clock()
    store.check("briefing", guide.consent_item().id)
    store.mark("1.1", "asked")
    store.mark("1.1", "covered")
    store.mark("3.2", "skipped")
    store.add_note("informanten ler", kind="marker", item_id="1.1")
    again = load_session(store.path)
    assert again == store.session
    assert again.consent == "given"
    assert again.guide_sha256 == guide.sha256() and again.guide == guide
    assert again.item_state("1.1") == "covered"
    assert [m.state for m in again.items["1.1"].history] == ["asked", "covered"]
    assert again.items["1.1"].history[0].source == "interviewer"
    assert again.items["1.1"].history[0].call_time is not None
    assert again.notes[0].call_time is not None and again.notes[0].kind == "marker"
    assert again.counts()["covered"] == 1 and again.counts()["skipped"] == 1


def test_manual_marks_win_over_automatic_and_both_are_kept(study):
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB))
    store.mark("2.1", "covered", source="coverage", score=0.8)
    assert store.session.item_state("2.1") == "covered"
    store.mark("2.1", "skipped")
    store.mark("2.1", "covered", source="coverage", score=0.9)
    assert store.session.item_state("2.1") == "skipped"
    sources = [m.source for m in load_session(store.path).items["2.1"].history]
    assert sources == ["coverage", "interviewer", "coverage"]


def test_undo_takes_back_the_last_manual_mark(study):
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB))
    store.mark("1.1", "asked")
    store.mark("1.2", "covered")
    assert store.undo() == "1.2"
    assert load_session(store.path).item_state("1.2") == "not_yet"
    assert store.undo() == "1.1"
    assert store.undo() is None


def test_unknown_item_is_rejected(study):
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB))
    with pytest.raises(KeyError):
        store.mark("9.9", "covered")


def test_unfinished_session_is_found_and_resumed(study):
    guide = load_guide(SEED_GUIDE_NB)
    done = SessionStore.create(study.recordings_dir, guide, pseudonym="A")
    done.end()
    open_store = SessionStore.create(study.recordings_dir, guide, pseudonym="B")
    open_store.mark("1.1", "covered")
    unfinished = unfinished_sessions(study.recordings_dir)
    assert [s.pseudonym for _, s in unfinished] == ["B"]
    resumed = SessionStore.open(unfinished[0][0])
    assert resumed.session.item_state("1.1") == "covered"
    resumed.mark("1.2", "asked")
    assert load_session(open_store.path).item_state("1.2") == "asked"


def test_set_up_checks_are_not_offered_to_resume_and_come_after_the_interviews(study):
    """Three `record --seconds 10` checks before the first call showed as three interviews of
    "Informant" on the start screen, and a check cut off by Ctrl+Z was offered to resume."""
    guide = load_guide(SEED_GUIDE_NB)
    cut_off = SessionStore.create(study.recordings_dir, guide, setup_check=True)
    check = SessionStore.create(study.recordings_dir, guide, setup_check=True)
    check.end()
    interview = SessionStore.create(study.recordings_dir, guide, pseudonym="Kari")
    interview.end()
    assert unfinished_sessions(study.recordings_dir) == []
    finished = finished_sessions(study.recordings_dir)
    assert [(s.pseudonym, s.setup_check) for _, s in finished] == [("Kari", False), ("Informant", True)]
    assert load_session(cut_off.path).setup_check


def test_damaged_session_file_gives_clear_error_and_is_not_overwritten(study):
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB))
    damaged = store.path.read_text()[:-40] + "\n"
    store.path.write_text(damaged)
    with pytest.raises(SessionFileError) as caught:
        load_session(store.path)
    message = str(caught.value)
    assert str(store.path) in message and "damaged" in message and "not changed" in message
    assert store.path.read_text() == damaged
    listed = find_sessions(study.recordings_dir)
    assert listed[0][1] is None and "damaged" in listed[0][2]
    hand_edited = json.loads(json.dumps({"format": "interview-tui/session", "guide": 3}))
    store.path.write_text(json.dumps(hand_edited))
    with pytest.raises(SessionFileError, match="does not match the expected format"):
        load_session(store.path)


WRITER = r"""
import sys
from interview_tui.guide.loader import load_guide
from interview_tui.session.store import SessionStore
store = SessionStore.open(sys.argv[1])
print("ready", flush=True)
n = 0
while True:
    n += 1
    store.add_note("x" * 2000 + str(n))
"""


def test_session_file_survives_kill_minus_9_mid_write(study):
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB))
    for attempt in range(8):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(store.path)], cwd=REPO,
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.05 + attempt * 0.037)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        session = load_session(store.path)  # never a mix: always valid JSON of one state
        notes = session.notes
        assert all(note.text.startswith("x" * 2000) for note in notes)
    assert len(notes) > 0
    leftovers = [p for p in study.recordings_dir.iterdir() if p.name.endswith(".tmp")]
    # A killed writer may leave its temp file; it never replaces the session file.
    assert all(p.name.startswith(".") for p in leftovers)


def test_core_never_imports_textual():
    import pkgutil

    import interview_tui

    modules = [m.name for m in pkgutil.walk_packages(interview_tui.__path__, "interview_tui.")
               if not m.name.startswith("interview_tui.ui") and not m.name.endswith("__main__")]
    assert len(modules) > 10
    code = ("import importlib, sys\n"
            f"for name in {modules!r}:\n    importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_cli_sessions_lists_unfinished(study):
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym="Veileder C")
    result = run_cli("--project", str(study.root), "sessions")
    assert result.returncode == 0, result.stderr
    assert store.session.id in result.stdout and "unfinished" in result.stdout


def test_cli_sessions_says_why_an_interview_has_no_recording(study):
    """A consent-refused call (its recording deleted) was listed as "ended" with audio "—", like a
    file gone missing; each says why it has none."""
    guide = load_guide(SEED_GUIDE_NB)
    refused = SessionStore.create(study.recordings_dir, guide, pseudonym="Veileder R")
    refused.refuse_consent()
    refused.end()
    SessionStore.create(study.recordings_dir, guide, pseudonym="Veileder N").end()
    result = run_cli("--project", str(study.root), "sessions", env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    rows = {line.split("│")[2].strip(): line for line in result.stdout.splitlines() if "Veileder" in line}
    assert "ended" in rows["Veileder R"] and "none (consent refused)" in rows["Veileder R"]
    assert "none (notes and marks only)" in rows["Veileder N"] and "consent" not in rows["Veileder N"]


def test_accepting_a_suggestion_for_an_item_the_guide_lacks_is_refused_with_the_reason(study):
    from interview_tui.errors import UserError
    from interview_tui.session.model import LiveSuggestion

    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB))
    store.add_suggestion(LiveSuggestion(item_id="9.9", call_time=3.0, text="…"))  # a hand-edited file
    with pytest.raises(UserError, match="'9.9', which the session's guide does not have"):
        store.decide_suggestion(0, True)
    assert store.decide_suggestion(0, False).decision == "rejected"
    assert "9.9" not in store.session.items
