"""The app's transcription after a call: ``interview-tui transcribe`` as a child process, run
from a worker, its progress and result posted as messages to whatever screen shows the session
(the researcher may have begun the next interview by the time it ends). A recording brought in
without a session (a dictaphone file put in recordings/) is transcribed from the start screen."""

from __future__ import annotations

import threading
from functools import partial

from textual.worker import WorkerState

from ..errors import UserError
from .messages import TranscriptionFinished, TranscriptionProgress
from .screens.start import StartScreen
from .screens.summary import SummaryScreen


class BackgroundTranscription:
    """Mixed into the app: it needs ``study``, ``store``, ``screen``, ``notify`` and ``post_message``."""

    def transcribe_in_background(self, new_version: bool = False) -> None:
        self._start_transcription(self.store.session.id, new_version)

    def transcribe_brought(self, name: str) -> None:
        """A recording of no session, from the start screen. One at a time: a second would only wait
        for the first's lock, and starting it would drop the first's worker."""
        running = self.transcribing()
        if running == name:
            self.notify(f"{name} is being transcribed: its progress is on its line.")
            return
        if running:
            self.notify(f"{running} is being transcribed; {name} can start when it is done.", severity="warning")
            return
        self._start_transcription(name, False)
        self.notify(f"Transcribing {name} in the background — its progress shows in the list; then Enter "
                    "reviews it.", timeout=8)

    def transcribing(self) -> str | None:
        """The interview being transcribed now, if any (its worker is named after it)."""
        return next((worker.name for worker in self.workers if worker.group == "transcribe"
                     and worker.state in (WorkerState.PENDING, WorkerState.RUNNING)), None)

    def _start_transcription(self, ref: str, new_version: bool) -> None:
        self._transcribe_cancel = threading.Event()
        self.run_worker(partial(self._transcribe, ref, self._transcribe_cancel, new_version), name=ref, thread=True,
                        exclusive=True, group="transcribe", exit_on_error=False, description="Transcription")

    def _transcribe(self, ref: str, cancel: threading.Event, new_version: bool) -> None:
        from ..core.transcription import transcribe_in_background

        result = transcribe_in_background(self.study.root, ref,
                                          lambda f: self.post_message(TranscriptionProgress(f, ref=ref)), cancel,
                                          new_version=new_version)
        self.post_message(TranscriptionFinished(result.ok, result.message, result.transcript_file, ref))

    def cancel_transcription(self) -> None:
        self._transcribe_cancel.set()

    def on_transcription_progress(self, message: TranscriptionProgress) -> None:
        if isinstance(self.screen, SummaryScreen):
            self.screen.show_progress(message.fraction)
        elif isinstance(self.screen, StartScreen):
            self.screen.show_transcribing(message.ref, message.fraction)

    def on_transcription_finished(self, message: TranscriptionFinished) -> None:
        # The transcript belongs to the session it was started for — by now the researcher may
        # have begun the next interview, whose session must not be given it.
        showing_it = self.store is not None and self.store.session.id == message.session_id
        if message.transcript_file:
            try:
                if showing_it:
                    self.store.set_transcript(message.transcript_file)
                else:
                    from ..session.lookup import find_interview

                    found = find_interview(message.session_id, self.study.recordings_dir, self.study.transcripts_dir)
                    if found.store is not None:  # a recording brought in has no session to tell
                        found.store.set_transcript(message.transcript_file)
            except UserError as exc:
                self.notify(f"The transcript was written, but its session could not be updated: {exc}",
                            severity="error", timeout=20)
        if showing_it and isinstance(self.screen, SummaryScreen):
            self.screen.show_result(message.ok, message.text)
        if isinstance(self.screen, StartScreen):
            self.screen.refresh_earlier()  # a brought recording is now a transcript to review
        text = message.text if showing_it else f"{message.session_id}: {message.text}"
        self.notify(text, severity="information" if message.ok else "error", timeout=8 if message.ok else 20)
