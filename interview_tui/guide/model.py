"""The interview guide: themes, their questions, and the follow-up prompts under each question.

Ids are stable strings. Where a file gives none, they follow the outline numbering: theme ``1``,
question ``1.2``, follow-up ``1.2.a``; briefing items ``B1``…, debriefing items ``D1``….
"""

from __future__ import annotations

import functools
import hashlib
import re
import string
from typing import Annotated, Iterator, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator,
                      model_validator)

from ..model.languages import check_language

ItemKind = Literal["theme", "question", "followup"]


class _Strict(BaseModel):
    # Typos such as ``folowups`` must be reported, not silently dropped.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _non_empty(value: str) -> str:
    # Control characters (a terminal escape pasted from somewhere) would reach the screen as commands.
    value = _CONTROL.sub("", value)
    if not value.strip():
        raise ValueError("the text is empty: write it as the interviewer would say it")
    return value


ItemText = Annotated[str, AfterValidator(_non_empty)]
# People write ``id: 3`` or ``id: 1.1``; YAML reads those as numbers, but they are labels.
ItemId = Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v)]


class FollowUp(_Strict):
    id: ItemId = ""
    text: ItemText
    keywords: list[str] = Field(default_factory=list)



class Question(_Strict):
    id: ItemId = ""
    text: ItemText
    keywords: list[str] = Field(default_factory=list)
    must_cover: bool = False
    followups: list[FollowUp] = Field(default_factory=list)


    @field_validator("followups", mode="before")
    @classmethod
    def _plain_strings_are_followups(cls, value):
        # Follow-ups are usually one-line probes; let the file give them as plain strings.
        if isinstance(value, list):
            return [{"text": item} if isinstance(item, str) else item for item in value]
        return value


class Theme(_Strict):
    id: ItemId = ""
    title: ItemText
    minutes: int | None = Field(default=None, ge=1, le=600)
    keywords: list[str] = Field(default_factory=list)
    must_cover: bool = False
    questions: list[Question] = Field(default_factory=list)



class ChecklistItem(_Strict):
    id: ItemId = ""
    text: ItemText
    consent: bool = False
    """True for the item that records the informant's consent to the audio recording."""



class GuideItem(BaseModel):
    """A flattened view of one theme, question or follow-up, for lists and coverage."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: ItemKind
    text: ItemText
    theme_id: str
    question_id: str | None = None
    keywords: tuple[str, ...] = ()
    must_cover: bool = False


class Guide(_Strict):
    title: ItemText
    language: str = "nb"
    """The language the guide is written in (and the interviews held in): nb, nn, en, de, …"""
    description: str = ""
    terms: list[str] = Field(default_factory=list)
    """Words the transcriber should spell right — the names of services, systems and places of the
    study's field ("NAV", "Modia"): given to Whisper with the keywords, never used to find coverage
    ("NAV" is said all through an interview with a NAV counsellor)."""
    briefing: list[ChecklistItem] = Field(default_factory=list)
    themes: list[Theme] = Field(min_length=1)
    debriefing: list[ChecklistItem] = Field(default_factory=list)

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        return check_language(value, allow_auto=False)

    @field_validator("terms", mode="before")
    @classmethod
    def _terms_as_a_list(cls, value):
        return term_list(value) if isinstance(value, (str, list)) else value

    @field_validator("briefing", "debriefing", mode="before")
    @classmethod
    def _plain_strings_are_items(cls, value):
        if isinstance(value, list):
            return [{"text": item} if isinstance(item, str) else item for item in value]
        return value

    @model_validator(mode="after")
    def _one_consent(self) -> "Guide":
        consents = [item.text for item in self.briefing if item.consent]
        if len(consents) > 1:
            raise ValueError(f"{len(consents)} briefing items are marked as the consent to record — mark one "
                             "(the guide opens when it is ticked)")
        return self

    @model_validator(mode="after")
    def _number_items(self) -> "Guide":
        assign_outline_ids(self)
        return self

    # --- views -------------------------------------------------------------------------------
    def items(self) -> Iterator[GuideItem]:
        """Every theme, question and follow-up in guide order."""
        for theme in self.themes:
            yield GuideItem(id=theme.id, kind="theme", text=theme.title, theme_id=theme.id,
                            keywords=tuple(theme.keywords), must_cover=theme.must_cover)
            for question in theme.questions:
                yield GuideItem(id=question.id, kind="question", text=question.text,
                                theme_id=theme.id, question_id=question.id,
                                keywords=tuple(question.keywords),
                                must_cover=question.must_cover or theme.must_cover)
                for followup in question.followups:
                    yield GuideItem(id=followup.id, kind="followup", text=followup.text,
                                    theme_id=theme.id, question_id=question.id,
                                    keywords=tuple(followup.keywords))

    def item(self, item_id: str) -> GuideItem:
        # An index built once: the guide tree labels every item on each refresh, and a linear
        # search made a 1,000-question guide take 20 s to open.
        return self._item_index[item_id]

    @functools.cached_property
    def _item_index(self) -> dict[str, GuideItem]:
        return {item.id: item for item in self.items()}

    def item_ids(self) -> list[str]:
        return [item.id for item in self.items()]

    def questions(self) -> Iterator[tuple[Theme, Question]]:
        for theme in self.themes:
            for question in theme.questions:
                yield theme, question

    def consent_item(self) -> ChecklistItem | None:
        return next((item for item in self.briefing if item.consent), None)

    def vocabulary(self) -> list[str]:
        """Keywords of the whole guide, for ASR hotwords and the coverage matcher."""
        seen: dict[str, None] = {}
        for item in self.items():
            for word in item.keywords:
                seen.setdefault(word, None)
        return list(seen)

    def canonical_json(self) -> str:
        # Without terms, as before they existed: the hash names the guide's codes in a .qdpx, and
        # a guide that did not change must keep them (an importer merges codes by it).
        return self.model_dump_json(exclude_defaults=False, exclude=None if self.terms else {"terms"})

    def sha256(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


MAX_FOLLOWUPS = 26 * 27
"""a … z, aa … zz: the outline ids there are letters for."""
MAX_ITEMS = 2000
"""Far more than any interview can cover; a larger file is a mistake, and would be slow on screen."""


def term_list(value: str | list) -> list[str]:
    """``NAV; Modia`` (an outline's front matter) or a YAML list, as the terms: each once, trimmed."""
    items = value.split(";") if isinstance(value, str) else value
    return list(dict.fromkeys(str(term).strip() for term in items if str(term).strip()))


def followup_letter(index: int) -> str:
    letters = string.ascii_lowercase
    if index < len(letters):
        return letters[index]
    return letters[index // len(letters) - 1] + letters[index % len(letters)]


def assign_outline_ids(guide: Guide) -> None:
    """Give every item without an id its outline number (``1``, ``1.2``, ``1.2.a``)."""
    total = sum(1 + len(q.followups) for t in guide.themes for q in t.questions) + len(guide.themes)
    if total > MAX_ITEMS:
        raise ValueError(f"the guide has {total} themes, questions and follow-ups; at most {MAX_ITEMS} can "
                         "be followed in an interview — split it into several guides")
    for t_index, theme in enumerate(guide.themes, start=1):
        theme.id = theme.id or str(t_index)
        for q_index, question in enumerate(theme.questions, start=1):
            question.id = question.id or f"{theme.id}.{q_index}"
            if len(question.followups) > MAX_FOLLOWUPS:
                raise ValueError(f"question {question.id} has {len(question.followups)} follow-ups; at most "
                                 f"{MAX_FOLLOWUPS} — move some into questions of their own")
            for f_index, followup in enumerate(question.followups):
                followup.id = followup.id or f"{question.id}.{followup_letter(f_index)}"
    for prefix, checklist in (("B", guide.briefing), ("D", guide.debriefing)):
        for index, item in enumerate(checklist, start=1):
            item.id = item.id or f"{prefix}{index}"


def duplicate_ids(guide: Guide) -> list[tuple[str, list[tuple]]]:
    """Ids used more than once, each with the model paths (for line numbers) that use it."""
    paths: dict[str, list[tuple]] = {}
    for t, theme in enumerate(guide.themes):
        paths.setdefault(theme.id, []).append(("themes", t))
        for q, question in enumerate(theme.questions):
            paths.setdefault(question.id, []).append(("themes", t, "questions", q))
            for f, followup in enumerate(question.followups):
                paths.setdefault(followup.id, []).append(
                    ("themes", t, "questions", q, "followups", f))
    for name in ("briefing", "debriefing"):
        for i, item in enumerate(getattr(guide, name)):
            paths.setdefault(item.id, []).append((name, i))
    return [(item_id, where) for item_id, where in paths.items() if len(where) > 1]
