"""What the coverage check found, per guide item, as a pydantic model (the ``--json`` output)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

CoverageStatus = Literal["covered", "partly", "not_covered"]
STATUS_SYMBOLS = {"covered": "●", "partly": "◐", "not_covered": "○"}
STATUS_WORDS = {"covered": "covered", "partly": "partly covered", "not_covered": "not covered"}


class Evidence(BaseModel):
    start: float
    end: float
    speaker: str
    text: str
    role: Literal["asked", "answered"]
    score: float = 0.0
    segment: int = -1
    """Index of the transcript segment, so a front end can jump to it."""


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

    def item(self, item_id: str) -> ItemCoverage:
        return next(item for item in self.items if item.id == item_id)

    def covered_ids(self, kinds=("question",)) -> set[str]:
        return {item.id for item in self.items if item.kind in kinds and item.status == "covered"}
