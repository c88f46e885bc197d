"""Conduct: the guide during the call. Move freely (the talk jumps around), mark items asked /
covered / skipped, undo, note, mark the moment; everything is saved at once."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, Tree

from ...export.timefmt import hms
from ..dialogs.note_dialog import NoteDialog
from ..widgets.guide_tree import GuideTree
from ..widgets.question_panel import QuestionPanel
from ..widgets.rec_status import RecStatus

MUST_COVER_WARNING_SHARE = 0.75
"""From this share of the planned interview time on, uncovered must-cover items stand out."""


class ConductScreen(Screen):
    BINDINGS = [
        ("a", "mark('asked')", "Asked"),
        ("c", "mark('covered')", "Covered"),
        ("x", "mark('skipped')", "Skip"),
        ("u", "undo", "Undo"),
        ("n", "note", "Note"),
        ("m", "marker", "Marker"),
        ("p", "app.toggle_pause", "Pause rec"),
        ("ctrl+e", "debrief", "Debriefing"),
        ("right,l", "next_theme", "Next theme"),
        ("left,h", "previous_theme", "Prev theme"),
        ("question_mark", "app.help", "Keys"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.current_theme: str | None = None

    def compose(self) -> ComposeResult:
        guide = self.app.store.session.guide
        yield Header()
        yield RecStatus()
        with Horizontal(id="conduct"):
            yield GuideTree(guide, id="guide-tree")
            with Vertical(id="right"):
                yield QuestionPanel(id="question")
                yield Static(id="uncovered")
        yield Footer()

    @property
    def store(self):
        return self.app.store

    def on_mount(self) -> None:
        tree = self.query_one(GuideTree)
        tree.build(self.store.session)
        guide = self.store.session.guide
        first = guide.themes[0].questions[0].id if guide.themes[0].questions else guide.themes[0].id
        current = self.store.session.current_item or first
        tree.focus()
        self.show_item(current)
        self.call_after_refresh(tree.select_item, current)  # the tree has its lines only after a refresh
        self.set_interval(1.0, self.tick)

    # --- what is shown -----------------------------------------------------------------------
    def selected_item(self) -> str | None:
        node = self.query_one(GuideTree).cursor_node
        return node.data if node is not None else None

    @on(Tree.NodeHighlighted)
    def highlighted(self, event: Tree.NodeHighlighted) -> None:
        if event.node.data:
            self.show_item(event.node.data)

    def show_item(self, item_id: str) -> None:
        guide = self.store.session.guide
        item = guide.item(item_id)
        if item.theme_id != self.current_theme:
            self.current_theme = item.theme_id
            for status in self.query(RecStatus):
                status.refresh_status()
        if self.store.session.current_item != item_id:
            self.store.set_current(item_id)
        self.query_one(QuestionPanel).show(guide, self.store.session, item_id)
        self.refresh_uncovered()

    def refresh_all(self) -> None:
        self.query_one(GuideTree).refresh_labels(self.store.session)
        item_id = self.selected_item()
        if item_id:
            self.query_one(QuestionPanel).show(self.store.session.guide, self.store.session, item_id)
        self.refresh_uncovered()

    def refresh_uncovered(self) -> None:
        session = self.store.session
        open_items = [q for _, q in session.guide.questions() if session.item_state(q.id) not in ("covered", "skipped")]
        planned = sum(t.minutes or 0 for t in session.guide.themes) * 60
        elapsed = self.store.call_time() or 0.0
        late = planned and elapsed >= planned * MUST_COVER_WARNING_SHARE
        text = Text(f"Still open: {len(open_items)} questions  ", style="bold")
        for question in open_items:
            if question.must_cover:
                text.append(f"★{question.id} ", style="bold black on yellow" if late else "bold yellow")
            else:
                text.append(f"{question.id} ")
        if late and any(q.must_cover for q in open_items):
            text.append(f"\n★ must-cover items still open at {hms(elapsed)} of {hms(planned)} planned",
                        style="bold yellow")
        self.query_one("#uncovered", Static).update(text)

    def theme_time_text(self) -> Text:
        if self.current_theme is None:
            return Text("")
        theme = next(t for t in self.store.session.guide.themes if t.id == self.current_theme)
        spent = self.store.session.theme_seconds.get(theme.id, 0.0)
        text = Text(f"Theme {theme.id} {hms(spent)[3:]}")
        if theme.minutes:
            over = spent > theme.minutes * 60
            text.append(f"/{theme.minutes:02d}:00", style="bold red" if over else "")
            if over:
                text.append(" OVER", style="bold red")
        return text

    def tick(self) -> None:
        """Count call time against the current theme; saved every ten seconds."""
        if self.current_theme is None or self.app.rec_state == "paused" or self.store.call_time() is None:
            return  # no clock running (not started yet), or paused: no call time passes
        seconds = self.store.session.theme_seconds.get(self.current_theme, 0.0)
        self.store.add_theme_time(self.current_theme, 1.0, save=int(seconds) % 10 == 9)
        if int(seconds) % 5 == 0:
            self.refresh_uncovered()

    # --- actions -----------------------------------------------------------------------------
    def action_mark(self, state: str) -> None:
        item_id = self.selected_item()
        if item_id is None:
            return
        item = self.store.session.guide.item(item_id)
        if item.kind == "theme":
            self.notify("Marks go on questions and follow-ups; open the theme with Enter.", severity="warning")
            return
        self.store.mark(item_id, state)
        self.refresh_all()

    def action_undo(self) -> None:
        undone = self.store.undo()
        if undone is None:
            self.notify("Nothing to undo.")
            return
        self.query_one(GuideTree).select_item(undone)
        self.refresh_all()
        self.notify(f"Undone: the last mark on {undone}.")

    def action_note(self) -> None:
        stamp = hms(self.store.call_time() or 0.0)
        item_id = self.selected_item()
        call_time = self.store.call_time()

        def save(text: str | None) -> None:
            if text:
                note = self.store.add_note(text, item_id=item_id)
                note.call_time = call_time  # the moment the interviewer reached for the key
                self.store.save()
                self.notify(f"Note saved at {stamp}.")

        where = f" ({item_id})" if item_id else ""
        self.app.push_screen(NoteDialog(f"Note at {stamp}{where}"), save)

    def action_marker(self) -> None:
        note = self.store.add_note("marker", kind="marker", item_id=self.selected_item())
        self.notify(f"Marker at {hms(note.call_time or 0.0)}.")

    def _move_theme(self, step: int) -> None:
        themes = [t.id for t in self.store.session.guide.themes]
        index = themes.index(self.current_theme) if self.current_theme in themes else 0
        target = themes[(index + step) % len(themes)]
        self.query_one(GuideTree).select_item(target)

    def action_next_theme(self) -> None:
        self._move_theme(1)

    def action_previous_theme(self) -> None:
        self._move_theme(-1)

    def action_debrief(self) -> None:
        self.app.go_to_phase("debriefing")
