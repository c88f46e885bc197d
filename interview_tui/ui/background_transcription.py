"""The app's transcription after a call: ``interview-tui transcribe`` as a child process, run
from a worker, its progress and result posted as messages to whatever screen shows the session
(the researcher may have begun the next interview by the time it ends)."""

from __future__ import annotations

import threading

from textual import work

from ..errors import UserError
from .messages import TranscriptionFinished, TranscriptionProgress
from .screens.summary import SummaryScreen


class BackgroundTranscription:
    """Mixed into the app: it needs ``study``, ``store``, ``screen``, ``notify`` and ``post_message``."""

    def transcribe_in_background(self, new_version: bool = False) -> None:
        self._transcribe_cancel = threading.Event()
        self._transcribe(self.store.session.id, self._transcribe_cancel, new_version)

    @work(thread=True, exclusive=True, group="transcribe", exit_on_error=False, description="Transcription")
    def _transcribe(self, session_id: str, cancel: threading.Event, new_version: bool) -> None:
        from ..core.transcription import transcribe_in_background

        result = transcribe_in_background(self.study.root, session_id,
                                          lambda f: self.post_message(TranscriptionProgress(f)), cancel,
                                          new_version=new_version)
        self.post_message(TranscriptionFinished(result.ok, result.message, result.transcript_file, session_id))

    def cancel_transcription(self) -> None:
        self._transcribe_cancel.set()

    def on_transcription_progress(self, message: TranscriptionProgress) -> None:
        if isinstance(self.screen, SummaryScreen):
            self.screen.show_progress(message.fraction)

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
                    found.store.set_transcript(message.transcript_file)
            except UserError as exc:
                self.notify(f"The transcript was written, but its session could not be updated: {exc}",
                            severity="error", timeout=20)
        if showing_it and isinstance(self.screen, SummaryScreen):
            self.screen.show_result(message.ok, message.text)
        self.notify(message.text, severity="information" if message.ok else "error",
                    timeout=8 if message.ok else 20)
