"""An interview started by mistake and left stayed on the start screen's resume list for good:
Delete (on the resume list) discards it when it holds nothing, and refuses (deleting nothing) when it holds anything."""

from __future__ import annotations

import subprocess
import sys

import pytest

from interview_tui.core.interview import discard_false_start
from interview_tui.errors import UserError
from interview_tui.guide.loader import load_guide
from interview_tui.session.store import SessionStore, unfinished_sessions
from interview_tui.settings import Settings
from interview_tui.ui.app import InterviewApp
from interview_tui.ui.screens.start import StartScreen

from .conftest import REPO, SEED_GUIDE_NB


def _started(study, pseudonym: str) -> SessionStore:
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym=pseudonym)
    store.start_clock()
    return store


def test_only_an_interview_that_holds_nothing_is_discarded(study):
    empty = _started(study, "Veileder A")
    empty.check("briefing", empty.session.guide.consent_item().id, True)  # ticks are not data
    marked = _started(study, "Veileder B")
    marked.mark("1.1", "covered")
    noted = _started(study, "Veileder C")
    noted.add_note("rang back later")
    recorded = _started(study, "Veileder D")
    (recorded.folder / f"{recorded.session.id}.wav").write_bytes(b"RIFF")  # a recording on disk
    ended = _started(study, "Veileder E")
    ended.end()

    assert "Discarded Veileder A" in discard_false_start(empty.path)
    assert not empty.path.exists() and not list(study.recordings_dir.glob(f"{empty.session.id}*"))
    for store, held in ((marked, "holds marks"), (noted, "holds notes"), (recorded, "holds a recording"),
                        (ended, "was ended")):
        with pytest.raises(UserError, match=held):
            discard_false_start(store.path)
        assert store.path.exists()
    assert sorted(s.pseudonym for _, s in unfinished_sessions(study.recordings_dir)) == \
        ["Veileder B", "Veileder C", "Veileder D"]


def test_an_interview_open_in_another_window_is_not_discarded(study):
    """The app in another terminal holds it (a call going on): refused, naming that process."""
    other = _started(study, "Veileder F")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from interview_tui.session.store import SessionStore\n"
        "store = SessionStore.open(sys.argv[1]); store.claim(); print('held', flush=True); time.sleep(60)"),
        str(other.path)], stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(UserError, match=str(holder.pid)):
            discard_false_start(other.path)
        assert other.path.exists()
    finally:
        holder.kill()
        holder.wait()


async def test_delete_on_the_resume_list_discards_a_false_start_and_refuses_one_with_marks(study):
    marked = _started(study, "Veileder M")
    marked.mark("1.1", "covered")
    empty = _started(study, "Veileder Tom")
    app = InterviewApp(study, Settings(), audio=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        listed = app.screen.query_one("#resume-list")
        listed.focus()
        ids = [listed.get_option_at_index(i).id for i in range(listed.option_count)]
        listed.highlighted = ids.index(str(empty.path))
        await pilot.press("delete")
        await pilot.pause()
        assert not empty.path.exists()
        assert any("Discarded Veileder Tom" in str(n.message) for n in app._notifications)
        assert listed.option_count == 1
        await pilot.press("delete")  # the one with a mark
        await pilot.pause()
        assert marked.path.exists() and listed.option_count == 1
        assert any("holds marks" in str(n.message) and "Ctrl+R" in str(n.message) for n in app._notifications)
