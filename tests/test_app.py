"""The conduct app, driven with Textual's Pilot; asserting on the session file, not the screen."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import pytest
from textual.widgets import Button

from interview_tui.session.store import load_session, unfinished_sessions
from interview_tui.ui.app import InterviewApp
from interview_tui.ui.screens.briefing import BriefingScreen
from interview_tui.ui.screens.conduct import ConductScreen
from interview_tui.ui.screens.debriefing import DebriefingScreen
from interview_tui.ui.screens.start import StartScreen
from interview_tui.ui.screens.summary import SummaryScreen
from interview_tui.settings import Settings

from .audio_helpers import needs_pulse


def rendered(renderable) -> str:
    from rich.console import Console

    console = Console(record=True, width=120)
    console.print(renderable)
    return console.export_text()


def make_app(study, audio=False):
    return InterviewApp(study, Settings(), audio=audio)


def session_file(study):
    files = list(study.recordings_dir.glob("*.session.json"))
    assert len(files) == 1
    return files[0]


async def start_interview(pilot, pseudonym="Veileder A"):
    await pilot.pause()
    await pilot.click("#pseudonym")
    await pilot.press(*pseudonym)
    await pilot.press("ctrl+s")
    await pilot.pause()


async def give_consent(pilot):
    app = pilot.app
    consent = app.store.session.guide.consent_item().id
    index = [i.id for i in app.store.session.guide.briefing].index(consent)
    for _ in range(index):
        await pilot.press("down")
    await pilot.press("space")
    await pilot.pause()


async def to_the_guide(pilot):
    """Start an interview, tick consent, open the guide: the way into the conduct screen."""
    await start_interview(pilot)
    await give_consent(pilot)
    await pilot.press("ctrl+n")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ConductScreen)


async def go_to(pilot, item_id):
    pilot.app.screen.query_one("#guide-tree").select_item(item_id)
    await pilot.pause()


async def test_consent_gate(study):
    app = make_app(study)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_interview(pilot)
        assert isinstance(app.screen, BriefingScreen)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)  # the guide stays closed without consent
        await give_consent(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ConductScreen)
    session = load_session(session_file(study))
    assert session.pseudonym == "Veileder A" and session.consent == "given" and session.phase == "conduct"
    consent = session.guide.consent_item().id
    assert session.briefing[consent].done and session.briefing[consent].call_time is not None


async def test_marking_out_of_order_undo_and_notes(study):
    app = make_app(study)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_the_guide(pilot)
        await go_to(pilot, "3.2")   # the informant answered a later question first
        await pilot.press("c")
        await go_to(pilot, "1.1")
        await pilot.press("a")
        await pilot.press("x")
        await pilot.press("u")       # the skip was a slip
        await go_to(pilot, "1.1.b")
        await pilot.press("c")
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"ler, presiserer spørsmålet")
        await pilot.press("enter")
        await pilot.press("m")
        await pilot.pause()
        session = load_session(session_file(study))  # autosaved, before any ending
    assert session.item_state("3.2") == "covered"
    assert session.item_state("1.1") == "asked"
    assert [m.state for m in session.items["1.1"].history] == ["asked"]
    assert session.item_state("1.1.b") == "covered"
    assert all(m.source == "interviewer" for r in session.items.values() for m in r.history)
    note = next(n for n in session.notes if n.kind == "note")
    assert note.text == "ler, presiserer spørsmålet" and note.item_id == "1.1.b" and note.call_time is not None
    assert any(n.kind == "marker" for n in session.notes)
    assert session.current_item == "1.1.b"


async def test_a_long_question_leaves_the_answer_buttons_on_an_80x24_screen(study):
    """Seen in tmux: five must-cover questions in full pushed Yes/No below the screen's edge."""
    from interview_tui.ui.dialogs.confirm import ConfirmDialog

    app = make_app(study)
    async with app.run_test(size=(80, 24)) as pilot:
        question = "5 must-cover question(s) are still open:\n" + "\n".join(
            f"  ★ 1.{n} Kan du fortelle om hvordan du går fram for å komme i kontakt med brukere? Og utover?"
            for n in range(1, 8)) + "\n\nGo to the debriefing anyway?"
        answers = []
        app.push_screen(ConfirmDialog(question), answers.append)
        await pilot.pause()
        for button in app.screen.query(Button):
            assert button.region.height > 0 and app.screen.region.contains_region(button.region), button.id
        await pilot.click("#yes")
        await pilot.pause()
        assert answers == [True]


async def test_the_status_line_says_which_channel_was_lost_and_what_to_press(study):
    """The whole warning did not fit the status line: "input device" was all it showed."""
    from interview_tui.record.events import RecorderWarning
    from interview_tui.ui.messages import RecorderWarned

    app = make_app(study)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_the_guide(pilot)
        app.post_message(RecorderWarned(RecorderWarning(
            "device_lost", "input device 'softphone.monitor' is gone from the sound server (its program closed, or "
            "the headset was unplugged?) — its channel is silent from here", "informant", 61.0)))
        await pilot.pause(0.7)
        shown = str(app.screen.query_one("#rec-warning").render())
        assert shown == "✕ informant channel lost — Ctrl+R reconnects"
        app.post_message(RecorderWarned(RecorderWarning(
            "silence", "informant: silent for 20 s — has the line dropped or the adapter come loose?", "informant")))
        await pilot.pause(0.7)
        assert str(app.screen.query_one("#rec-warning").render()) == "informant: silent for 20 s"


async def test_ending_gives_a_summary_and_closes_the_session(study):
    app = make_app(study)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_the_guide(pilot)
        await pilot.press("c")
        await pilot.press("ctrl+e")  # must-cover questions are still open: it asks first
        await pilot.pause()
        assert "must-cover question(s) are still open" in str(app.screen.query_one(".dialog-text").render())
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ConductScreen)
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, DebriefingScreen)
        await pilot.press("space")
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        summary = rendered(app.screen.summary_text())
        assert "Veileder A" in summary
    session = load_session(session_file(study))
    assert session.ended and session.phase == "ended"
    assert session.debriefing["D1"].done
    assert unfinished_sessions(study.recordings_dir) == []
    # The next day: the interview is there to transcribe, review and export, without the CLI.
    later = make_app(study)
    async with later.run_test(size=(100, 40)) as pilot:
        earlier = later.screen.query_one("#earlier-list")
        assert "Veileder A" in str(earlier.get_option_at_index(0).prompt) and "no recording" in \
            str(earlier.get_option_at_index(0).prompt)
        earlier.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(later.screen, SummaryScreen) and later.store.session.id == session.id
        assert "Veileder A" in rendered(later.screen.summary_text())


async def test_keys_help_lists_the_screens_keys(study):
    app = make_app(study)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_the_guide(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = rendered(app.screen.help_table())
        assert "Covered" in text and "Undo" in text and "Marker" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConductScreen)


async def test_no_audio_device_goes_on_without_recording(study):
    app = make_app(study, audio=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "without recording" in app.screen.audio_note
        await start_interview(pilot)
        assert app.rec_state == "none"
    assert load_session(session_file(study)).audio_files == []


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed: use ./scripts/test.sh")
def test_resume_after_the_app_is_killed(study):
    """The app in a real terminal (tmux), killed with SIGKILL mid-interview, then resumed."""
    name = f"it{os.getpid()}"
    env = f"cd {study.root} && exec {sys.executable} -m interview_tui --project {study.root}"
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "100", "-y", "30", env], check=True)
    try:
        def keys(*k, wait=0.6):
            subprocess.run(["tmux", "send-keys", "-t", name, *k], check=True)
            time.sleep(wait)

        time.sleep(3)
        keys("Kari", "C-s", wait=1.5)
        keys("Down", "Down", "Space", "C-n", wait=1.5)
        keys("c", "Down", "Down", "a")
        pid = int(subprocess.run(["tmux", "display-message", "-p", "-t", name, "#{pane_pid}"],
                                 capture_output=True, text=True).stdout)
        os.kill(pid, signal.SIGKILL)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
    before = load_session(session_file(study))
    assert before.consent == "given" and before.item_state("1.1") == "covered" and not before.ended
    marked = {k: v.state for k, v in before.items.items()}
    assert len(marked) == 2

    async def resume():
        app = make_app(study)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, StartScreen)
            await pilot.press("ctrl+r")  # the unfinished interview is the highlighted one
            await pilot.pause()
            assert isinstance(app.screen, ConductScreen)
            assert app.store.session.id == before.id
            await pilot.press("x")
            await pilot.pause()

    import asyncio

    asyncio.run(resume())
    after = load_session(session_file(study))
    assert {k: after.item_state(k) for k in marked}.items() >= {k: v for k, v in marked.items() if k != after.current_item}.items()
    assert after.item_state(after.current_item) == "skipped"
    assert after.notes[: len(before.notes)] == before.notes


@pytest.mark.audio
@needs_pulse
async def test_end_to_end_with_real_audio(study, tmp_path):
    """PulseAudio plays a scripted exchange into the phone sink while the app records it."""
    import numpy as np
    import soundfile as sf

    from .audio_helpers import best_lag, envelope, play
    from .speech_fixtures import ENGLISH_INTERVIEW, speak_interview

    spoken = speak_interview(ENGLISH_INTERVIEW[:2], tmp_path, stereo=False)
    app = InterviewApp(study, Settings(), audio=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_the_guide(pilot)
        deadline = time.monotonic() + 15
        while (app.recorder is None or app.recorder.position < 1.0) and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert app.rec_state == "rec"
        player = play(spoken.path, wait=False)
        while player.poll() is None:
            await pilot.pause(0.2)
        await pilot.press("c")
        await pilot.press("m")
        await pilot.press("p")  # pause: the REC state says so, no audio is kept meanwhile
        await pilot.pause(0.3)
        assert app.rec_state == "paused"
        await pilot.pause(1.0)
        await pilot.press("p")
        await pilot.pause(0.3)
        assert app.rec_state == "rec"
        await pilot.press("ctrl+e")  # must-cover questions still open: confirm the debriefing
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, DebriefingScreen)
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause(0.5)
        assert isinstance(app.screen, SummaryScreen)
    session = load_session(session_file(study))
    wav = study.recordings_dir / session.audio_files[0]
    data, rate = sf.read(wav, dtype="float32")
    stopped = next(n for n in session.notes if n.text.startswith("recording stopped"))
    assert abs(len(data) / rate - stopped.call_time) < 0.3  # call times are audio times
    marker = next(n for n in session.notes if n.kind == "marker")
    assert 0 < marker.call_time <= len(data) / rate
    paused = next(n for n in session.notes if n.kind == "pause")
    resumed = next(n for n in session.notes if n.kind == "resume")
    assert resumed.call_time - paused.call_time < 0.3  # the paused second is not in the file
    played, played_rate = sf.read(spoken.path, dtype="float32")
    lag, corr = best_lag(envelope(played, played_rate), envelope(data, rate))
    assert corr > 0.8
    assert session.items["1.1"].history[0].call_time >= lag * 0.01  # marked after the question was heard
    assert np.isfinite(data).all()


@pytest.mark.audio
@needs_pulse
async def test_refused_consent_deletes_the_recording(study):
    app = InterviewApp(study, Settings(), audio=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_interview(pilot)
        deadline = time.monotonic() + 15
        while (app.recorder is None or app.recorder.position < 0.5) and time.monotonic() < deadline:
            await pilot.pause(0.1)
        wav = app.recorder.path
        assert wav.exists()
        await pilot.press("ctrl+x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause(0.5)
        assert isinstance(app.screen, StartScreen)
    assert not wav.exists()
    session = load_session(session_file(study))
    assert session.consent == "refused" and session.ended and session.audio_files == []


def shown(app) -> str:
    return "\n".join(notification.message for notification in app._notifications)


async def test_a_failing_background_job_is_shown_with_what_to_do(study):
    """No silent failure: any worker that raises reaches the user and the session's notes."""
    app = make_app(study)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_the_guide(pilot)

        def broken_job():
            raise RuntimeError("the disk went away")

        worker = app.run_worker(broken_job, thread=True, exit_on_error=False, group="transcribe",
                                description="Transcription")
        while not worker.is_finished:
            await pilot.pause(0.05)
        await pilot.pause()
        assert "Transcription failed: RuntimeError: the disk went away" in shown(app)
        assert "run `interview-tui transcribe`" in shown(app)
        assert app.is_running
    notes = [n.text for n in load_session(session_file(study)).notes if n.kind == "event"]
    assert any("the disk went away" in text for text in notes)


@pytest.mark.audio
@needs_pulse
async def test_a_recording_that_cannot_continue_says_why(study):
    """Failure 6: a failed start showed only "NOT RECORDING". The reason and what to do are shown."""
    from interview_tui.core.interview import Interview
    from interview_tui.session.model import AudioSetup

    interview = Interview.new(study, study.default_guide(), Settings(), pseudonym="Veileder A")
    interview.store.set_audio(f"{interview.session.id}.wav", ["mixed"], AudioSetup(mic="pulse:1"))
    interview.recording_path.mkdir()  # the recording is not a file any more: it cannot be continued
    app = make_app(study, audio=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.rec_state == "none"
        assert "NOT RECORDING" in shown(app) and "cannot continue this recording" in shown(app)
        assert "Is a directory" in shown(app) and "start a new session" in shown(app)


async def test_transcribing_a_reviewed_interview_again_asks_and_writes_a_new_version(study):
    """The CLI refuses to overwrite a reviewed transcript and names --new-version, a flag the app
    has no place for: the summary asks instead, and writes the new version beside it."""
    import numpy as np
    import soundfile as sf

    from interview_tui.model.transcript import Segment, Transcript
    from interview_tui.session.model import AudioSetup

    app = make_app(study)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_the_guide(pilot)
        interview = app.interview
        sf.write(interview.recording_path, np.zeros((16000, 2), np.float32), 16000)
        interview.store.set_audio(interview.recording_path.name, ["interviewer", "informant"],
                                  AudioSetup(mic="pulse:1", line="pulse:2"))
        Transcript(session_id=interview.session.id, review_edits=1, segments=[
            Segment(start=0, end=1, speaker="Interviewer", text="checked", checked=True)]).save(
            study.transcripts_dir / f"{interview.session.id}.json")
        app.end_session()
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("t")
        await pilot.pause()
        assert "was reviewed (1 segment(s)" in str(app.screen.query_one(".dialog-text").render())
        await pilot.press("n")  # nothing runs
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen) and not app.screen.query_one("#transcribe").disabled
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("y")
        deadline = time.monotonic() + 120
        while "new version" not in shown(app) and time.monotonic() < deadline:
            await pilot.pause(0.2)
        status = str(app.screen.query_one("#transcribe-status").render())
        assert status.startswith("✓") and "a new version beside the reviewed transcript" in status, status
        session_id = app.store.session.id
        assert (study.transcripts_dir / f"{session_id}-v2.json").is_file()
        assert load_session(session_file(study)).transcript_file is None  # the reviewed one stays the session's
        assert "checked" in (study.transcripts_dir / f"{session_id}.json").read_text()


async def test_theme_keys_quit_confirmation_and_notes_on_screen(study):
    app = make_app(study)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_the_guide(pilot)
        tree = app.screen.query_one("#guide-tree")
        assert tree.has_focus
        await pilot.press("right")  # the next theme, not a sideways scroll of the tree
        await pilot.pause()
        assert app.screen.current_theme == "2" and tree.cursor_node.data == "2"
        await pilot.press("left", "left")
        await pilot.pause()
        assert app.screen.current_theme == app.store.session.guide.themes[-1].id  # round the guide
        await pilot.press("m")
        await pilot.pause()
        assert "marker" in str(app.screen.query_one("#notes").render())
        await pilot.press("ctrl+q")  # mid-interview: asks, and "no" goes on
        await pilot.pause()
        assert "still going on" in str(app.screen.query_one(".dialog-text").render())
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ConductScreen) and app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert not app.is_running
    assert not load_session(session_file(study)).ended  # resumable, not ended by quitting


async def test_the_start_screen_remembers_the_last_guide(study):
    english = "nav-digital-services.en.yaml"
    app = make_app(study)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one("#guide").value = str(study.guides_dir / english)
        await start_interview(pilot)
        await pilot.press("ctrl+x", "y")
        await pilot.pause()
    again = make_app(study)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.screen.query_one("#guide").value == str(study.guides_dir / english)


@pytest.mark.audio
@needs_pulse
async def test_an_interview_without_recording_does_not_make_the_next_one_silent(study):
    """Seen in tmux: after a notes-only session (no device that day), the start screen offered
    "No recording" first, and the next interview would have recorded nothing."""
    from interview_tui.core.last_setup import LastSetup, load_last_setup, save_last_setup
    from interview_tui.ui.screens.start import NO_RECORDING

    save_last_setup(study.root, LastSetup(guide=None, mic="phone.monitor", line=None, recording=True))
    app = make_app(study, audio=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#mic").value == "phone.monitor"
        app.screen.query_one("#mic").value = NO_RECORDING  # this one: notes and marks only
        await start_interview(pilot)
        await pilot.press("ctrl+x", "y")
        await pilot.pause()
    assert load_last_setup(study.root).mic == "phone.monitor"  # the device is remembered all the same
    save_last_setup(study.root, LastSetup(guide=None, mic=None, recording=False))  # as saved before the fix
    again = make_app(study, audio=True)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert again.screen.query_one("#mic").value not in (NO_RECORDING, None)


@pytest.mark.audio
@needs_pulse
async def test_channel_2_of_a_one_channel_device_is_refused_before_the_call_not_during_it(study):
    """The phone line as "channel 2 of the same device" is offered for any device; taken with a
    one-channel one (seen in tmux: phone.monitor), the call began with nothing recorded. The start
    screen says so, under the meters and when Ctrl+S is pressed, and starts nothing."""
    from interview_tui.ui.screens.start import SECOND_CHANNEL

    app = make_app(study, audio=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.screen.query_one("#mic").value = "phone.monitor"
        app.screen.query_one("#line").value = SECOND_CHANNEL
        await pilot.pause()
        said = "phone.monitor has one channel, so no channel 2 for the phone line"
        assert said in str(app.screen.query_one("#audio-note").render())
        await start_interview(pilot)
        assert isinstance(app.screen, StartScreen) and app.interview is None
        assert any(said in n.message for n in app._notifications)
        app.screen.query_one("#mic").value = "adapter.monitor"  # two channels: the set-up of a phone adapter
        await pilot.pause()
        assert said not in str(app.screen.query_one("#audio-note").render())


@pytest.mark.audio
@needs_pulse
async def test_resuming_without_the_sessions_device_offers_the_closest(study):
    """Failure 2, the other half: the device the session recorded with is gone — the app names it
    and offers the closest one, recording into the same file."""
    from interview_tui.core.interview import Interview
    from interview_tui.session.model import AudioSetup

    interview = Interview.new(study, study.default_guide(), Settings(), pseudonym="Veileder A")
    interview.store.set_audio(f"{interview.session.id}.wav", ["mixed"], AudioSetup(mic="pulse-headset:1"))
    interview.close()
    app = make_app(study, audio=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+r")
        deadline = time.monotonic() + 10
        while "Record from" not in str(getattr(app.screen, "question", "")) and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert "'pulse-headset'" in app.screen.question and "'pulse'" in app.screen.question
        await pilot.press("y")
        deadline = time.monotonic() + 15
        while app.rec_state != "rec" and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert app.rec_state == "rec" and app.interview.recording_path.exists()
        app.interview.close()
    assert load_session(session_file(study)).audio_setup.mic == "pulse:1"


async def test_a_transcript_finishing_after_the_next_interview_began_goes_to_its_own_session(study):
    """"Transcribe now", then a new interview at once: the first session gets its transcript, the
    new one does not."""
    from interview_tui.ui.messages import TranscriptionFinished

    app = make_app(study)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_the_guide(pilot)
        first = app.interview.session.id
        app.end_session()
        await pilot.pause()
        app.new_interview()
        await pilot.pause()
        await start_interview(pilot, pseudonym="Veileder B")
        second = app.interview.session.id
        assert second != first
        app.post_message(TranscriptionFinished(True, f"{first}.json: 3 segments", f"{first}.json", first))
        await pilot.pause()
        app.interview.close()
    sessions = {s.id: s for s in (load_session(p) for p in study.recordings_dir.glob("*.session.json"))}
    assert sessions[first].transcript_file == f"{first}.json"
    assert sessions[second].transcript_file is None


async def test_live_suggestions_show_apart_from_marks_and_one_key_decides_each(study):
    """What the live transcriber heard arrives as a suggestion: its own symbol on the item and a
    line with the words; y makes it the interviewer's mark (at the suggestion's call time), r
    rejects it; the session keeps both the suggestion and the decision."""
    from interview_tui.core.live import LiveStatus, LiveSuggested, LiveTurn
    from interview_tui.model.transcript import Segment
    from interview_tui.session.model import LiveSuggestion

    app = make_app(study)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_the_guide(pilot)
        screen = app.screen
        screen.show_live(LiveStatus("on", "base, two channels"))
        screen.show_live(LiveTurn(Segment(start=61.0, end=64.0, speaker="Intervjuer",
                                          text="Hvilke kanaler på nett bruker dere mest?")))
        for item_id, at in (("1.2", 64.0), ("2.1", 90.0)):
            suggestion = LiveSuggestion(item_id=item_id, call_time=at, text="…", score=0.7)
            screen.show_live(LiveSuggested(app.interview.suggest(suggestion), suggestion))
        await pilot.pause()
        tree = screen.query_one("GuideTree")
        assert str(tree.nodes_by_id["1.2"].label).startswith("◇ 1.2")
        assert str(tree.nodes_by_id["2.1"].label).startswith("◇ 2.1")
        live_text = str(screen.query_one("#live").render())
        assert "live on" in live_text and "Hvilke kanaler på nett" in live_text and "◇ 2.1" in live_text
        tree.select_item("1.2")  # the interviewer is looking at it: the panel must follow the decision
        await pilot.pause()
        await pilot.press("r")   # the newest (2.1) was not asked
        await pilot.press("y")   # 1.2 was
        await pilot.pause()
        assert "◇" not in str(tree.nodes_by_id["1.2"].label)
        assert str(screen.query_one("QuestionPanel").render()).startswith("● 1.2"), "the panel kept the old state"
        session = load_session(session_file(study))
    assert [(s.item_id, s.decision) for s in session.suggestions] == [("1.2", "accepted"), ("2.1", "rejected")]
    assert session.item_state("1.2") == "covered" and session.items["1.2"].history[-1].call_time == 64.0
    assert session.item_state("2.1") == "not_yet"


async def test_a_hand_mark_on_a_suggested_question_settles_its_suggestion(study):
    """Seen in tmux: the interviewer pressed c on the question as it was answered; its suggestion,
    arriving a moment before, stayed on screen asking for y / r, and y would have landed on it."""
    from interview_tui.core.live import LiveSuggested
    from interview_tui.session.model import LiveSuggestion

    app = make_app(study)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_the_guide(pilot)
        screen = app.screen
        for item_id, at in (("2.1", 30.0), ("1.1", 64.0)):
            suggestion = LiveSuggestion(item_id=item_id, call_time=at, text="…", score=0.7)
            screen.show_live(LiveSuggested(app.interview.suggest(suggestion), suggestion))
        await pilot.pause()
        screen.query_one("GuideTree").select_item("1.1")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        live_text = str(screen.query_one("#live").render())
        assert "◇ 1.1" not in live_text and "◇ 2.1 still to decide" in live_text
        await pilot.press("r")  # the one still to decide: 2.1, not the question just marked
        await pilot.pause()
        assert "◇" not in str(screen.query_one("#live").render())
        session = load_session(session_file(study))
    assert [(s.item_id, s.decision) for s in session.suggestions] == [("2.1", "rejected"), ("1.1", "pending")]
    assert session.item_state("1.1") == "covered"


async def test_a_suggestion_still_to_decide_shows_again_when_the_guide_is_back(study):
    """Resumed after a crash (or back from the debriefing), the pane was empty: only the ◇ in the
    tree was left of a suggestion that y / r still decide."""
    from interview_tui.session.model import LiveSuggestion

    app = make_app(study)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_the_guide(pilot)
        app.interview.suggest(LiveSuggestion(item_id="1.2", call_time=12.0, text="…", score=0.7))
        app.go_to_phase("debriefing")
        await pilot.pause()
        app.go_to_phase("conduct")
        await pilot.pause()
        assert isinstance(app.screen, ConductScreen)
        assert "◇ 1.2 still to decide (y / r)" in str(app.screen.query_one("#live").render())


async def test_a_suggestion_heard_while_a_note_is_typed_shows_once_it_is_saved(study):
    """Live events went to the top screen only: with the note dialog open they were dropped."""
    from interview_tui.core.live import LiveSuggested
    from interview_tui.session.model import LiveSuggestion
    from interview_tui.ui.messages import LiveUpdate

    app = make_app(study)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_the_guide(pilot)
        conduct = app.screen
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is not conduct
        suggestion = LiveSuggestion(item_id="1.2", call_time=20.0, text="Which services do you use most?", score=0.7)
        app.post_message(LiveUpdate(LiveSuggested(app.interview.suggest(suggestion), suggestion)))
        await pilot.pause()
        await pilot.press(*"ringer", "enter")
        await pilot.pause()
        assert app.screen is conduct
        assert "◇ 1.2" in str(conduct.query_one("#live").render())
        assert str(conduct.query_one("GuideTree").nodes_by_id["1.2"].label).startswith("◇ 1.2")


async def test_the_newest_turns_stay_in_the_live_pane_under_a_long_suggestion(study):
    """Seen in tmux: a suggestion wrapped over three lines pushed the newest turns below the pane's
    edge, and the oldest stayed in view."""
    from interview_tui.core.live import LiveSuggested, LiveTurn
    from interview_tui.model.transcript import Segment
    from interview_tui.session.model import LiveSuggestion

    app = make_app(study)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_the_guide(pilot)
        screen = app.screen
        for n in range(4):
            screen.show_live(LiveTurn(Segment(start=10.0 * n, end=10.0 * n + 5, speaker="Informant", text=f"turn {n}")))
        heard = "Thanks for taking the time. To begin, how do you normally reach clients who use drugs, and how often?"
        suggestion = LiveSuggestion(item_id="1.1", call_time=5.0, text=heard, score=0.7)
        screen.show_live(LiveSuggested(app.interview.suggest(suggestion), suggestion))
        await pilot.pause()
        pane = screen.query_one("#live")
        shown = str(pane.render())
        assert "turn 3" in shown and "turn 0" not in shown
        assert len(shown.splitlines()) <= 6 and pane.size.height >= len(shown.splitlines())


async def test_the_summary_says_when_the_covered_count_holds_the_transcripts_check(study):
    """"Covered 5 (as marked)" counted the check's marks as well as the interviewer's one."""
    app = make_app(study)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_the_guide(pilot)
        app.interview.mark("1.1", "covered")
        app.interview.store.mark("1.2", "covered", source="coverage", call_time=20.0, score=0.8)
        app.end_session()
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        shown = rendered(app.screen.summary_text())
        assert "2  (questions and follow-ups: your marks, else the transcript's check)" in shown, shown


async def test_the_summary_marks_untouched_questions_live_transcription_heard(study):
    """A live suggestion left undecided (the interviewer was listening, not pressing y): the question
    was listed as untouched like one never asked."""
    from interview_tui.session.model import LiveSuggestion

    app = make_app(study)
    async with app.run_test(size=(100, 30)) as pilot:
        await to_the_guide(pilot)
        app.interview.suggest(LiveSuggestion(item_id="1.2", call_time=40.0, text="Which digital services do you use most?"))
        app.end_session()
        await pilot.pause()
        shown = rendered(app.screen.summary_text())
        assert "1.2◇" in shown and "1.3★" in shown and "1.3★◇" not in shown, shown
        assert "◇ heard during the call, not decided — the transcript's check decides" in shown


async def summary_after_transcription(app, pilot, transcript_name: str, awaited: str) -> str:
    """End the interview, tell the summary its transcript is done, and return what it then shows
    under the progress bar once ``awaited`` appears (the check runs in a worker)."""
    from interview_tui.ui.messages import TranscriptionFinished

    session_id = app.interview.session.id
    app.end_session()
    await pilot.pause()
    assert isinstance(app.screen, SummaryScreen)
    app.post_message(TranscriptionFinished(True, "Transcribed.", transcript_name, session_id))
    deadline = time.monotonic() + 60
    shown = app.screen.query_one("#live-comparison")
    while awaited not in str(shown.render()) and time.monotonic() < deadline:
        await pilot.pause(0.2)
    return str(shown.render())


async def test_after_transcription_the_summary_says_where_the_transcript_differs_from_live(study):
    """The better transcript after the call against what was suggested live: a suggestion the
    interviewer accepted that the transcript does not bear out is listed for checking."""
    from interview_tui.model.transcript import Segment, Transcript
    from interview_tui.session.model import LiveSuggestion

    app = make_app(study)
    async with app.run_test(size=(110, 40)) as pilot:
        await to_the_guide(pilot)
        interview = app.interview
        guide = interview.session.guide
        asked, never = guide.item("1.2"), guide.item("2.1")
        for item, at in ((asked, 6.0), (never, 20.0)):
            interview.suggest(LiveSuggestion(item_id=item.id, call_time=at, text="…", score=0.7))
        interview.store.decide_suggestion(0, True)
        interview.store.decide_suggestion(1, True)  # accepted, but 2.1 was never asked
        name = f"{interview.session.id}.json"
        Transcript(session_id=interview.session.id, segments=[
            Segment(start=2.0, end=6.0, speaker="Intervjuer", text=asked.text),
            Segment(start=6.5, end=12.0, speaker="Informant",
                    text="Det er mest SMS og telefon, og noen bruker chatten i aktivitetsplanen.")]).save(
            study.transcripts_dir / name)
        text = await summary_after_transcription(app, pilot, name, "During the call")
    assert "1 of 2 live suggestions agree with the transcript" in text, text
    assert "2.1: suggested live and accepted at 00:00:20; the transcript finds it not covered" in text


async def test_after_transcription_the_summary_says_what_the_transcript_covers_without_live_suggestions(study):
    """A call with live transcription off (or in a language the live model could not follow) had
    nothing on the summary after transcribing: which must-cover question the call missed, and
    where the marks and the check differ, took opening the review (seen in a tmux walk-through)."""
    from interview_tui.model.transcript import Segment, Transcript

    app = make_app(study)
    async with app.run_test(size=(110, 40)) as pilot:
        await to_the_guide(pilot)
        interview = app.interview
        guide = interview.session.guide
        interview.store.mark("1.1", "covered", call_time=9.0)  # marked, but the talk was about 1.2
        name = f"{interview.session.id}.json"
        Transcript(session_id=interview.session.id, segments=[
            Segment(start=2.0, end=6.0, speaker="Intervjuer", text=guide.item("1.2").text),
            Segment(start=6.5, end=12.0, speaker="Informant",
                    text="Det er mest SMS og telefon, og noen bruker chatten i aktivitetsplanen.")]).save(
            study.transcripts_dir / name)
        text = await summary_after_transcription(app, pilot, name, "transcript's check")
        await pilot.pause()
        # the check's marks are kept in the session, as `interview-tui coverage` keeps them: the
        # start screen's list said "0 covered" for this interview
        assert load_session(session_file(study)).items["1.2"].latest("coverage").state == "covered"
        assert "your marks, else the transcript's check" in rendered(app.screen.summary_text())
    questions = sum(1 for _ in guide.questions())
    # 1.1 marked, 1.2 asked and answered, 1.3 (the chat) answered before it was asked
    assert f"The transcript's check, with your marks: 3 of {questions} questions covered." in text, text
    assert "Must-cover questions not covered: 1.4★ 3.1★ 4.1★" in text
    assert "You and the check disagree on: 1.1 (you: covered · check: not covered)" in text
    assert "During the call" not in text


async def test_one_transcription_at_a_time_from_the_summary_too(study):
    """A dictaphone file transcribing from the start screen, then t on an interview's summary:
    the second run dropped the first's worker, whose process nothing could stop any more."""
    import threading

    from interview_tui.session.model import AudioSetup

    app = make_app(study)
    async with app.run_test(size=(110, 40)) as pilot:
        await to_the_guide(pilot)
        app.interview.store.set_audio(f"{app.interview.session.id}.wav", ["mixed"], AudioSetup(mic="pulse"))
        app.end_session()
        await pilot.pause()
        release = threading.Event()
        app.run_worker(lambda: release.wait(10), name="dictaphone", group="transcribe", thread=True)
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert any("dictaphone is being transcribed; this interview can start when it is done" in n.message
                   for n in app._notifications)
        assert [w.name for w in app.workers if w.group == "transcribe"] == ["dictaphone"]
        release.set()
        await app.workers.wait_for_complete()


async def test_a_pseudonym_in_brackets_is_shown_as_written(study):
    """Pseudonyms are typed by the researcher; "[a] Veileder" is text, not a markup tag."""
    from interview_tui.guide.loader import load_guide
    from interview_tui.session.store import SessionStore

    from .conftest import SEED_GUIDE_NB

    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym="[a] Veileder")
    store.end()
    app = make_app(study)
    async with app.run_test(size=(100, 40)) as pilot:
        option = app.screen.query_one("#earlier-list").get_option_at_index(0)
        assert "[a] Veileder" in str(option.prompt)
        app.open_finished(str(store.path))
        await pilot.pause()
        assert f"{store.session.id} — [a] Veileder" in rendered(app.screen.summary_text())


async def test_a_reconnect_does_not_switch_on_live_transcription_the_interviewer_switched_off(study):
    """Seen in tmux: live switched off with L (a slow laptop), Ctrl+R after the headset came back —
    and live transcription was on again, loading its model mid-call."""
    from interview_tui.core.events import RecordingStarted
    from interview_tui.ui.messages import RecordingBegan

    app = make_app(study)
    assert app.settings.live
    async with app.run_test(size=(100, 30)) as pilot:
        await to_the_guide(pilot)
        app.interview.live_switched_off = True  # what L does while live runs
        app.post_message(RecordingBegan(RecordingStarted("x.wav", ("interviewer", "informant"), False)))
        await pilot.pause()
        assert app.rec_state == "rec"
        assert not [w for w in app.workers if w.group == "live"] and app.interview.live is None
        app.interview.close()


async def test_the_debriefing_warning_says_which_open_must_cover_questions_were_heard(study):
    """Seen in tmux: five must-cover questions "still open", two of them heard by live
    transcription and only waiting for y — the warning did not say so."""
    from interview_tui.core.live import LiveSuggested
    from interview_tui.session.model import LiveSuggestion

    app = make_app(study)
    async with app.run_test(size=(100, 40)) as pilot:
        await to_the_guide(pilot)
        suggestion = LiveSuggestion(item_id="1.3", call_time=30.0, text="…", score=0.7)
        app.screen.show_live(LiveSuggested(app.interview.suggest(suggestion), suggestion))
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        text = str(app.screen.query_one(".dialog-text").render())
        lines = [line for line in text.splitlines() if "★" in line]
        assert any(line.strip().startswith("★ 1.3") and "(◇ heard — y accepts it)" in line for line in lines), text
        assert not any(line.strip().startswith("★ 1.4") and "heard" in line for line in lines), text
        app.interview.close()


async def test_ctrl_o_on_the_start_screen_writes_the_matrix_and_the_answers_by_theme(study):
    """The matrix and the answers sorted by theme were a terminal command only: from the app, the
    start screen makes them, in a worker, and says where they are and which names are undecided."""
    from interview_tui.guide.loader import load_guide
    from interview_tui.model.transcript import Segment, Transcript
    from interview_tui.session.store import SessionStore

    from .conftest import SEED_GUIDE_NB

    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym="Veileder A")
    Transcript(session_id=store.session.id, segments=[
        Segment(start=9, end=15, speaker="Intervjuer", text="Kan du fortelle om hvordan du går fram for å komme "
                                                              "i kontakt med rusmiddelavhengige brukere?"),
        Segment(start=16, end=24, speaker="Informant", text="Vi ringer dem ofte, sier Kari Nordmann alltid.")]
    ).save(study.transcripts_dir / f"{store.session.id}.json")
    store.set_transcript(f"{store.session.id}.json")
    store.end()
    store.close()
    app = make_app(study)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        deadline = time.monotonic() + 60
        while not (study.transcripts_dir / "answers-by-theme.docx").exists() and time.monotonic() < deadline:
            await pilot.pause(0.2)
        await pilot.pause(0.5)
        shown = [n.message for n in app._notifications]
    answers = (study.transcripts_dir / "answers-by-theme.md").read_text(encoding="utf-8")
    assert "**Veileder A — covered, [00:00:09]**" in answers and "Vi ringer dem ofte" in answers
    assert any("Wrote coverage-matrix.csv, coverage-matrix.html, answers-by-theme.md, answers-by-theme.docx" in m
               for m in shown), shown
    assert any("'Kari Nordmann'" in m and "before you show them" in m for m in shown), shown
    assert not any("'Veileder'" in m for m in shown), shown  # the session's pseudonym is no undecided name
    # the whole study for a QDA program only once every name is decided — said, not silent
    assert any(m.startswith("all-interviews.qdpx was not made:") and "Veileder A: 'Kari Nordmann'" in m
               for m in shown), shown
    qdpx = study.transcripts_dir / "exports" / "all-interviews.qdpx"
    assert not qdpx.exists()
    (study.root / "pseudonyms.yaml").write_text("Kari Nordmann: Informant A\n", encoding="utf-8")
    app = make_app(study)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        deadline = time.monotonic() + 60
        while not qdpx.exists() and time.monotonic() < deadline:
            await pilot.pause(0.2)
        await pilot.pause(0.5)
        shown = [n.message for n in app._notifications]
    assert qdpx.exists() and "Kari Nordmann" not in zipfile.ZipFile(qdpx).read("project.qde").decode("utf-8")
    assert any(f"all-interviews.qdpx in {qdpx.parent}" in m for m in shown), shown


async def test_ctrl_o_with_nothing_transcribed_says_so(study):
    app = make_app(study)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        deadline = time.monotonic() + 20
        while not any("no transcribed interviews" in n.message for n in app._notifications) and \
                time.monotonic() < deadline:
            await pilot.pause(0.2)
        shown = [n.message for n in app._notifications]
    assert any("no transcribed interviews" in m and "transcribe sessions first" in m for m in shown), shown
    assert not any("failed" in m for m in shown), shown


async def test_a_transcript_brought_in_without_a_session_opens_from_the_start_screen_in_the_review(study):
    """A dictaphone file transcribed with the CLI (or a noScribe file) was nowhere on the start
    screen: a study of them showed no earlier interviews. It is listed by name and opens in the
    review; Escape goes back to the start screen."""
    from interview_tui.model.transcript import Segment, Transcript
    from interview_tui.ui.screens.review import ReviewScreen

    Transcript(audio_file="dictaphone-3.wav", segments=[
        Segment(start=1.0, end=3.0, speaker="Interviewer", text="Hvordan kommer du i kontakt med brukerne?"),
        Segment(start=3.5, end=6.0, speaker="Informant", text="Mest på telefon.")]).save(
        study.transcripts_dir / "dictaphone-3.json")
    app = make_app(study)
    async with app.run_test(size=(100, 40)) as pilot:
        earlier = app.screen.query_one("#earlier-list")
        assert "dictaphone-3 — brought in without a session" in str(earlier.get_option_at_index(0).prompt)
        earlier.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.editor.transcript.segments[1].text == "Mest på telefon."
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
