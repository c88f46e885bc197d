"""SVG snapshots of the four screens at 80×24 and 120×40 (pytest-textual-snapshot).

Deterministic: no audio (the start screen then offers notes only), and a session with a fixed id
and times. Update with `pytest tests/test_snapshots.py --snapshot-update` after looking at the
report."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from interview_tui.guide.loader import load_guide
from interview_tui.session.store import SessionStore
from interview_tui.core.interview import Interview
from interview_tui.settings import Settings
from interview_tui.ui.app import InterviewApp
from interview_tui.ui.screens.briefing import BriefingScreen
from interview_tui.ui.screens.conduct import ConductScreen
from interview_tui.ui.screens.summary import SummaryScreen

from .conftest import SEED_GUIDE_NB

SIZES = [(80, 24), (120, 40)]
START = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def fixed_study(study):
    # the snapshot must not depend on where pytest put the study
    return study


def app_with_session(study, phase: str | None):
    app = InterviewApp(study, Settings(), audio=False)
    if phase is None:
        return app
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym="Veileder A",
                                guide_file=SEED_GUIDE_NB.name)
    store.session.id = "20261127-1000-abcd"
    store.check("briefing", "B1")
    store.check("briefing", "B3")
    for item_id, state in [("1.1", "covered"), ("1.1.a", "covered"), ("1.2", "asked"), ("2.3", "skipped")]:
        store.mark(item_id, state)
    store.add_note("informanten ler", item_id="1.1")
    store.session.current_item = "1.2"
    if phase == "ended":
        store.session.started_at = START
        store.session.ended_at = START + timedelta(minutes=47, seconds=12)
    app.interview = Interview(study, store, Settings())
    app.interview.rec_state = app.rec_state = "none"
    return app


async def _open(pilot, screen_class):
    pilot.app.switch_screen(screen_class())
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.3)  # let every refresh land, however busy the machine


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_start_screen(snap_compare, study, size):
    assert snap_compare(app_with_session(study, None), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_briefing_screen(snap_compare, study, size):
    assert snap_compare(app_with_session(study, "briefing"), terminal_size=size,
                        run_before=lambda pilot: _open(pilot, BriefingScreen))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_conduct_screen(snap_compare, study, size):
    assert snap_compare(app_with_session(study, "conduct"), terminal_size=size,
                        run_before=lambda pilot: _open(pilot, ConductScreen))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_summary_screen(snap_compare, study, size):
    assert snap_compare(app_with_session(study, "ended"), terminal_size=size,
                        run_before=lambda pilot: _open(pilot, SummaryScreen))


def app_in_review(study):
    from interview_tui.model.transcript import Segment, Transcript, Word

    app = app_with_session(study, "ended")
    store = app.interview.store
    store.path.unlink()
    store.path = study.recordings_dir / f"{store.session.id}.session.json"  # the fixed id, on disk too
    texts = [("Interviewer", "Kan du fortelle om hvordan du går fram for å komme i kontakt med brukerne dine, "
                             "særlig de rusmiddelavhengige, første gang?"),
             ("Informant", "Som regel ringer jeg dem. Mange svarer ikke, så da sender jeg en melding i "
                           "aktivitetsplanen, og noen ganger går jeg innom der de bor."),
             ("Interviewer", "Hvilke digitale tjenester er mest vanlig å bruke?"),
             ("Informant", "Chatten i aktivitetsplanen og skriv til oss.")]
    segments = []
    for index, (speaker, text) in enumerate(texts):
        start = 2.0 + index * 9
        words = [Word(word=" " + w, start=start + i * 0.3, end=start + i * 0.3 + 0.25,
                      probability=0.3 if (index, i) == (1, 4) else 0.9) for i, w in enumerate(text.split())]
        segments.append(Segment(start=start, end=words[-1].end, speaker=speaker, text=text, words=words,
                                channel=0 if speaker == "Interviewer" else 1))
    segments[3].flags = ["repetition"]
    segments[2].tags = ["1.2"]
    path = study.transcripts_dir / f"{store.session.id}.json"
    Transcript(session_id=store.session.id, segments=segments, speakers=["Interviewer", "Informant"]).save(path)
    store.set_transcript(path.name)
    return app


async def _open_review(pilot):
    pilot.app.push_screen(pilot.app.review_screen(pilot.app.interview.session.id))
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.5)  # the coverage panel fills from a worker


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_review_screen(snap_compare, study, size):
    assert snap_compare(app_in_review(study), terminal_size=size, run_before=_open_review)
