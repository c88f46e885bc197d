"""Every interview's answers sorted by the guide: under each theme and question, what each
informant said to it — the thesis's "answers sorted by theme", done by hand in Word before.

A question's talk runs from the turn that asked it to the turn that asked the next question (the
follow-ups and their answers are inside it); a question the informant answered without being asked
has the turns that answered it. The check's evidence says where each question was asked, so this
reads the report, and needs nothing the matrix has not already computed."""

from __future__ import annotations

from dataclasses import dataclass

from ..guide.model import Guide
from ..model.timefmt import hms
from ..model.transcript import Segment, Transcript
from .report import STATUS_WORDS, CoverageReport
from .stretches import on_a_clock

LAST_STRETCH_SECONDS = 180.0
"""The last question asked has no next question to end its talk: it ends this long after (the
debriefing's talk is not its answer)."""


@dataclass
class Answer:
    interview: str
    status: str
    segments: list[Segment]
    unasked: bool = False
    timed: bool = True
    """False for a transcript typed without times: no [00:00:00] before each of its turns."""

    def stamp(self, seconds: float, form: str = "[{}]") -> str:
        return form.format(hms(seconds)) if self.timed else ""


def in_time_order(transcript: Transcript) -> list[Segment]:
    """The segments as the check numbers them (its evidence's ``segment`` indexes this list)."""
    return sorted(transcript.segments, key=lambda s: s.start)


def question_talk(report: CoverageReport, transcript: Transcript,
                  conduct: list[tuple[float, float]] | None = None) -> dict[str, list[int]]:
    """For each question found, the indices (into ``in_time_order``) of the segments of its talk.
    ``conduct``: the call-time stretches of the conduct phase, where the session has them — the
    debriefing's talk is no question's answer."""
    segments = in_time_order(transcript)
    clock = on_a_clock(segments)
    asked: list[tuple[int, str]] = sorted({
        (e.segment, item.id) for item in report.items if item.kind == "question" and item.status != "not_covered"
        for e in item.evidence if e.role == "asked" and 0 <= e.segment < len(segments)})
    talk: dict[str, set[int]] = {}
    for position, (first, item_id) in enumerate(asked):
        later = [index for index, other in asked[position + 1:] if other != item_id and index > first]
        if later:
            last = later[0] - 1
        else:  # on the check's clock: a transcript typed without times has every turn at 0:00
            limit = clock[first].start + LAST_STRETCH_SECONDS
            last = max((i for i in range(first, len(segments)) if clock[i].start <= limit), default=first)
        talk.setdefault(item_id, set()).update(range(first, last + 1))
    for item in report.items:
        if item.kind == "question" and item.status != "not_covered" and item.id not in talk:
            talk[item.id] = {e.segment for e in item.evidence if 0 <= e.segment < len(segments)}
    until = report.debriefing_segment if report.debriefing_segment is not None else len(segments)
    inside = (lambda i: i < until) if conduct is None else \
        (lambda i: i < until and any(a <= segments[i].start < b for a, b in conduct))
    return {item_id: kept for item_id, indices in talk.items() if (kept := sorted(i for i in indices if inside(i)))}


def followup_talk(guide: Guide, report: CoverageReport, question_stretches: dict[str, list[int]]) -> dict[str, list[int]]:
    """For each follow-up found asked inside its question's talk, the indices of its own: from the
    turn that asked it to the turn before the next thing asked (another follow-up or question) —
    a probe's answer, which a researcher codes under the probe. A follow-up that was not asked
    there (answered unprompted, marked) has none: its evidence turns say where it is."""
    asked_at = sorted({e.segment for item in report.items if item.kind != "theme" and item.status != "not_covered"
                       for e in item.asked})
    found: dict[str, list[int]] = {}
    for _, question in guide.questions():
        within = set(question_stretches.get(question.id, []))
        for followup in question.followups:
            item = report.item(followup.id)
            if item.status == "not_covered":
                continue
            indices: set[int] = set()
            for evidence in item.asked:
                if evidence.segment in within:
                    until = next((s for s in asked_at if s > evidence.segment), None)
                    indices.update(i for i in within if evidence.segment <= i and (until is None or i < until))
            if indices:
                found[followup.id] = sorted(indices)
    return found


def answers_by_question(guide: Guide, interviews: list[tuple[str, Transcript, CoverageReport, list | None]]
                        ) -> dict[str, list[Answer]]:
    """question id → each interview's answer (an empty one where the question was not covered).
    Each interview: its name, transcript, report and conduct stretches (None: all its talk)."""
    found: dict[str, list[Answer]] = {question.id: [] for _, question in guide.questions()}
    for name, transcript, report, conduct in interviews:
        talk, segments = question_talk(report, transcript, conduct), in_time_order(transcript)
        for question_id, answers in found.items():
            item = report.item(question_id)
            answers.append(Answer(name, item.status, [segments[i] for i in talk.get(question_id, [])],
                                  item.answered_unasked, transcript.timed))
    return found


def intro(answers: dict[str, list[Answer]], rewrite=lambda text: text) -> str:
    names = [rewrite(a.interview) for a in next(iter(answers.values()), [])]
    return (f"{len(names)} interview{'s' if len(names) != 1 else ''}: {', '.join(names)}. Under each question, "
            "the talk from the turn that asked it to the next question asked (its follow-ups are in it); "
            "answered without being asked: the turns that answered it.")


def answer_heading(answer: Answer, rewrite=lambda text: text) -> str:
    how = STATUS_WORDS[answer.status] + (", answered without being asked" if answer.unasked else "")
    at = answer.stamp(answer.segments[0].start, ", [{}]") if answer.segments else ""
    return f"{rewrite(answer.interview)} — {how}{at}"


def answers_markdown(guide: Guide, answers: dict[str, list[Answer]], rewrite=lambda text: text,
                     warning: str = "") -> str:
    """The document: theme → question → each interview's talk, quoted turn by turn. ``warning``
    heads it (names not decided yet): the notice travels with the file, not only on a screen."""
    lines = [f"# Answers by theme: {guide.title}", ""] + ([f"> **⚠ {warning}**", ""] if warning else []) + \
        [intro(answers, rewrite), ""]
    for theme in guide.themes:
        lines += [f"## {theme.id} {theme.title}", ""]
        for question in theme.questions:
            lines += [f"### {question.id} {question.text}", ""]
            for answer in answers.get(question.id, []):
                if not answer.segments:
                    lines += [f"*{answer_heading(answer, rewrite)}*", ""]
                    continue
                lines += [f"**{answer_heading(answer, rewrite)}**", ""]
                lines += [f"> **{rewrite(s.speaker)}**{answer.stamp(s.start, ' `[{}]`')} {rewrite(s.text)}  "
                          for s in answer.segments]
                lines.append("")
    return "\n".join(lines)
