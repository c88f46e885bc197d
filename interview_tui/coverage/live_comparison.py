"""Where the coverage found in the final transcript differs from what was suggested during the call.

The live draft is quick and rough (a small model, an utterance at a time); the transcript made
after the call is the better one. The interviewer acted on the live suggestions — accepted some,
rejected some — so after the call they need to see where the two disagree: a suggestion the
transcript does not bear out, a rejection the transcript contradicts, a question the transcript
finds that was never suggested. The transcript's own finding is the automatic status (a mark the
interviewer made, or an accepted suggestion, does not count as the transcript agreeing).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.timefmt import hms
from ..session.model import LiveSuggestion
from .report import STATUS_WORDS, CoverageReport, CoverageStatus

LIVE_WORDS = {"pending": "suggested live (not decided)", "accepted": "suggested live and accepted",
              "rejected": "suggested live and rejected"}


@dataclass(frozen=True)
class LiveDifference:
    item_id: str
    item_text: str
    live: str
    """pending / accepted / rejected (a suggestion's decision), or "not suggested"."""
    final: CoverageStatus
    call_time: float | None
    """When the live suggestion came, or where the transcript found the item."""

    def line(self) -> str:
        where = f" at {hms(self.call_time)}" if self.call_time is not None else ""
        if self.live == "not suggested":
            return f"{self.item_id}: not suggested live; the transcript finds it {STATUS_WORDS[self.final]}{where}"
        return f"{self.item_id}: {LIVE_WORDS[self.live]}{where}; the transcript finds it {STATUS_WORDS[self.final]}"


@dataclass(frozen=True)
class LiveComparison:
    suggested: int
    agreed: int
    """Suggestions the transcript bears out (accepted or pending and found; rejected and not found)."""
    differences: list[LiveDifference]

    def headline(self) -> str:
        if not self.suggested and not self.differences:
            return "no live suggestions during the call"
        return (f"{self.agreed} of {self.suggested} live suggestions agree with the transcript; "
                f"{len(self.differences)} difference(s) to check")


def compare_live(suggestions: list[LiveSuggestion], report: CoverageReport) -> LiveComparison:
    latest = {suggestion.item_id: suggestion for suggestion in suggestions}  # one per item, as shown
    differences: list[LiveDifference] = []
    agreed = 0
    for item in report.items:
        if item.kind == "theme":
            continue
        suggestion = latest.get(item.id)
        found = item.auto_status != "not_covered"
        if suggestion is None:
            if item.kind == "question" and item.auto_status == "covered":
                differences.append(LiveDifference(item.id, item.text, "not suggested", item.auto_status,
                                                   item.first_time))
            continue
        if found == (suggestion.decision != "rejected"):
            agreed += 1
        else:
            differences.append(LiveDifference(item.id, item.text, suggestion.decision, item.auto_status,
                                               suggestion.call_time))
    return LiveComparison(len(latest), agreed, differences)
