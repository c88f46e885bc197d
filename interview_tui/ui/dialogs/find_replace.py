"""Find and replace across the whole transcript (whole words)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class FindReplaceDialog(ModalScreen[tuple[str, str] | None]):
    BINDINGS = [("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Find and replace (whole words) — Enter in the second field replaces everywhere",
                         classes="dialog-text")
            yield Input(placeholder="find", id="find")
            yield Input(placeholder="replace with", id="replace")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "find":
            self.query_one("#replace", Input).focus()
            return
        find = self.query_one("#find", Input).value
        self.dismiss((find, event.value) if find else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
