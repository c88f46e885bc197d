"""Editing one segment's text, the whole of it (wrapped over several lines), with keys that insert
the transcription conventions."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from ...review.editing import CONVENTIONS, inaudible_mark, stress

HELP = ("Enter saves · Esc cancels · F7 selects it all (type over it to retype) · F2 pause (.) · F3 (laughter) · "
        "F4 (coughs) · F5 (inaudible hh:mm:ss) · F6 *stress* the word before the cursor")
"""F7 is the text area's own select-all: Ctrl+A moves to the line's start there, and retyping a
segment Whisper got wholly wrong meant deleting it a character at a time (seen in tmux)."""


class EditDialog(ModalScreen[str | None]):
    # F-keys, as in oTranscribe: the Ctrl keys belong to the text field (Ctrl+U, Ctrl+K…). A segment
    # is one paragraph, so Enter saves rather than starting a new line.
    # priority: the text area has its own F6 (select line) and Escape.
    BINDINGS = [Binding("escape", "cancel", "Cancel", priority=True), Binding("enter", "save", "Save", priority=True),
                Binding("f2", "insert('short_pause')", "(.)", priority=True),
                Binding("f3", "insert('laughter')", "(laughter)", priority=True),
                Binding("f4", "insert('coughs')", "(coughs)", priority=True),
                Binding("f5", "inaudible", "(inaudible)", priority=True),
                Binding("f6", "stress", "*stress*", priority=True)]

    def __init__(self, title: str, text: str, at_seconds: float = 0.0) -> None:
        super().__init__()
        self.title_text, self.text, self.at_seconds = title, text, at_seconds

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-text")
            yield TextArea(self.text, id="edit-text", soft_wrap=True, show_line_numbers=False)
            yield Static(HELP, classes="dialog-help")

    def on_mount(self) -> None:
        area = self._area()
        area.focus()
        area.move_cursor(area.document.end)

    def _area(self) -> TextArea:
        return self.query_one("#edit-text", TextArea)

    def action_insert(self, convention: str) -> None:
        self._area().insert(f" {CONVENTIONS[convention]} ")

    def action_inaudible(self) -> None:
        self._area().insert(f" {inaudible_mark(self.at_seconds)} ")

    def action_stress(self) -> None:
        area = self._area()
        before = area.get_text_range((0, 0), area.cursor_location)
        words = before.rstrip().rsplit(" ", 1)
        if not words or not words[-1]:
            return
        word = words[-1]
        end = len(before.rstrip())
        start = end - len(word)
        area.replace(stress(word), self._location(start), self._location(end))

    def _location(self, offset: int) -> tuple[int, int]:
        text = self._area().text[:offset]
        return text.count("\n"), len(text) - (text.rfind("\n") + 1)

    def action_save(self) -> None:
        self.dismiss(self._area().text)

    def action_cancel(self) -> None:
        self.dismiss(None)
