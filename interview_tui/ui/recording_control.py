"""The app's recording controls: starting the recorder (new, resumed, reconnected) in a worker,
offering the closest device when the session's own is gone, pause and Ctrl+R. The recorder
itself belongs to the interview core; this only drives it and says what happened."""

from __future__ import annotations

from textual import work

from ..core.audio import DeviceMissing, setup_with
from ..core.interview import Interview
from ..errors import UserError
from ..session.model import AudioSetup
from .dialogs.confirm import ConfirmDialog
from .messages import RecorderEnded


class RecordingControl:
    """Mixed into the app: it needs ``interview``, ``audio_enabled``, ``rec_state``, ``notify``,
    ``post_message``, ``call_from_thread`` and ``push_screen``."""

    @work(thread=True, exclusive=True, group="recorder", exit_on_error=False, description="Starting the recording")
    def _run_recorder(self, interview: Interview, setup: AudioSetup | None, resume: bool,
                      reconnect: bool = False) -> None:
        if not self.audio_enabled and (setup is not None or resume):
            interview.start_recording(None)
            self.post_message(RecorderEnded(None, "NOT RECORDING: sound is off in this run — the interview "
                                                  "goes on with notes and marks"))
            return
        try:
            if reconnect:
                interview.reconnect(setup)
            elif resume:
                interview.resume_recording(setup)
            else:
                interview.start_recording(setup)
        except DeviceMissing as exc:
            self.call_from_thread(self._offer_closest_device, interview, exc)
            return
        except UserError as exc:
            self.post_message(RecorderEnded(None, f"NOT RECORDING: {exc} — the interview goes on; "
                                                  "Ctrl+R tries the audio again"))
            return
        if setup is None and not resume:
            self.call_from_thread(setattr, self, "rec_state", "none")

    def _offer_closest_device(self, interview: Interview, missing: DeviceMissing) -> None:
        """The device the session recorded with is gone: say which, and offer the closest one.
        With the other source still recording (one of two lost), it records on meanwhile."""
        still = interview.recording
        if not still:
            self.rec_state = interview.rec_state = "none"
        said = f"{missing} — the other source records on" if still else f"NOT RECORDING: {missing}"
        if missing.closest is None or interview.session.audio_setup is None:
            self.notify(said, severity="error", timeout=20)
            return
        replacement = setup_with(interview.session.audio_setup, missing.name, missing.closest)

        def answered(yes: bool | None) -> None:
            if yes:
                self._run_recorder(interview, replacement, False, reconnect=still)
            else:
                self.notify(said, severity="warning", timeout=15)

        self.push_screen(ConfirmDialog(f"The input device '{missing.name}' this interview recorded with is not "
                                       f"there.\nRecord from '{missing.closest}' instead (the same channels, into "
                                       "the same file)?", yes="Record from it", no="Not now"), answered)

    def action_toggle_pause(self) -> None:
        if self.interview is None:
            return
        try:
            self.rec_state = self.interview.toggle_pause()
        except UserError:
            self.notify("Not recording.")

    def action_reconnect(self) -> None:
        interview = self.interview
        partly_lost = interview is not None and interview.recording and interview.recorder.lost_sources
        if interview is None or (interview.recording and not partly_lost) or interview.session.audio_setup is None:
            self.notify("Nothing to reconnect.")
            return
        self.notify("Reconnecting the audio into the same session…")
        self._run_recorder(interview, interview.session.audio_setup, False, reconnect=True)
