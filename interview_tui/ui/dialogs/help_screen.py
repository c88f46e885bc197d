"""Every key of the screen underneath, and the global ones."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [("escape,question_mark,q", "dismiss", "Close")]

    def __init__(self, bindings: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = bindings

    def help_table(self) -> Table:
        table = Table("key", "what it does", title="Keys (Esc closes)", expand=True)
        for key, description in self.rows:
            table.add_row(key, description)
        return table

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(self.help_table())
