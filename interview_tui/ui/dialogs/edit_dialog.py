"""Editing one segment's text, with keys that insert the transcription conventions."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ...review.editing import CONVENTIONS, inaudible_mark, stress

HELP = ("Enter saves · Esc cancels · F2 pause (.) · F3 (laughter) · F4 (coughs) · "
        "F5 (inaudible hh:mm:ss) · F6 *stress* the word before the cursor")


class EditDialog(ModalScreen[str | None]):
    # F-keys, as in oTranscribe: the Ctrl keys belong to the text field (Ctrl+U, Ctrl+K…).
    BINDINGS = [("escape", "cancel", "Cancel"), ("f2", "insert('short_pause')", "(.)"),
                ("f3", "insert('laughter')", "(laughter)"), ("f4", "insert('coughs')", "(coughs)"),
                ("f5", "inaudible", "(inaudible)"), ("f6", "stress", "*stress*")]

    def __init__(self, title: str, text: str, at_seconds: float = 0.0) -> None:
        super().__init__()
        self.title_text, self.text, self.at_seconds = title, text, at_seconds

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-text")
            yield Input(value=self.text, id="edit-text")
            yield Static(HELP, classes="dialog-help")

    def _input(self) -> Input:
        return self.query_one("#edit-text", Input)

    def action_insert(self, convention: str) -> None:
        self._input().insert_text_at_cursor(f" {CONVENTIONS[convention]} ")

    def action_inaudible(self) -> None:
        self._input().insert_text_at_cursor(f" {inaudible_mark(self.at_seconds)} ")

    def action_stress(self) -> None:
        field = self._input()
        before, after = field.value[: field.cursor_position], field.value[field.cursor_position:]
        words = before.rstrip().rsplit(" ", 1)
        if not words or not words[-1]:
            return
        head = words[0] + " " if len(words) == 2 else ""
        field.value = head + stress(words[-1]) + (" " if before.endswith(" ") else "") + after
        field.cursor_position = len(field.value) - len(after)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
