"""One interview, start to end: the session file, the recording, the call clock and the guide.

The terminal app and ``interview-tui record`` both drive an ``Interview``; neither touches the
session store or the recorder directly. Commands are plain methods (they may block for the
second a sound device takes to open, so a UI calls them from a worker); what happens on the
recorder's own thread comes back through ``on_event`` as the dataclasses of ``core.events``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

from ..errors import UserError
from ..guide.loader import load_guide
from ..record.devices import AudioUnavailable
from ..record.events import RecorderStopped, RecorderWarning
from ..record.recorder import Recorder
from ..record.wavfile import WavError, read_wav_info, repair_wav
from ..session.lookup import find_interview
from ..session.model import AudioSetup, ItemState, LiveSuggestion, Note, Session
from ..session.lock import remove_lock_file
from ..session.store import SessionStore, load_session
from ..settings import Settings
from ..study import Study
from .audio import build_sources, reopen_sources, setup_of
from .events import InterviewEvent, RecordingStarted, SaveFailed

RecState = str
"""``off`` (not started), ``rec``, ``paused``, ``lost`` (the device went away), ``none`` (the
interview goes on without recording)."""


class Interview:
    def __init__(self, study: Study, store: SessionStore, settings: Settings,
                 on_event: Callable[[InterviewEvent], None] | None = None):
        self.study = study
        self.store = store
        self.settings = settings
        self.on_event = on_event or (lambda event: None)
        self.recorder: Recorder | None = None
        self.live = None
        """The live transcription (core/live.py) while it runs."""
        self.live_switched_off = False
        """The interviewer switched live off during this call: a reconnect must not switch it on."""
        self.rec_state: RecState = "off"
        self._recording_lock = threading.Lock()
        store.on_save_failed = self._save_failed
        self.takeover_note = store.claim()
        """Set when this interview was taken over from a process that crashed holding it."""
        if self.takeover_note:
            store.add_note(self.takeover_note, kind="event")

    # --- opening -----------------------------------------------------------------------------
    @classmethod
    def new(cls, study: Study, guide_path: Path, settings: Settings, *, pseudonym: str = "Informant",
            on_event: Callable[[InterviewEvent], None] | None = None, setup_check: bool = False) -> "Interview":
        guide = load_guide(Path(guide_path))
        store = SessionStore.create(study.recordings_dir, guide, pseudonym=pseudonym,
                                    guide_file=Path(guide_path).name, setup_check=setup_check)
        return cls(study, store, settings, on_event)

    @classmethod
    def open(cls, study: Study, ref: str, settings: Settings, *,
             on_event: Callable[[InterviewEvent], None] | None = None) -> "Interview":
        """An interview by session id, session file or recording."""
        found = find_interview(ref, study.recordings_dir, study.transcripts_dir)
        if found.store is None:
            raise UserError(f"{ref}: not a session of this study — `interview-tui sessions` lists them")
        return cls(study, found.store, settings, on_event)

    @property
    def session(self) -> Session:
        return self.store.session

    def call_time(self) -> float | None:
        return self.store.call_time()

    # --- recording ---------------------------------------------------------------------------
    @property
    def recording_path(self) -> Path:
        return self.store.folder / f"{self.session.id}.wav"

    @property
    def recording(self) -> bool:
        return self.recorder is not None and self.recorder.running

    def start_recording(self, setup: AudioSetup | None, *, max_seconds: float | None = None) -> Recorder | None:
        """Start (or continue into the same file) the recording; ``None`` goes on without one.
        Raises UserError with what to do when a device or the file cannot be opened."""
        with self._recording_lock:
            if self.recording:
                raise UserError("already recording")
            if setup is None:
                self.store.start_clock()
                self.rec_state = "none"
                return None
            sources = reopen_sources(setup) if self.session.audio_setup == setup else \
                build_sources(setup.mic, setup.line)
            recorder = self._open_recorder(sources, max_seconds)
            self.recorder = recorder
            self.rec_state = "rec"
            self.store.start_clock()
            self.store.clock = lambda: recorder.position
            self.store.set_audio(self.recording_path.name, recorder.roles, setup_of(sources))
            self.store.add_note("recording resumed" if recorder.append else "recording started", kind="event")
            self._emit(RecordingStarted(str(recorder.path), tuple(recorder.roles), recorder.append))
            return recorder

    def resume_recording(self, fallback: AudioSetup | None, *, max_seconds: float | None = None) -> Recorder | None:
        """After a crash or a lost device: the sources the session recorded with, not a guess.
        ``fallback`` is used only for a session that never said what it recorded with."""
        if self.session.audio_setup is not None:
            return self.start_recording(self.session.audio_setup, max_seconds=max_seconds)
        if self.session.audio_files and fallback is None:
            raise UserError("this session has a recording but does not say from which devices — "
                            "choose the audio on the start screen, then resume")
        return self.start_recording(fallback, max_seconds=max_seconds)

    def _open_recorder(self, sources, max_seconds: float | None) -> Recorder:
        path = self.recording_path
        append = path.exists()
        rate, limit = None, max_seconds
        if append:
            try:
                repair_wav(path)
                info = read_wav_info(path)
            except (WavError, OSError) as exc:
                raise UserError(f"{path}: cannot continue this recording ({exc}) — start a new session; "
                                "the file was not changed")
            channels = sum(len(source.channels) for source in sources)
            if info.channels != channels:
                raise UserError(f"{path}: recorded with {info.channels} channel(s), the chosen audio has "
                                f"{channels} — choose the same setup to continue, or start a new session")
            rate = info.rate
            limit = None if max_seconds is None else info.seconds + max_seconds
        recorder = Recorder(sources, path, rate=rate, append=append, on_event=self._recorder_event,
                            max_seconds=limit, silence_warning_seconds=self.settings.silence_warning_seconds)
        try:
            recorder.start()
        except AudioUnavailable:
            raise
        except OSError as exc:
            raise UserError(f"cannot record into {path}: {exc.strerror or exc} — check that the study "
                            "folder is writable and the disk has room") from exc
        return recorder

    def _recorder_event(self, event) -> None:
        # The recorder's writer thread: record what the session must know, then hand it on.
        if isinstance(event, RecorderStopped) and event.reason not in ("stopped", "seconds_reached"):
            self.rec_state = "lost"
            self.store.clock = None
            self.store.add_note(f"recording stopped: {event.message or event.reason}", kind="event",
                                call_time=event.seconds)
        elif isinstance(event, RecorderWarning) and event.kind == "device_lost":
            # One of two sources lost, the other recording on: the session says from when that
            # channel is silent (a transcript with one side missing for a stretch must say why).
            self.store.add_note(f"{event.role or 'a'} channel lost: {event.message.split(' — ')[0]}", kind="event",
                                call_time=event.position)
        self._emit(event)

    def _save_failed(self, reason: str) -> None:
        self._emit(SaveFailed(reason))

    def retry_save(self) -> bool:
        """Called now and then during the call: True once what was only in memory is on disk."""
        if self.store.unsaved is not None:
            self.store.save()
        return self.store.unsaved is None

    def _emit(self, event) -> None:
        try:
            self.on_event(event)
        except Exception:
            pass  # a broken front end must never stop the interview

    def toggle_pause(self) -> RecState:
        if not self.recording:
            raise UserError("not recording")
        if self.recorder.paused:
            self.recorder.resume()
            self.store.add_note("recording resumed", kind="resume")
            self.rec_state = "rec"
        else:
            self.recorder.pause()
            self.store.add_note("recording paused", kind="pause")
            self.rec_state = "paused"
        return self.rec_state

    def reconnect(self, setup: AudioSetup | None = None) -> Recorder | None:
        """After a lost device: the same sources (or ``setup``, the closest device in place of a
        lost one), into the same file. With one of two sources lost and the other still recording,
        the recording stops and starts again (a moment's gap, noted in the session): otherwise the
        lost one could only come back after the call. The devices are looked up first: pressed
        before the lost one was back, Ctrl+R stopped the source still recording (seen in tmux)."""
        setup = setup or self.session.audio_setup
        if self.recording and not self.recorder.lost_sources:
            raise UserError("the recording is running — nothing to reconnect")
        if setup is None:
            raise UserError("this interview has no recording to reconnect")
        if self.recording:
            if setup == self.session.audio_setup:
                reopen_sources(setup)  # raises DeviceMissing while the rest records on
            else:
                build_sources(setup.mic, setup.line)
            self.stop_recording()
        return self.start_recording(setup)

    # --- live coverage -------------------------------------------------------------------------
    def start_live(self, on_event=None, *, model: str | None = None):
        """Live transcription and suggestions while recording (core/live.py); its status says
        when it cannot run (no model, no recording) — the interview goes on either way."""
        from .live import LiveCoverage

        self.stop_live()
        self.live = LiveCoverage(self, model=model, on_event=on_event)
        self.live.start()
        return self.live

    def stop_live(self, reason: str = "the call ended") -> None:
        live, self.live = self.live, None
        if live is not None:
            live.stop(timeout=10, reason=reason)

    def stop_recording(self) -> RecorderStopped | None:
        with self._recording_lock:
            recorder, self.recorder = self.recorder, None
            if recorder is None:
                return None
            result = recorder.stop()  # also for one that stopped by itself: joins its thread
            self.store.clock = None
            if result.reason in ("stopped", "seconds_reached"):  # a lost device was noted when it happened
                self.store.add_note(f"recording stopped ({result.reason}, {result.seconds:.1f} s, "
                                    f"{result.overflows} overflows)", kind="event", call_time=result.seconds)
            self.rec_state = "off"
            return result

    def discard(self) -> None:
        """A session that never got going (a setup check whose device failed): leave nothing behind."""
        if self.recorder is None and not self.session.audio_files and not self.session.notes and not self.session.items:
            self.store.path.unlink(missing_ok=True)
            self.store.close()
            Path(str(self.store.path).removesuffix(".session.json") + ".session.lock").unlink(missing_ok=True)

    def recorded_seconds(self) -> float:
        """The audio really recorded (a crash gap or a pause is not in it)."""
        total = 0.0
        for name in self.session.audio_files:
            try:
                total += read_wav_info(self.store.folder / name).seconds
            except (WavError, OSError):
                continue
        return total

    # --- the guide during the call -----------------------------------------------------------
    def suggest(self, suggestion: LiveSuggestion) -> int:
        """A live suggestion: recorded in the session (the interview core is its one writer)."""
        return self.store.add_suggestion(suggestion)

    def decide_suggestion(self, index: int, accepted: bool) -> LiveSuggestion:
        """One key accepts (it becomes the interviewer's mark, with its evidence), one rejects."""
        return self.store.decide_suggestion(index, accepted)

    def set_phase(self, phase: str) -> None:
        self.store.set_phase(phase)

    def check(self, section: str, item_id: str, done: bool = True) -> None:
        self.store.check(section, item_id, done)

    def mark(self, item_id: str, state: ItemState) -> None:
        self.store.mark(item_id, state)

    def undo(self) -> str | None:
        return self.store.undo()

    def note(self, text: str, *, call_time: float | None = None, item_id: str | None = None) -> Note:
        """A note at the moment the interviewer reached for the key (``call_time``), not when it was saved."""
        return self.store.add_note(text, item_id=item_id, call_time=call_time)

    def marker(self, item_id: str | None = None) -> Note:
        return self.store.add_note("marker", kind="marker", item_id=item_id)

    def set_current(self, item_id: str | None) -> None:
        if self.session.current_item != item_id:
            self.store.set_current(item_id)

    def count_theme_time(self, theme_id: str, seconds: float) -> None:
        """Call time passes for the theme on screen, unless paused or before the clock starts."""
        if self.rec_state == "paused" or self.call_time() is None:
            return
        spent = self.session.theme_seconds.get(theme_id, 0.0)
        self.store.add_theme_time(theme_id, seconds, save=int(spent) % 10 == 9)

    # --- the end -----------------------------------------------------------------------------
    def end(self) -> RecorderStopped | None:
        """The interview is over: the recording is closed and the session free for the commands
        that come after (transcribe, coverage, review), also while the app shows the summary."""
        result = self.stop_recording()
        self.stop_live()  # the last words are transcribed and suggested before the session closes
        self.store.end()
        self.store.close()
        return result

    def refuse_consent(self) -> None:
        """No consent to record: the recording is deleted, the notes stay, the session closes."""
        self.stop_recording()
        self.stop_live()
        for name in self.session.audio_files:
            (self.store.folder / name).unlink(missing_ok=True)
        # what the live transcriber wrote down goes with the recording
        self.store.folder.joinpath(f"{self.session.id}.live.jsonl").unlink(missing_ok=True)
        self.session.suggestions.clear()
        self.store.forget_audio()
        self.store.refuse_consent()
        self.store.end()
        self.store.close()
        self.rec_state = "off"

    def close(self) -> None:
        """The front end is going away: the recording is finalised, never lost; the session is
        free for another writer."""
        try:
            self.stop_recording()
            self.stop_live()
        finally:
            self.store.close()


def discard_false_start(session_path: Path) -> str:
    """Delete an unfinished interview that holds nothing — started by mistake, or on the wrong
    guide, and left: it stayed on the start screen's resume list for good. One that holds
    anything (a recording, a mark, a note, a suggestion) is refused with what to do instead:
    a researcher's data is never deleted by a key. Returns the line that says what was done."""
    store = SessionStore.open(Path(session_path))
    store.claim()  # open in another window of the app: SessionLocked names that process
    try:
        session = store.session = load_session(store.path)  # as it is now that nobody else can write it
        held = [what for what, there in (
            ("a recording", session.audio_files or (store.folder / f"{session.id}.wav").exists()),
            ("marks", session.items), ("notes", any(note.kind == "note" for note in session.notes)),
            ("live suggestions", session.suggestions)) if there]
        name = f"{session.pseudonym} ({session.id})"
        if session.ended:
            raise UserError(f"{name} was ended, not a false start — nothing was deleted")
        if held:
            raise UserError(f"{name} holds {' and '.join(held)}, so it is not discarded — resume it (Ctrl+R) "
                            "and end it; nothing was deleted")
        store.path.unlink(missing_ok=True)
    finally:
        store.close()
    remove_lock_file(store.path)
    return f"Discarded {name}: it held no recording, mark or note."
