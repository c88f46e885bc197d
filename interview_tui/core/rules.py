"""The guide's rules during a call, written once: what is still open, how a theme's time is
going, when must-cover items become urgent. Screens and commands only show the answers."""

from __future__ import annotations

from dataclasses import dataclass

from ..guide.model import Question, Theme
from ..session.model import Session

DONE_STATES = ("covered", "skipped")
MUST_COVER_WARNING_SHARE = 0.75
"""From this share of the planned time on (the theme's, or the interview's), must-cover items
that are still open stand out."""


def is_open(session: Session, item_id: str) -> bool:
    return session.item_state(item_id) not in DONE_STATES


def open_questions(session: Session) -> list[Question]:
    return [question for _, question in session.guide.questions() if is_open(session, question.id)]


def untouched_questions(session: Session) -> list[Question]:
    return [question for _, question in session.guide.questions()
            if session.item_state(question.id) == "not_yet"]


def planned_seconds(session: Session) -> float:
    return sum(theme.minutes or 0 for theme in session.guide.themes) * 60.0


@dataclass(frozen=True)
class ThemeTime:
    theme: Theme
    spent: float
    planned: float | None

    @property
    def over(self) -> bool:
        return self.planned is not None and self.spent > self.planned

    @property
    def running_out(self) -> bool:
        return self.planned is not None and self.spent >= self.planned * MUST_COVER_WARNING_SHARE


def theme_time(session: Session, theme_id: str) -> ThemeTime:
    theme = next(t for t in session.guide.themes if t.id == theme_id)
    planned = theme.minutes * 60.0 if theme.minutes else None
    return ThemeTime(theme, session.theme_seconds.get(theme_id, 0.0), planned)


def interview_running_late(session: Session, call_time: float | None) -> bool:
    planned = planned_seconds(session)
    return bool(planned) and (call_time or 0.0) >= planned * MUST_COVER_WARNING_SHARE


def urgent_must_cover(session: Session, call_time: float | None) -> list[Question]:
    """Must-cover questions still open whose theme (or the whole interview) is running out of time."""
    late = interview_running_late(session, call_time)
    urgent = []
    for theme, question in session.guide.questions():
        if question.must_cover and is_open(session, question.id) and \
                (late or theme_time(session, theme.id).running_out):
            urgent.append(question)
    return urgent


def open_must_cover(session: Session) -> list[Question]:
    return [q for q in open_questions(session) if q.must_cover]
