"""The coverage development set (tests/coverage_devset/): loading, rendering as text, scoring."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from interview_tui.guide.loader import load_guide
from interview_tui.guide.model import Guide

DEVSET = Path(__file__).resolve().parent / "coverage_devset"
REPO = DEVSET.parents[1]
LABELS = {"en": ("Interviewer", "Informant"), "nb": ("Intervjuer", "Informant")}


@dataclass
class DevInterview:
    name: str
    guide: Guide
    language: str
    turns: list[tuple[str, str]]
    covered: set[str]
    covered_followups: set[str]
    wrong_guide: bool = False
    held_out: bool = False
    """Written after the matcher was tuned and never used to tune it: the honest score."""
    asked_unanswered: set[str] = frozenset()
    """Questions asked whose answer does not count ("Hmm."): not covered, but a live "asked"
    suggestion for them is right."""
    reworded: bool = False
    """Questions reworded away from the guide's words (``*-para-*``, and ``reworded: true``)."""
    batch: int = 1
    """Held-out batches: 1 and 2 were written in November, 3 and 4 on 2026-12-05 (see README.md)."""

    def text_transcript(self, words_per_second: float = 2.5) -> str:
        """As a researcher types it: one turn per line, speaker and [hh:mm:ss] stamp."""
        interviewer, informant = LABELS.get(self.language, LABELS["en"])
        lines, clock = [], 3.0
        for who, text in self.turns:
            whole = int(clock)
            stamp = f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
            lines.append(f"{interviewer if who == 'I' else informant}: [{stamp}] {text}")
            clock += len(text.split()) / words_per_second + 1.0
        return "\n".join(lines) + "\n"


def _guide(name: str) -> Guide:
    for folder in (REPO / "interview_tui" / "guides", DEVSET / "guides"):
        if (folder / name).is_file():
            return load_guide(folder / name)
    raise FileNotFoundError(name)


def load_devset() -> list[DevInterview]:
    interviews = []
    for path in sorted(DEVSET.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        turns = data.get("turns")
        if data.get("from"):
            turns = yaml.safe_load((DEVSET / data["from"]).read_text(encoding="utf-8"))["turns"]
        interviews.append(DevInterview(path.stem, _guide(data["guide"]), data["language"],
                                       [tuple(t) for t in turns], set(data["covered"]),
                                       set(data.get("covered_followups", [])), data.get("wrong_guide", False),
                                       data.get("held_out", False), set(data.get("asked_unanswered", [])),
                                       data.get("reworded", "-para-" in path.stem), data.get("batch", 1)))
    return interviews


def precision_recall_f1(pairs: list[tuple[set[str], set[str], set[str]]]) -> tuple[float, float, float]:
    """Micro-averaged over interviews: (predicted covered, truly covered, all items)."""
    tp = sum(len(p & t) for p, t, _ in pairs)
    fp = sum(len(p - t) for p, t, _ in pairs)
    fn = sum(len(t - p) for p, t, _ in pairs)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
