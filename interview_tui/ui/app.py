"""The terminal app: a view over the interview core. Commands go to ``Interview``; blocking ones
run in thread workers; the core's events come back as messages. Every worker that fails is
reported to the user by one handler (``worker_failed``), never swallowed."""

from __future__ import annotations

import threading
from pathlib import Path

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.worker import Worker, WorkerState, get_current_worker

from ..core.audio import repair_unfinished, start_level_preview
from ..core.events import (LevelEvent, RecorderStopped, RecorderWarning, RecordingFailed, RecordingStarted,
                           SaveFailed)
from ..core.interview import Interview
from ..core.last_setup import LastSetup, load_last_setup, save_last_setup
from ..errors import UserError
from ..record.devices import list_input_devices
from ..record.recorder import Recorder
from ..session.lookup import brought_interviews
from ..session.model import AudioSetup
from ..session.store import SessionStore, finished_sessions, unfinished_sessions
from ..settings import Settings
from ..study import Study
from .dialogs.confirm import ConfirmDialog
from .dialogs.help_screen import HelpScreen, help_rows
from .background_transcription import BackgroundTranscription
from .recording_control import RecordingControl
from .messages import LiveUpdate, RecorderEnded, RecorderLevels, RecorderWarned, RecordingBegan, SessionSaveProblem
from .screens.briefing import BriefingScreen
from .screens.conduct import ConductScreen
from .screens.debriefing import DebriefingScreen
from .screens.start import StartScreen
from .screens.summary import SummaryScreen
from .widgets.rec_status import RecStatus

PHASE_SCREENS = {"briefing": BriefingScreen, "conduct": ConductScreen, "debriefing": DebriefingScreen}

WORKER_ADVICE = {
    "recorder": "the interview goes on without recording; press Ctrl+R to try the audio again",
    "preview": "choose another device, or go on without recording",
    "transcribe": "run `interview-tui transcribe` in a terminal to see the whole message",
    "coverage": "the transcript is fine; the guide panel could not be filled",
    "live-compare": "the transcript is fine; run `interview-tui coverage ID` to see the coverage",
    "overview": "the interviews are safe; run `interview-tui matrix` in a terminal to see the whole message",
    "export": "the transcript is fine and no half-written export was kept; run `interview-tui export NAME` in a "
              "terminal to see the whole message",
}


class InterviewApp(RecordingControl, BackgroundTranscription, App):
    CSS_PATH = "app.tcss"
    TITLE = "interview-tui"
    ENABLE_COMMAND_PALETTE = False  # every action has its own key; Ctrl+P stays free
    # priority: a dialog (a ModalScreen) would otherwise swallow Ctrl+Q, and a user who pressed it
    # and typed on, thinking the app had closed, typed into the dialog (seen in tmux).
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True), Binding("ctrl+r", "reconnect", "Reconnect audio", show=False)]

    rec_state: reactive[str] = reactive("off")
    last_warning: reactive[str] = reactive("")

    def __init__(self, study: Study, settings: Settings, *, audio: bool = True,
                 review: str | None = None) -> None:
        super().__init__()
        self.review_target = review
        self.study = study
        self.settings = settings
        self.audio_enabled = audio
        self.interview: Interview | None = None
        self.review_store: SessionStore | None = None
        self.preview: Recorder | None = None
        self._transcribe_cancel = threading.Event()

    @property
    def store(self) -> SessionStore | None:
        """The session on screen: the interview's, or the one a review was opened on."""
        return self.interview.store if self.interview is not None else self.review_store

    @property
    def recorder(self) -> Recorder | None:
        return self.interview.recorder if self.interview is not None else None

    # --- lifecycle ---------------------------------------------------------------------------
    def on_mount(self) -> None:
        repaired = repair_unfinished(self.study.recordings_dir)
        if self.review_target is not None:
            self.push_screen(self.review_target if not isinstance(self.review_target, str)
                             else self.review_screen(self.review_target))
        else:
            self.push_screen(StartScreen())
        for path, seconds in repaired:
            self.notify(f"Repaired {path.name} ({seconds:.0f} s) left unfinished by a crash.")

    def on_unmount(self) -> None:
        self._stop_preview()
        for screen in self.screen_stack:
            player = getattr(screen, "player", None)
            if player is not None:
                player.stop()
        if self.interview is not None:
            self.interview.close()  # the file is finalised, never lost
        self._transcribe_cancel.set()

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        """The one place a failed background job reaches the user, with what to do."""
        if event.state != WorkerState.ERROR:
            return
        worker = event.worker
        error = worker.error
        what = str(error) if isinstance(error, UserError) else f"{type(error).__name__}: {error}"
        advice = WORKER_ADVICE.get(worker.group, "the interview and its files are safe; try again")
        message = f"{worker.description or worker.group} failed: {what} — {advice}"
        self.notify(message, severity="error", timeout=20)
        if self.interview is not None:
            try:
                self.interview.store.add_note(message, kind="event")
            except Exception:
                pass  # the note is a copy of what the user was just shown
        if worker.group == "recorder" and self.interview is not None:
            self.rec_state = self.interview.rec_state = "none"
        if worker.group == "transcribe" and isinstance(self.screen, SummaryScreen):
            self.screen.show_result(False, what)
        if worker.group == "transcribe" and isinstance(self.screen, StartScreen):
            self.screen.refresh_earlier()  # not left reading "transcribing… 40 %"

    def unfinished(self):
        return unfinished_sessions(self.study.recordings_dir)

    def finished(self):
        return finished_sessions(self.study.recordings_dir)

    def brought(self):
        """Interviews of no session: a recording brought in (a dictaphone file), transcribed or not,
        and a transcript made elsewhere (a noScribe file)."""
        return [found for found in brought_interviews(self.study.recordings_dir, self.study.transcripts_dir)
                if found.transcript is not None or found.audio is not None]

    def input_devices(self):
        if not self.audio_enabled:
            return []
        return list_input_devices()

    # --- the level preview on the start screen -----------------------------------------------
    def start_preview(self, setup: AudioSetup | None) -> None:
        self._stop_preview()
        if setup is not None and self.audio_enabled:
            self._run_preview(setup)

    def _stop_preview(self) -> None:
        self.workers.cancel_group(self, "preview")
        if self.preview is not None:
            self.preview.stop()
            self.preview = None

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False, description="The level preview")
    def _run_preview(self, setup: AudioSetup) -> None:
        try:
            preview = start_level_preview(setup, self._core_event)
        except UserError as exc:
            self.call_from_thread(self.notify, str(exc), severity="warning")
            return
        if get_current_worker().is_cancelled or not self.is_running:
            preview.stop()  # the app closed (or the choice changed) while the device opened
            return
        self.preview = preview

    # --- core events (called on the recorder's writer thread) --------------------------------
    def _core_event(self, event) -> None:
        if isinstance(event, LevelEvent):
            self.post_message(RecorderLevels(event))
        elif isinstance(event, RecorderWarning):
            self.post_message(RecorderWarned(event))
        elif isinstance(event, RecorderStopped):
            self.post_message(RecorderEnded(event))
        elif isinstance(event, RecordingStarted):
            self.post_message(RecordingBegan(event))
        elif isinstance(event, RecordingFailed):
            self.post_message(RecorderEnded(None, event.message))
        elif isinstance(event, SaveFailed):
            self.post_message(SessionSaveProblem(event.message))

    def on_recorder_levels(self, message: RecorderLevels) -> None:
        screen = self.screen
        if hasattr(screen, "show_levels"):
            screen.show_levels(message.event.levels)
        else:
            for status in screen.query(RecStatus):
                status.show_levels(message.event.levels)

    def on_recorder_warned(self, message: RecorderWarned) -> None:
        warning = message.warning
        if warning.kind == "sound_back":
            self.last_warning = ""
            return
        # The status line has room for a few words: the head of the message, and for a lost
        # channel what to press (the whole message is in the notification).
        self.last_warning = (f"✕ {warning.role or 'a'} channel lost — Ctrl+R reconnects" if warning.kind == "device_lost"
                             else warning.message.split(" — ")[0])
        self.notify(warning.message, severity="error" if warning.kind == "device_lost" else "warning",
                    timeout=8)

    def on_session_save_problem(self, message: SessionSaveProblem) -> None:
        if message.text:
            self.last_warning = "NOT SAVED: " + message.text
            self.notify(message.text, severity="error", timeout=20)
        else:
            self.last_warning = ""
            self.notify("The session is saved again.", timeout=5)

    def on_recording_began(self, message: RecordingBegan) -> None:
        self.rec_state = "rec"
        self.last_warning = ""  # a warning from before a reconnect is no longer true
        # After Ctrl+R too — unless the interviewer had switched it off (L) during this call.
        if self.settings.live and self.interview is not None and not self.interview.live_switched_off:
            self._run_live(self.interview)

    @work(thread=True, exclusive=True, group="live", exit_on_error=False, description="Live transcription")
    def _run_live(self, interview: Interview) -> None:
        """Loads the embedding model and starts the transcriber process; it then runs on its own
        threads and posts what it hears (see on_live_update)."""
        interview.start_live(lambda event: self.post_message(LiveUpdate(event)))

    def on_live_update(self, message: LiveUpdate) -> None:
        event = message.event
        if getattr(event, "state", "") == "off" and event.detail not in ("the call ended",) and \
                not event.detail.startswith("switched off"):
            self.notify(f"Live transcription is off: {event.detail} — the recording goes on.", severity="warning",
                        timeout=12)
        # To the conduct screen even under a dialog: a suggestion heard while the interviewer typed
        # a note was dropped, and its ◇ and y / r line never appeared once the note was saved.
        for screen in reversed(self.screen_stack):
            if hasattr(screen, "show_live"):
                screen.show_live(event)
                break

    def on_recorder_ended(self, message: RecorderEnded) -> None:
        if message.error:
            self.rec_state = "none"
            self.notify(message.error, severity="error", timeout=15)
            return
        if message.result is not None and message.result.reason not in ("stopped", "seconds_reached"):
            self.rec_state = "lost"
            self.notify(f"{message.result.message or message.result.reason} — Ctrl+R reconnects into "
                        "the same session.", severity="error", timeout=15)

    # --- the interview's phases --------------------------------------------------------------
    def begin_session(self, guide_path: str, pseudonym: str, setup: AudioSetup | None) -> None:
        try:
            self.interview = Interview.new(self.study, Path(guide_path), self.settings, pseudonym=pseudonym,
                                           on_event=self._core_event)
        except UserError as exc:
            self.notify(str(exc), severity="error", timeout=15)
            return
        self._stop_preview()
        # Without a recording, the devices that worked before are kept for the next interview.
        last = load_last_setup(self.study.root)
        save_last_setup(self.study.root, LastSetup(guide=Path(guide_path).name, mic=setup.mic if setup else last.mic,
                                                   line=setup.line if setup else last.line, recording=setup is not None))
        self._run_recorder(self.interview, setup, False)
        self.go_to_phase("briefing")

    def resume_session(self, session_path: str, setup: AudioSetup | None) -> None:
        """Resume with the devices the session recorded with; the start screen's choice only
        for a session that never recorded which."""
        try:
            self.interview = Interview.open(self.study, session_path, self.settings, on_event=self._core_event)
        except UserError as exc:
            self.notify(str(exc), severity="error", timeout=15)
            return
        if self.interview.takeover_note:
            self.notify(self.interview.takeover_note, timeout=10)
        self._stop_preview()
        session = self.interview.session
        if session.audio_setup is not None or session.audio_files:
            self._run_recorder(self.interview, setup, True)
        else:
            self.interview.start_recording(None)
            self.rec_state = "none"
        phase = session.phase if session.phase in PHASE_SCREENS else "briefing"
        self.go_to_phase(phase)
        self.notify(f"Resumed {session.id}: marks and notes are as they were.")

    def open_finished(self, session_path: str) -> None:
        """An interview ended earlier, on its summary screen: transcribe, review, export."""
        try:
            self.review_store = SessionStore.open(Path(session_path))
        except UserError as exc:
            self.notify(str(exc), severity="error", timeout=15)
            return
        self._stop_preview()
        self.switch_screen(SummaryScreen())

    def go_to_phase(self, phase: str) -> None:
        self.interview.set_phase(phase)
        self.switch_screen(PHASE_SCREENS[phase]())

    def consent_refused(self) -> None:
        self.workers.cancel_group(self, "recorder")
        self.interview.refuse_consent()
        self.rec_state = "off"
        self.notify("Recording stopped and deleted; the session is closed.", severity="warning")
        self.new_interview()

    def end_session(self) -> None:
        self.workers.cancel_group(self, "recorder")
        self.interview.end()
        self.rec_state = "off"
        self.switch_screen(SummaryScreen())

    def new_interview(self) -> None:
        if self.interview is not None:
            self.interview.close()
        self.interview = None
        self.review_store = None
        self.last_warning = ""
        self.rec_state = "off"
        self.switch_screen(StartScreen())

    # --- review ------------------------------------------------------------------------------
    def review_screen(self, ref: str, guide_path=None):
        """The review screen for a session or a transcript (errors raise UserError)."""
        from .screens.review import build_review_screen

        own = self.interview.store if self.interview is not None and ref == self.interview.session.id else None
        screen, store = build_review_screen(self, ref, own, guide_path)
        self.review_store = store
        return screen

    def open_brought(self, name: str) -> None:
        """An interview of no session, in the review (there is no call to summarise)."""
        try:
            screen = self.review_screen(name)
        except UserError as exc:
            self.notify(str(exc), severity="error", timeout=15)
            return
        self._stop_preview()
        self.push_screen(screen)

    def open_review(self) -> None:
        try:
            self.push_screen(self.review_screen(self.store.session.id))
        except UserError as exc:
            self.notify(str(exc), severity="error")

    async def action_quit(self) -> None:
        """Ctrl+Q during an interview asks first: quitting stops the recording (it is kept, and the
        interview can be resumed), which nobody should do by a slip of the finger. So it does while
        a transcription runs: quitting stopped it without a word (seen in tmux)."""
        calling = self.interview is not None and not self.interview.session.ended
        running = self.transcribing()
        if not calling and not running:
            self.exit()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        stops = (f"\nThe transcription of {running} stops too; it goes on from its checkpoint the next time "
                 "you transcribe it.") if running else ""
        if calling:
            self.push_screen(ConfirmDialog("The interview is still going on. Quit now?\nThe recording stops and "
                                           "is kept; resume the interview later with Ctrl+R on the start screen."
                                           + stops, yes="Quit", no="Go on with the interview"), answered)
        else:
            self.push_screen(ConfirmDialog(f"{running} is being transcribed. Quit now?" + stops, yes="Quit",
                                           no="Wait for it"), answered)

    # --- help --------------------------------------------------------------------------------
    def action_help(self) -> None:
        # Reconnecting means something only during an interview.
        self.push_screen(HelpScreen(help_rows([self.screen, self], hide={"ctrl+r"} if not self.interview else set())))
