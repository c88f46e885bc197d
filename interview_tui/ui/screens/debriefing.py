"""Debriefing: the guide's closing questions, then stop."""

from __future__ import annotations

import textwrap

from ..dialogs.confirm import ConfirmDialog
from .briefing import ChecklistScreen


class DebriefingScreen(ChecklistScreen):
    section = "debriefing"
    title_text = "Debriefing — closing questions (Space ticks an item)"
    BINDINGS = [("space", "toggle", "Tick"), ("ctrl+e", "stop", "Stop interview"), ("ctrl+b", "back", "Back to the guide"),
                ("p", "app.toggle_pause", "Pause rec"), ("question_mark", "app.help", "Keys")]

    def hint(self) -> str:
        text = "Ctrl+E: stop the recording and end the interview. Ctrl+B: back to the guide."
        live = self.app.interview.live if self.app.interview is not None else None
        missing = live.summary() if live is not None else []
        if missing:  # the informant is still on the line: the last chance to ask
            # One per line, cut at a word: "…How do" read as part of the next question.
            text += "\nMust-cover, not covered (by your marks or what was heard):" + "".join(
                "\n  " + textwrap.shorten(line, 90, placeholder=" …") for line in missing)
        return text

    def action_back(self) -> None:
        self.app.go_to_phase("conduct")

    def action_stop(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.app.end_session()

        self.app.push_screen(ConfirmDialog("Stop the recording and end the interview?", yes="Stop"), answered)
