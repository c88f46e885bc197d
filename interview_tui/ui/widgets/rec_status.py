"""The line that is always visible: REC state, call time, level meters, the newest warning, and
the time spent in the current theme against its plan."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from ...model.timefmt import hms
from .level_meter import LevelMeters

REC_LABELS = {"off": ("○ NOT RECORDING", "dim"), "rec": ("● REC", "bold red"),
              "paused": ("‖ PAUSED", "bold yellow"), "lost": ("✕ DEVICE LOST", "bold red reverse"),
              "none": ("○ NO RECORDING (notes only)", "yellow")}


class RecStatus(Horizontal):
    def compose(self) -> ComposeResult:
        yield Static(id="rec-state")
        yield Static(id="call-time")
        yield LevelMeters(id="meters")
        yield Static(id="theme-time")
        yield Static(id="rec-warning")

    def on_mount(self) -> None:
        self.refresh_status()
        self.set_interval(0.5, self.refresh_status)

    def refresh_status(self) -> None:
        app = self.app
        label, style = REC_LABELS.get(app.rec_state, REC_LABELS["off"])
        self.query_one("#rec-state", Static).update(Text(label, style=style))
        call_time = app.store.call_time() if app.store is not None else None
        self.query_one("#call-time", Static).update(hms(call_time) if call_time is not None else "--:--:--")
        self.query_one("#rec-warning", Static).update(Text(app.last_warning, style="bold yellow"))
        theme = getattr(self.screen, "theme_time_text", None)
        self.query_one("#theme-time", Static).update(theme() if callable(theme) else "")

    def show_levels(self, levels) -> None:
        self.query_one(LevelMeters).show_levels(levels)
