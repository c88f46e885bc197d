"""The terminal app: a thin shell over the core. It owns the session store and the recorder,
runs blocking work in thread workers, and turns their events into messages."""

from __future__ import annotations

import threading
from pathlib import Path

from textual import on, work
from textual.app import App
from textual.reactive import reactive
from textual.worker import get_current_worker

from ..errors import UserError
from ..guide.loader import load_guide
from ..record.devices import list_input_devices
from ..record.events import LevelEvent, RecorderStopped, RecorderWarning
from ..record.recorder import Recorder
from ..record.session_recording import (build_sources, pause_recording, repair_unfinished, resume_recording,
                                        start_session_recording, stop_session_recording)
from ..session.store import SessionStore, unfinished_sessions
from ..settings import Settings
from ..study import Study
from .dialogs.help_screen import HelpScreen
from .messages import RecorderEnded, RecorderLevels, RecorderWarned, TranscriptionFinished, TranscriptionProgress
from .screens.briefing import BriefingScreen
from .screens.conduct import ConductScreen
from .screens.debriefing import DebriefingScreen
from .screens.start import StartScreen
from .screens.summary import SummaryScreen
from .widgets.rec_status import RecStatus

PHASE_SCREENS = {"briefing": BriefingScreen, "conduct": ConductScreen, "debriefing": DebriefingScreen}


class InterviewApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "interview-tui"
    ENABLE_COMMAND_PALETTE = False  # every action has its own key; Ctrl+P stays free
    BINDINGS = [("ctrl+q", "quit", "Quit"), ("ctrl+r", "reconnect", "Reconnect audio")]

    rec_state: reactive[str] = reactive("off")
    last_warning: reactive[str] = reactive("")

    def __init__(self, study: Study, settings: Settings, *, audio: bool = True,
                 review: str | None = None) -> None:
        super().__init__()
        self.review_target = review
        self.study = study
        self.settings = settings
        self.audio_enabled = audio
        self.store: SessionStore | None = None
        self.recorder: Recorder | None = None
        self.preview: Recorder | None = None
        self.audio_choice: tuple[str | None, str | None] | None = None
        self._transcribe_cancel = threading.Event()

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
        self.workers.cancel_group(self, "preview")
        self._stop_preview()
        for screen in self.screen_stack:
            player = getattr(screen, "player", None)
            if player is not None:
                player.stop()
        if self.recorder is not None and self.recorder.running and self.store is not None:
            stop_session_recording(self.store, self.recorder)  # the file is finalised, never lost
        self._transcribe_cancel.set()

    def unfinished(self):
        return unfinished_sessions(self.study.recordings_dir)

    def input_devices(self):
        if not self.audio_enabled:
            return []
        return list_input_devices()

    # --- the level preview on the start screen -----------------------------------------------
    def start_preview(self, choice) -> None:
        self._stop_preview()
        if choice is not None and self.audio_enabled:
            self._run_preview(choice)

    def _stop_preview(self) -> None:
        if self.preview is not None:
            self.preview.stop()
            self.preview = None

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _run_preview(self, choice) -> None:
        try:
            preview = Recorder(self._sources(choice), None, on_event=self._recorder_event)
            preview.start()
        except UserError as exc:
            self.call_from_thread(self.notify, str(exc), severity="warning")
            return
        if get_current_worker().is_cancelled or not self.is_running:
            preview.stop()  # the app closed (or the choice changed) while the device opened
            return
        self.preview = preview

    def _sources(self, choice):
        mic, line = choice
        return build_sources(mic, line, interviewer=self.settings.interviewer_label,
                             informant=self.settings.informant_label)

    # --- recorder events (called on the recorder's writer thread) ----------------------------
    def _recorder_event(self, event) -> None:
        if isinstance(event, LevelEvent):
            self.post_message(RecorderLevels(event))
        elif isinstance(event, RecorderWarning):
            self.post_message(RecorderWarned(event))
        elif isinstance(event, RecorderStopped):
            self.post_message(RecorderEnded(event))

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
        self.last_warning = warning.message
        self.notify(warning.message, severity="error" if warning.kind == "device_lost" else "warning",
                    timeout=8)

    def on_recorder_ended(self, message: RecorderEnded) -> None:
        if message.error:
            self.rec_state = "none"
            self.notify(message.error, severity="error", timeout=12)
            return
        if message.result is not None and message.result.reason not in ("stopped", "seconds_reached"):
            self.rec_state = "lost"
            self.notify(f"{message.result.message or message.result.reason} — Ctrl+R reconnects into "
                        "the same session.", severity="error", timeout=15)

    # --- recording ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="recorder", exit_on_error=False)
    def _run_recorder(self, choice) -> None:
        try:
            recorder = start_session_recording(self.store, self._sources(choice), on_event=self._recorder_event,
                                               silence_warning_seconds=self.settings.silence_warning_seconds)
        except UserError as exc:
            self.post_message(RecorderEnded(None, f"{exc} — going on without recording"))
            return
        self.recorder = recorder
        self.call_from_thread(setattr, self, "rec_state", "rec")
        worker = get_current_worker()
        while not recorder.wait(0.25):
            if worker.is_cancelled:
                stop_session_recording(self.store, recorder)
                return

    def _start_recording(self, choice) -> None:
        self.audio_choice = choice
        if choice is None:
            self.rec_state = "none"
            self.store.start_clock()
            return
        self._stop_preview()
        self._run_recorder(choice)

    def action_toggle_pause(self) -> None:
        if self.recorder is None or not self.recorder.running:
            self.notify("Not recording.")
            return
        if self.recorder.paused:
            resume_recording(self.store, self.recorder)
            self.rec_state = "rec"
        else:
            pause_recording(self.store, self.recorder)
            self.rec_state = "paused"

    def action_reconnect(self) -> None:
        if self.store is None or self.audio_choice is None or (self.recorder and self.recorder.running):
            self.notify("Nothing to reconnect.")
            return
        self.notify("Reconnecting the audio into the same session…")
        self._run_recorder(self.audio_choice)

    # --- the interview's phases --------------------------------------------------------------
    def begin_session(self, guide_path: str, pseudonym: str, choice) -> None:
        try:
            guide = load_guide(Path(guide_path))
        except UserError as exc:
            self.notify(str(exc), severity="error", timeout=15)
            return
        self.store = SessionStore.create(self.study.recordings_dir, guide, pseudonym=pseudonym,
                                         guide_file=Path(guide_path).name)
        self._start_recording(choice)
        self.go_to_phase("briefing")

    def resume_session(self, session_path: str, choice) -> None:
        try:
            self.store = SessionStore.open(Path(session_path))
        except UserError as exc:
            self.notify(str(exc), severity="error", timeout=15)
            return
        self._start_recording(choice)
        phase = self.store.session.phase if self.store.session.phase in PHASE_SCREENS else "briefing"
        self.go_to_phase(phase)
        self.notify(f"Resumed {self.store.session.id}: marks and notes are as they were.")

    def go_to_phase(self, phase: str) -> None:
        self.store.set_phase(phase)
        self.switch_screen(PHASE_SCREENS[phase]())

    def consent_refused(self) -> None:
        self._finish_recording(delete=True)
        self.store.refuse_consent()
        self.store.end()
        self.notify("Recording stopped and deleted; the session is closed.", severity="warning")
        self.new_interview()

    def end_session(self) -> None:
        self._finish_recording()
        self.store.end()
        self.switch_screen(SummaryScreen())

    def _finish_recording(self, delete: bool = False) -> None:
        self.workers.cancel_group(self, "recorder")
        if self.recorder is not None:
            if self.recorder.running:
                stop_session_recording(self.store, self.recorder)
            if delete:
                self.recorder.path.unlink(missing_ok=True)
                self.store.session.audio_files = []
                self.store.save()
        self.recorder = None
        self.rec_state = "off"

    def new_interview(self) -> None:
        self.store = None
        self.last_warning = ""
        self.rec_state = "off"
        self.switch_screen(StartScreen())

    # --- transcription in the background -----------------------------------------------------
    def transcribe_in_background(self) -> None:
        self._transcribe_cancel = threading.Event()
        self._transcribe(self.store.session.id)

    @work(thread=True, exclusive=True, group="transcribe", exit_on_error=False)
    def _transcribe(self, session_id: str) -> None:
        from ..transcribe.service import transcribe_in_process

        ok, text = transcribe_in_process(self.study.root, session_id,
                                         lambda f: self.post_message(TranscriptionProgress(f)),
                                         self._transcribe_cancel)
        self.post_message(TranscriptionFinished(ok, text))

    def cancel_transcription(self) -> None:
        self._transcribe_cancel.set()

    def on_transcription_progress(self, message: TranscriptionProgress) -> None:
        if isinstance(self.screen, SummaryScreen):
            self.screen.show_progress(message.fraction)

    def on_transcription_finished(self, message: TranscriptionFinished) -> None:
        if isinstance(self.screen, SummaryScreen):
            self.screen.show_result(message.ok, message.text)
        self.notify(message.text, severity="information" if message.ok else "error")

    # --- review ------------------------------------------------------------------------------
    def review_screen(self, ref: str):
        """The review screen for a session or a transcript JSON (errors raise UserError)."""
        from ..review.editing import TranscriptEditor
        from ..review.playback import Player
        from .screens.review import ReviewScreen
        from ..coverage.check import resolve_input

        source = resolve_input(ref, self.study)
        path = Path(ref) if Path(ref).suffix == ".json" else self.study.transcripts_dir / (
            source.store.session.transcript_file if source.store else "")
        if path.suffix != ".json" or not path.is_file():
            raise UserError(f"{ref}: review works on a transcript made by interview-tui (.json) or a session")
        editor = TranscriptEditor.open(path)
        audio = None
        if source.store is not None and source.store.session.audio_files:
            audio = source.store.folder / source.store.session.audio_files[0]
        elif (path.parent.parent / "recordings" / editor.transcript.audio_file).is_file():
            audio = path.parent.parent / "recordings" / editor.transcript.audio_file
        player, error = None, ""
        if audio is None or not audio.is_file():
            error = "No recording found for this transcript: editing works, playback does not."
        elif not self.audio_enabled:
            error = "Sound is off (no audio device): editing works, playback does not."
        else:
            try:
                player = Player(audio, self.settings.output_device)
            except UserError as exc:
                error = str(exc)
        self.store = source.store
        return ReviewScreen(editor, source.guide, source.store, player, error)

    def open_review(self) -> None:
        try:
            self.push_screen(self.review_screen(self.store.session.id))
        except UserError as exc:
            self.notify(str(exc), severity="error")

    # --- help --------------------------------------------------------------------------------
    def action_help(self) -> None:
        rows = []
        for owner in (self.screen, self):
            for binding in owner.BINDINGS:
                key, _, description = binding if isinstance(binding, tuple) else \
                    (binding.key, binding.action, binding.description)
                keys = ", ".join(k.replace("question_mark", "?").replace("ctrl+", "Ctrl+") for k in key.split(","))
                rows.append((keys, description))
        rows += [("↑ ↓ / mouse", "move through the list or the guide"), ("Enter", "open / close, or choose")]
        self.push_screen(HelpScreen(rows))
