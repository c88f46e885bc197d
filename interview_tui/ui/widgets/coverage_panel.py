"""The review's guide panel: each guide item's coverage in the transcript, Enter to its evidence."""

from __future__ import annotations

from textwrap import shorten

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...coverage.report import STATUS_SYMBOLS


class CoveragePanel(Vertical):
    def compose(self) -> ComposeResult:
        yield Static("Guide coverage (Enter jumps to the evidence)", classes="section")
        yield OptionList(Option("checking the guide's coverage…", disabled=True), id="coverage")

    def show(self, report) -> None:
        options = []
        for item in report.items:
            indent = {"theme": "", "question": " ", "followup": "   "}[item.kind]
            differs = " ≠" if item.disagreement else ""  # you and the check disagree: look again
            options.append(Option(Text(f"{indent}{STATUS_SYMBOLS[item.status]}{differs} {item.id} {shorten(item.text, 40, placeholder='…')}"),
                                  id=item.id))
        panel = self.query_one("#coverage", OptionList)
        # The check runs again after every edit or tag: the researcher keeps their place in the list.
        kept = panel.highlighted_option.id if panel.highlighted_option is not None else None
        panel.clear_options()
        panel.add_options(options)
        ids = [option.id for option in options]
        if kept in ids:
            panel.highlighted = ids.index(kept)
