"""The live transcript on the conduct screen: the transcriber's status, the last turns, and the
newest suggestion with the keys that decide it. Text is shown once it is final (per utterance),
so nothing flickers or rewrites itself under the interviewer's eyes."""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual.widgets import Static

from ...model.timefmt import hms

SHOWN_TURNS = 4
PANE_LINES = 6
"""app.tcss #live: at most 7 rows, one of them its border."""
STATUS_STYLES = {"on": "green", "starting": "cyan", "catching up": "yellow", "off": "dim"}


class LivePane(Static):
    def on_mount(self) -> None:
        self.turns: deque = deque(maxlen=SHOWN_TURNS)
        self.status = ("off", "starts with the recording")
        self.suggestion: str = ""
        self.redraw()

    def set_status(self, state: str, detail: str) -> None:
        self.status = (state, detail)
        self.redraw()

    def add_turn(self, start: float, speaker: str, text: str) -> None:
        self.turns.append((start, speaker, text))
        self.redraw()

    def set_suggestion(self, line: str) -> None:
        self.suggestion = line
        self.redraw()

    def redraw(self) -> None:
        state, detail = self.status
        out = Text.assemble(("live ", "bold"), (state, f"bold {STATUS_STYLES.get(state, '')}"),
                            (f" — {detail}" if detail else "", "dim"), ("   L: on/off", "dim"))
        width = max(20, (self.size.width or 80) - 1)
        room = PANE_LINES - 1
        if self.suggestion:  # before the turns: the pane is short, and this needs a key
            out.append(f"\n{self.suggestion}", style="bold magenta")
            room -= len(Text(self.suggestion).wrap(self.app.console, width))
        # The newest turns that fit under a suggestion wrapped over two or three lines: the pane
        # showed the oldest and cut the newest off below its edge (seen in tmux).
        shown = list(self.turns)[-room:] if room > 0 else []
        for start, speaker, text in shown:  # newest last, one line each: the pane never scrolls
            line = f"[{hms(start)}] {speaker}: {text}"
            out.append("\n" + (line if len(line) <= width else line[: width - 1] + "…"))
        self.update(out)
