"""Messages from the workers (recorder, transcriber) to the UI. Posted from threads; handled on
the UI's loop, which is the only place that touches widgets."""

from __future__ import annotations

from textual.message import Message

from ..core.events import LevelEvent, RecorderStopped, RecorderWarning, RecordingStarted


class RecorderLevels(Message):
    def __init__(self, event: LevelEvent) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RecorderLevels)  # only the newest level matters


class RecorderWarned(Message):
    def __init__(self, warning: RecorderWarning) -> None:
        super().__init__()
        self.warning = warning


class RecorderEnded(Message):
    def __init__(self, result: RecorderStopped | None, error: str = "") -> None:
        super().__init__()
        self.result = result
        self.error = error


class RecordingBegan(Message):
    def __init__(self, event: RecordingStarted) -> None:
        super().__init__()
        self.event = event


class SessionSaveProblem(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class TranscriptionProgress(Message):
    def __init__(self, fraction: float, text: str = "", ref: str = "") -> None:
        super().__init__()
        self.fraction = fraction
        self.text = text
        self.ref = ref
        """The session or brought recording being transcribed."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, TranscriptionProgress) and message.ref == self.ref


class TranscriptionFinished(Message):
    def __init__(self, ok: bool, text: str, transcript_file: str | None = None, session_id: str = "") -> None:
        super().__init__()
        self.ok = ok
        self.text = text
        self.transcript_file = transcript_file
        self.session_id = session_id


class LiveUpdate(Message):
    """From the live transcription (core/live.py): a status, a final turn or a suggestion."""

    def __init__(self, event) -> None:
        super().__init__()
        self.event = event
