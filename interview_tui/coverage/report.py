"""What the coverage check found, per guide item, as a pydantic model (the ``--json`` output)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ..model.timefmt import hms

CoverageStatus = Literal["covered", "partly", "not_covered"]
STATUS_SYMBOLS = {"covered": "●", "partly": "◐", "not_covered": "○"}
STATUS_WORDS = {"covered": "covered", "partly": "partly covered", "not_covered": "not covered"}
EvidenceReason = Literal["keywords", "semantic", "mark", "coding", "answer"]
REASON_WORDS = {"keywords": "keywords", "semantic": "meaning", "mark": "researcher's mark",
                "coding": "researcher's coding", "answer": "reply to the question"}


class Evidence(BaseModel):
    start: float
    end: float
    speaker: str
    text: str
    role: Literal["asked", "answered"]
    score: float = 0.0
    segment: int = -1
    """Index of the transcript segment, so a front end can jump to it."""
    reason: EvidenceReason = "keywords"
    """Why this is evidence: the guide's words, its meaning, the researcher's mark during the call,
    the researcher's coding in the review, or the informant's reply to a question found asked."""


class ItemCoverage(BaseModel):
    id: str
    kind: Literal["theme", "question", "followup"]
    text: str
    status: CoverageStatus
    score: float = 0.0
    source: Literal["automatic", "interviewer"] = "automatic"
    auto_status: CoverageStatus = "not_covered"
    manual_state: str | None = None
    """The interviewer's own mark (covered / asked / skipped), kept beside the automatic one."""
    disagreement: bool = False
    answered_unasked: bool = False
    """The informant covered it before (or without) the interviewer asking."""
    must_cover: bool = False
    evidence: list[Evidence] = Field(default_factory=list)

    @property
    def asked(self) -> list[Evidence]:
        return [e for e in self.evidence if e.role == "asked"]

    @property
    def answered(self) -> list[Evidence]:
        return [e for e in self.evidence if e.role == "answered"]

    @property
    def first_time(self) -> float | None:
        return min((e.start for e in self.evidence), default=None)


class CoverageReport(BaseModel):
    guide_title: str
    guide_sha256: str = ""
    transcript: str
    interviewer: str | None = None
    items: list[ItemCoverage]
    warnings: list[str] = Field(default_factory=list)
    scorer: str = "keywords"
    """"keywords" alone, or "keywords + meaning (MODEL)" when the semantic scorer ran."""
    debriefing_segment: int | None = None
    """The segment (in time order) where the debriefing was heard to begin, after the last
    question asked: no question's talk runs past it. None where it was not heard."""
    timed: bool = True
    """False for a transcript typed without times: its evidence is quoted without [00:00:00]."""

    def at(self, seconds: float, form: str = "[{}] ") -> str:
        return form.format(hms(seconds)) if self.timed else ""

    def item(self, item_id: str) -> ItemCoverage:
        return next(item for item in self.items if item.id == item_id)

    def covered_ids(self, kinds=("question",)) -> set[str]:
        return {item.id for item in self.items if item.kind in kinds and item.status == "covered"}

    def disagreements(self) -> list[ItemCoverage]:
        return [item for item in self.items if item.disagreement]


def disagreement_words(item: ItemCoverage) -> str:
    """"you: covered · check: not covered" — shown wherever the status is."""
    yours = {"covered": "covered", "asked": "asked", "skipped": "skipped", "not_yet": "not yet"}.get(
        item.manual_state or "", "coded" if item.source == "interviewer" else "—")
    return f"you: {yours} · check: {STATUS_WORDS[item.auto_status]}"
