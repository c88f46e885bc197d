"""The guide as a tree (themes → questions → follow-ups), each item with its state as a symbol,
so a marked item reads without colour."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Tree

from ...guide.model import Guide
from ...core import rules
from ...session.model import ITEM_STATE_SYMBOLS, Session

STATE_STYLES = {"not_yet": "", "asked": "yellow", "covered": "green", "skipped": "dim strike"}


def theme_counts(session: Session, theme) -> tuple[int, int]:
    questions = theme.questions
    done = sum(session.item_state(q.id) in ("covered", "skipped") for q in questions)
    return done, len(questions)


class GuideTree(Tree):
    def __init__(self, guide: Guide, **kwargs) -> None:
        super().__init__(guide.title, **kwargs)
        self.guide = guide
        self.show_root = False
        self.guide_lines = 1
        self.nodes_by_id = {}
        self.urgent: set[str] = set()
        """Must-cover questions whose time is running out: they stand out (symbol and style)."""

    def build(self, session: Session) -> None:
        self.clear()
        self.nodes_by_id = {}
        for theme in self.guide.themes:
            theme_node = self.root.add(self._label(session, theme.id), data=theme.id, expand=True)
            self.nodes_by_id[theme.id] = theme_node
            for question in theme.questions:
                node = theme_node.add(self._label(session, question.id), data=question.id,
                                      expand=True, allow_expand=bool(question.followups))
                self.nodes_by_id[question.id] = node
                for followup in question.followups:
                    self.nodes_by_id[followup.id] = node.add_leaf(self._label(session, followup.id),
                                                                  data=followup.id)

    def _label(self, session: Session, item_id: str) -> Text:
        item = self.guide.item(item_id)
        if item.kind == "theme":
            theme = next(t for t in self.guide.themes if t.id == item_id)
            done, total = theme_counts(session, theme)
            mark = "●" if total and done == total else ("◐" if done else "○")
            return Text.assemble((f"{mark} {item.id} ", "bold"), (item.text, "bold"), (f"  {done}/{total}", "cyan"))
        state = session.item_state(item_id)
        pending = state in ("not_yet", "asked") and any(
            s.item_id == item_id and s.decision == "pending" for s in session.suggestions)
        # A live suggestion takes the symbol's place (◇: heard, not yet decided; y accepts, r
        # rejects) — first on the line, where a narrow column still shows it.
        symbol = ("◇", "bold magenta") if pending else (ITEM_STATE_SYMBOLS[state], STATE_STYLES[state])
        label = Text.assemble(symbol, (f" {item.id} ", STATE_STYLES[state]))
        label.append(item.text, style=STATE_STYLES[state])
        if item.must_cover and rules.is_open(session, item_id):
            if item_id in self.urgent:
                label.append(" ★ NOW", style="bold black on yellow")
            else:
                label.append(" ★", style="bold yellow")
        return label

    def refresh_labels(self, session: Session) -> None:
        self.refresh_items(session, self.nodes_by_id)

    def refresh_items(self, session: Session, item_ids) -> None:
        for item_id in item_ids:
            node = self.nodes_by_id.get(item_id)
            if node is not None:
                node.set_label(self._label(session, item_id))

    def select_item(self, item_id: str) -> None:
        node = self.nodes_by_id.get(item_id)
        if node is not None:
            self.move_cursor(node)
