"""Conduct: the guide during the call. Move freely (the talk jumps around), mark items asked /
covered / skipped, undo, note, mark the moment; everything is saved at once."""

from __future__ import annotations

from textwrap import shorten

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, Tree

from ...core import rules
from ...errors import UserError
from ...model.timefmt import hms
from ..dialogs.confirm import ConfirmDialog
from ..dialogs.note_dialog import NoteDialog
from ..widgets.guide_tree import GuideTree
from ..widgets.question_panel import QuestionPanel
from ..widgets.live_pane import LivePane
from ..widgets.rec_status import RecStatus

OPEN_LISTED = 60
"""The panel shows a few lines; listing a thousand open ids would only cost time on every key."""


class ConductScreen(Screen):
    # The footer shows what fits at 80 columns; `?` lists every key. ← → are the screen's (priority),
    # not the tree's sideways scroll: a theme jump that scrolled instead once got the wrong item marked.
    BINDINGS = [
        Binding("a", "mark('asked')", "Asked"),
        Binding("c", "mark('covered')", "Covered"),
        Binding("x", "mark('skipped')", "Skip"),
        Binding("u", "undo", "Undo", show=False),
        Binding("n", "note", "Note"),
        Binding("m", "marker", "Marker", show=False),
        Binding("p", "app.toggle_pause", "Pause rec", show=False),
        Binding("ctrl+e", "debrief", "Debrief"),
        Binding("right,l", "next_theme", "Next theme", show=False, priority=True),
        Binding("left,h", "previous_theme", "Prev theme", show=False, priority=True),
        Binding("y", "decide_suggestion(True)", "Accept ◇", show=False),
        Binding("r", "decide_suggestion(False)", "Reject ◇", show=False),
        Binding("L", "toggle_live", "Live on/off", show=False),
        Binding("question_mark", "app.help", "Keys"),
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
                yield Static(id="notes")
                yield Static(id="uncovered")
                yield LivePane(id="live")
        yield Footer()

    @property
    def interview(self):
        return self.app.interview

    @property
    def store(self):
        return self.app.interview.store

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
        live = self.interview.live
        if live is not None:  # it started with the recording, before this screen
            pane = self.query_one(LivePane)
            pane.set_status(live.status.state, live.status.detail)
            for turn in live.turns[-4:]:
                pane.add_turn(turn.start, turn.speaker, turn.text)
        # Back from the debriefing, or resumed after a crash: a suggestion still to decide shows
        # again (its ◇ in the tree alone did not say that y / r would decide it).
        self.call_after_refresh(self.show_next_pending)

    # --- live coverage ---------------------------------------------------------------------------
    def show_live(self, event) -> None:
        from ...core.live import LiveStatus, LiveSuggested, LiveTurn

        pane = self.query_one(LivePane)
        if isinstance(event, LiveStatus):
            pane.set_status(event.state, event.detail)
        elif isinstance(event, LiveTurn):
            pane.add_turn(event.segment.start, event.segment.speaker, event.segment.text)
        elif isinstance(event, LiveSuggested):
            item = self.store.session.guide.item(event.suggestion.item_id)
            pane.set_suggestion(f"◇ {item.id} {shorten(item.text, 50, placeholder='…')} — heard: "
                                f"“{shorten(event.suggestion.text, 60, placeholder='…')}”  y accept · r reject")
            self.refresh_all(item.id)  # the tree, and the panel when it shows this item

    def pending_suggestion(self) -> int | None:
        """The newest suggestion still to decide. One whose question the interviewer has since
        marked by hand is decided by that mark: y or r must not land on it."""
        session = self.store.session

        def marked(item_id: str) -> bool:
            record = session.items.get(item_id)
            return record is not None and record.latest("interviewer") is not None

        pending = [i for i, s in enumerate(session.suggestions) if s.decision == "pending" and not marked(s.item_id)]
        return pending[-1] if pending else None

    def show_next_pending(self) -> None:
        following = self.pending_suggestion()
        self.query_one(LivePane).set_suggestion(
            "" if following is None else f"◇ {self.store.session.suggestions[following].item_id} still to decide (y / r)")

    def action_decide_suggestion(self, accepted: bool) -> None:
        index = self.pending_suggestion()
        if index is None:
            self.notify("No suggestion to decide.", timeout=3)
            return
        try:
            suggestion = self.interview.decide_suggestion(index, accepted)
        except UserError as exc:  # a hand-edited session: said, nothing changed
            self.notify(str(exc), severity="warning", timeout=10)
            return
        self.refresh_all(suggestion.item_id)  # its question and theme counts, and the panel, too
        self.show_next_pending()

    def action_toggle_live(self) -> None:
        if self.interview.live is not None:
            self.interview.live_switched_off = True
            self.app.run_worker(lambda: self.interview.stop_live("switched off — L switches it on"), thread=True,
                                group="live-stop", exit_on_error=False, description="Stopping live transcription")
            self.query_one(LivePane).set_status("off", "switched off — L switches it on")
        elif self.interview.recording:
            self.interview.live_switched_off = False
            self.app._run_live(self.interview)
        else:
            self.notify("Live transcription needs the recording.", severity="warning")

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
        self.interview.set_current(item_id)
        self.query_one(QuestionPanel).show(guide, self.store.session, item_id)
        self.refresh_uncovered()
        self.refresh_notes()

    def refresh_all(self, changed: str | None = None) -> None:
        """After a mark: only the marked item and the lines that count it (its question, its theme)
        are redrawn — a guide of a thousand questions stays quick to mark."""
        tree = self.query_one(GuideTree)
        if changed is None:
            tree.refresh_labels(self.store.session)
        else:
            item = self.store.session.guide.item(changed)
            tree.refresh_items(self.store.session, {changed, item.question_id, item.theme_id} - {None, ""})
        item_id = self.selected_item()
        if item_id:
            self.query_one(QuestionPanel).show(self.store.session.guide, self.store.session, item_id)
        self.refresh_uncovered()

    def refresh_notes(self) -> None:
        """The last notes and markers, so the interviewer sees what was written (and when)."""
        notes = [n for n in self.store.session.notes if n.kind in ("note", "marker")][-3:]
        text = Text()
        for note in notes:
            stamp = hms(note.call_time or 0.0)
            label = "▲ marker" if note.kind == "marker" else f"✎ {note.text}"
            text.append(f"{stamp} {label}" + (f"  ({note.item_id})" if note.item_id else "") + "\n", style="dim")
        self.query_one("#notes", Static).update(text or Text("No notes yet: n writes one, m marks the moment.",
                                                             style="dim"))

    def refresh_uncovered(self) -> None:
        session = self.store.session
        open_questions = rules.open_questions(session)
        urgent = {q.id for q in rules.urgent_must_cover(session, self.store.call_time())}
        tree = self.query_one(GuideTree)
        if urgent != tree.urgent:
            tree.urgent = urgent
            tree.refresh_labels(session)
        text = Text(f"Still open: {len(open_questions)} questions  ", style="bold")
        for question in open_questions[:OPEN_LISTED]:
            if question.must_cover:
                text.append(f"★{question.id} ", style="bold black on yellow" if question.id in urgent else "bold yellow")
            else:
                text.append(f"{question.id} ")
        if urgent:
            text.append(f"\n★ time is running out for must-cover: {' '.join(sorted(urgent))}", style="bold yellow")
        self.query_one("#uncovered", Static).update(text)

    def theme_time_text(self) -> Text:
        if self.current_theme is None:
            return Text("")
        timing = rules.theme_time(self.store.session, self.current_theme)
        text = Text(f"Theme {timing.theme.id} {hms(timing.spent)[3:]}")
        if timing.planned is not None:
            text.append(f"/{hms(timing.planned)[3:]}", style="bold red" if timing.over else "")
            if timing.over:
                text.append(" OVER", style="bold red")
        return text

    def tick(self) -> None:
        """Call time passes for the theme on screen (the core skips pauses and the time before the clock)."""
        if self.current_theme is None:
            return
        self.interview.count_theme_time(self.current_theme, 1.0)
        if self.store.unsaved is not None and int(self.store.session.theme_seconds.get(self.current_theme, 0)) % 10 == 0:
            self.interview.retry_save()
        if int(self.store.session.theme_seconds.get(self.current_theme, 0.0)) % 5 == 0:
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
        self.interview.mark(item_id, state)
        self.refresh_all(item_id)
        if self.query_one(LivePane).suggestion.startswith(f"◇ {item_id} "):
            # Seen in tmux: the interviewer marked the question the moment it was answered, and
            # its suggestion stayed on screen asking for y / r.
            self.show_next_pending()

    def action_undo(self) -> None:
        undone = self.interview.undo()
        if undone is None:
            self.notify("Nothing to undo.")
            return
        self.query_one(GuideTree).select_item(undone)
        self.refresh_all(undone)
        self.notify(f"Undone: the last mark on {undone}.")

    def action_note(self) -> None:
        stamp = hms(self.store.call_time() or 0.0)
        item_id = self.selected_item()
        call_time = self.store.call_time()

        def save(text: str | None) -> None:
            if text:  # stamped with the moment the interviewer reached for the key
                self.interview.note(text, call_time=call_time, item_id=item_id)
                self.refresh_notes()
                self.notify(f"Note saved at {stamp}.")

        where = f" ({item_id})" if item_id else ""
        self.app.push_screen(NoteDialog(f"Note at {stamp}{where}"), save)

    def action_marker(self) -> None:
        note = self.interview.marker(self.selected_item())
        self.refresh_notes()
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
        """On to the debriefing — after a warning when must-cover questions are still open."""
        still_open = rules.open_must_cover(self.store.session)
        if not still_open:
            self.app.go_to_phase("debriefing")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.go_to_phase("debriefing")

        # A question live transcription heard asked, still to decide: say so — the interviewer
        # may only need to press y (seen in tmux: two of five "open" ones were waiting for that).
        heard = {s.item_id for s in self.store.session.suggestions if s.decision == "pending"}
        listed = "\n".join(f"  ★ {q.id} {q.text}" + ("  (◇ heard — y accepts it)" if q.id in heard else "")
                           for q in still_open[:6])
        more = f"\n  … and {len(still_open) - 6} more" if len(still_open) > 6 else ""
        self.app.push_screen(ConfirmDialog(f"{len(still_open)} must-cover question(s) are still open:\n"
                                           f"{listed}{more}\n\nGo to the debriefing anyway?",
                                           yes="Debriefing", no="Back to the guide"), answered)
