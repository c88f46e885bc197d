"""Briefing: purpose, confidentiality, consent to the recording, right to withdraw. Recording is
already running so the verbal consent is on tape; the guide opens only once consent is marked."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from ...model.timefmt import hms

from ..dialogs.confirm import ConfirmDialog
from ..widgets.rec_status import RecStatus


class ChecklistScreen(Screen):
    """A checklist of the guide's briefing or debriefing items, ticked with their call time."""

    section = "briefing"
    title_text = ""

    def compose(self) -> ComposeResult:
        app = self.app
        guide = app.store.session.guide
        checks = getattr(app.store.session, self.section)
        items = getattr(guide, self.section)
        yield Header()
        yield RecStatus()
        with Vertical(classes="checklist"):
            yield Static(self.title_text, classes="section")
            yield OptionList(*[Option(self._label(item, checks.get(item.id)), id=item.id) for item in items],
                             id="checklist")
            yield Static(self.hint(), id="hint")
        yield Footer()

    def _label(self, item, check) -> Text:
        done = check is not None and check.done
        text = Text("☑ " if done else "☐ ", style="bold green" if done else "bold")
        text.append(item.text)
        if getattr(item, "consent", False):
            text.append("  ★ consent to recording", style="bold yellow")
        if done and check.call_time is not None:
            text.append(f"  ✓ {hms(check.call_time)}", style="dim")
        return text

    def hint(self) -> str:
        return ""

    def on_mount(self) -> None:
        checklist = self.query_one("#checklist", OptionList)
        checklist.focus()
        checklist.highlighted = 0

    @on(OptionList.OptionSelected, "#checklist")
    def action_toggle(self) -> None:
        """Space or Enter ticks the highlighted item (or unticks it), stamped with the call time."""
        checklist = self.query_one("#checklist", OptionList)
        if checklist.highlighted is None:
            return
        item_id = checklist.get_option_at_index(checklist.highlighted).id
        checks = getattr(self.app.store.session, self.section)
        done = not (item_id in checks and checks[item_id].done)
        self.app.interview.check(self.section, item_id, done)
        item = next(i for i in getattr(self.app.store.session.guide, self.section) if i.id == item_id)
        checklist.replace_option_prompt(item_id, self._label(item, getattr(self.app.store.session, self.section).get(item_id)))
        self.query_one("#hint", Static).update(self.hint())


class BriefingScreen(ChecklistScreen):
    section = "briefing"
    title_text = "Briefing — before the interview (Space ticks an item)"
    BINDINGS = [("space", "toggle", "Tick"), ("ctrl+n", "continue", "To the guide"), ("ctrl+x", "refused", "Consent refused"),
                ("p", "app.toggle_pause", "Pause rec"), ("question_mark", "app.help", "Keys")]

    def hint(self) -> str:
        session = self.app.store.session
        if session.guide.consent_item() is None or session.consent == "given":
            return "Ctrl+N: on to the guide."
        return "The guide opens when consent to the recording is ticked. Ctrl+X if the informant refuses."

    def action_continue(self) -> None:
        session = self.app.store.session
        if session.guide.consent_item() is not None and session.consent != "given":
            self.notify("Tick the consent to the recording first (or Ctrl+X if it was refused).",
                        severity="warning")
            return
        self.app.go_to_phase("conduct")

    def action_refused(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.app.consent_refused()

        self.app.push_screen(ConfirmDialog("Consent refused: stop the recording and DELETE it?\n"
                                           "Notes and marks of this session are kept without audio.",
                                           yes="Delete recording"), answered)
