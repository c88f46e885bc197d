"""Every key of the screen underneath, and the global ones."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


KEY_NAMES = {"question_mark": "?", "comma": ",", "full_stop": ".", "space": "Space", "enter": "Enter",
             "escape": "Esc", "right": "→", "left": "←", "up": "↑", "down": "↓"}


def help_rows(owners, hide: set[str] = frozenset()) -> list[tuple[str, str]]:
    """(keys, what they do) for the screen's bindings, then the app's; a key the screen uses
    itself (Ctrl+R resumes on the start screen) is listed once, with the screen's meaning."""
    rows, seen = [], set()
    for owner in owners:
        for binding in owner.BINDINGS:
            key, _, description = binding if isinstance(binding, tuple) else \
                (binding.key, binding.action, binding.description)
            keys = [k.strip() for k in key.split(",")]
            if seen & set(keys) or key in hide:
                continue
            seen.update(keys)
            rows.append((", ".join(KEY_NAMES.get(k, k.replace("ctrl+", "Ctrl+")) for k in keys), description))
    return rows + [("↑ ↓ / mouse", "move through the list or the guide"), ("Enter", "open / close, or choose")]


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
