"""The current question, large and clear, with its follow-up prompts under it."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...guide.model import Guide
from ...session.model import ITEM_STATE_SYMBOLS, Session
from .guide_tree import STATE_STYLES


class QuestionPanel(Static):
    def show(self, guide: Guide, session: Session, item_id: str | None) -> None:
        if item_id is None:
            self.update("Choose a question on the left.")
            return
        item = guide.item(item_id)
        question_id = item.question_id or None
        if item.kind == "theme":
            theme = next(t for t in guide.themes if t.id == item_id)
            text = Text(f"Theme {theme.id}: {theme.title}\n", style="bold")
            if theme.minutes:
                text.append(f"planned {theme.minutes} min\n", style="dim")
            for question in theme.questions:
                state = session.item_state(question.id)
                text.append(f"\n{ITEM_STATE_SYMBOLS[state]} {question.id}  {question.text}", style=STATE_STYLES[state])
            self.update(text)
            return
        question = guide.item(question_id)
        state = session.item_state(question.id)
        text = Text()
        text.append(f"{ITEM_STATE_SYMBOLS[state]} {question.id}", style="bold " + STATE_STYLES[state])
        if question.must_cover:
            text.append("  ★ must cover", style="bold yellow")
        text.append("\n")
        text.append(question.text, style="bold reverse" if item.kind == "question" else "bold")
        text.append("\n")
        followups = [i for i in guide.items() if i.kind == "followup" and i.question_id == question.id]
        for followup in followups:
            f_state = session.item_state(followup.id)
            pointer = "▶ " if followup.id == item_id else "  "
            style = STATE_STYLES[f_state] + (" reverse" if followup.id == item_id else "")
            text.append(f"\n{pointer}{ITEM_STATE_SYMBOLS[f_state]} {followup.id}  {followup.text}", style=style.strip())
        self.update(text)
