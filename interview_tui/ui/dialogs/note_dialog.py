"""A free note, stamped with the call time at the moment the dialog opened."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class NoteDialog(ModalScreen[str | None]):
    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, stamp: str, item_id: str | None) -> None:
        super().__init__()
        self.stamp, self.item_id = stamp, item_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            where = f" at {self.item_id}" if self.item_id else ""
            yield Static(f"Note at {self.stamp}{where} — Enter saves, Esc cancels", classes="dialog-text")
            yield Input(placeholder="what to remember…", id="note-text")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
