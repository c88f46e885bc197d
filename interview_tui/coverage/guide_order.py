"""After the call: a question nobody recognised, placed by the guide's order.

An interviewer mostly walks the guide in its order, even when the words are all their own. A
turn that asks something ("Has the move to online channels given you more hours in the week?")
between two questions already found (3.4 before it, 4.2 after) most likely asks one of the
questions the guide has between them that nobody asked (4.1, "…has freed up more time for
you?"): the one it comes closest to, if the turn comes closer to it than to the guide's
questions as a whole and it is among the turn's three closest questions. Meaning alone was too
weak to say so turn by turn (e5's margins between the NAV guide's siblings are a few
hundredths); the order supplies the rest — where it leaves one or two questions to choose from.
Inside a question's stretch of talk, likewise, an unexplained probe whose closest guide item of
all is one of that question's open follow-ups ("What do you spend those hours on?") poses it.

What keeps it from ticking off a question that was skipped: only turns that are questions ("?")
of some length count (short probes — "Why not?" — never), only turns nothing else explained, a
question the turn is no closer to than to the briefing or debriefing is not it ("Is there
anything you would like to add?" at the end), and a question found this way still needs an
answer to count as covered (``statuses.decide``). Interviewers who go out of order lose
nothing: the rule only adds, and only inside the gaps the order leaves.

Measured (``benchmarks/coverage.py --no-asr``, text): dev questions F1 0.918 → 0.929, follow-ups
0.850 → 0.868, no never-asked question more; held out (a fourth batch written for it before any
run) 0.862 → 0.876 and 0.667 → 0.718, never-asked questions shown covered 5 → 6 of 57. The
briefing rule cost one dev question it would have found ("Let's start with your days…", nearer
the briefing's "Explain the purpose of the study").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .semantic import SHORT_TURN_WORDS, GuideVectors
from .stretches import answers_to_followup

CLOSEST_QUESTIONS = 3
"""The question found must be among the turn's this many closest guide questions."""
MAX_GAP = 2
"""The order says something only where it leaves one or two questions to choose from. Against
a guide it was not held with (the noScribe German interview) the few questions found leave gaps
of ten, and two questions of the NAV guide were ticked off in them."""


@dataclass(frozen=True)
class AskingTurn:
    row: int
    """Its row in the vectors handed in."""
    start: float
    text: str


def order_gap_matches(vectors: GuideVectors, turns: list[AskingTurn], matrix: np.ndarray,
                      asked: dict[str, list[float]]) -> list[tuple[int, AskingTurn, float]]:
    """(item position, turn, lift) for each unexplained asking turn that the guide's order
    places on a question not yet asked. ``asked``: question id → the call times it was asked."""
    order = [position for position, item in enumerate(vectors.items) if item.kind == "question"]
    place = {vectors.items[position].id: n for n, position in enumerate(order)}
    events = sorted((time, place[item_id]) for item_id, times in asked.items() if item_id in place for time in times)
    done = {item_id for item_id, times in asked.items() if times}
    matches = []
    for turn in sorted(turns, key=lambda t: t.start):
        if "?" not in turn.text:
            continue
        before = [n for time, n in events if time < turn.start]
        after = [n for time, n in events if time > turn.start]
        low, high = (before[-1] if before else -1), (after[0] if after else len(order))
        gap = [order[n] for n in range(low + 1, high) if vectors.items[order[n]].id not in done]
        if not gap or len(gap) > MAX_GAP:
            continue  # out of the guide's order, nothing left between, or too much: no say
        similarity = vectors.similarity(matrix[turn.row])
        lift = similarity - float(np.median(similarity[vectors.questions]))
        best = max(gap, key=lambda position: similarity[position])
        closest = sorted(order, key=lambda position: -similarity[position])[:CLOSEST_QUESTIONS]
        if lift[best] <= 0 or best not in closest:
            continue
        if len(vectors.competitors) and similarity[vectors.competitors].max() >= similarity[best]:
            continue  # closer to the briefing or debriefing than to the question
        matches.append((best, turn, float(lift[best])))
        done.add(vectors.items[best].id)
        events = sorted(events + [(turn.start, place[vectors.items[best].id])])
    return matches


def stretch_followup_matches(vectors: GuideVectors, turns: list[AskingTurn], matrix: np.ndarray,
                             stretches: dict[str, list[tuple[float, float]]],
                             found: set[str]) -> list[tuple[int, AskingTurn, float]]:
    """(item position, turn, lift) for each unexplained asking turn inside one question's stretch
    of talk whose closest guide item of all is a follow-up of that question not yet found ("So
    when do you actually log off at night?" in the talk of 3.1, the boundary between work and
    private life: 3.1.a, "Do you find it hard to stop working in the evening?"). Turn by turn it
    was too close to call; with the stretch known, the follow-up is what it probes. ``found``:
    the ids of the follow-ups found already."""
    matches = []
    done = set(found)
    for turn in sorted(turns, key=lambda t: t.start):
        if "?" not in turn.text:
            continue
        inside = [question for question, spans in stretches.items()
                  if any(start < turn.start < end + 0.01 for start, end in spans)]
        if len(inside) != 1:
            continue
        open_followups = [position for position in vectors.followups_of.get(inside[0], [])
                          if vectors.items[position].id not in done]
        if not open_followups:
            continue
        similarity = vectors.similarity(matrix[turn.row])
        lift = similarity - float(np.median(similarity[vectors.questions]))
        closest = int(np.argmax(similarity))  # of all items, and the briefing and debriefing
        if closest not in open_followups or lift[closest] <= 0:
            continue
        matches.append((closest, turn, float(lift[closest])))
        done.add(vectors.items[closest].id)
    return matches


def questions_by_order(vectors: GuideVectors, matrix: np.ndarray, views: list, asking_ids: set[int], found: dict,
                       ask_lift: float) -> None:
    """The check's step 1d (``matcher.py``): adds what :func:`order_gap_matches` finds to
    ``found`` (item id → ``statuses.Found``); ``views`` are the turns, ``matrix`` their vectors."""
    claimed = {v.index for f in found.values() for _, v, _ in f.asked}
    questions = {item.id for item in vectors.items if item.kind == "question"}
    asked_at = {item_id: [v.segment.start for _, v, _ in f.asked] for item_id, f in found.items() if item_id in questions}
    turns = [AskingTurn(row, view.segment.start, view.segment.text) for row, view in enumerate(views)
             if id(view) in asking_ids and view.index not in claimed and view.words >= SHORT_TURN_WORDS]
    for item, turn, lift in order_gap_matches(vectors, turns, matrix, asked_at):
        found[vectors.items[item].id].asked.append((_score(lift, ask_lift), views[turn.row], "semantic"))


def followups_in_stretches(vectors: GuideVectors, matrix: np.ndarray, views: list, asking: list, answering: list,
                           found: dict, stretches: dict[str, list[tuple[float, float]]], ask_lift: float) -> None:
    """The check's step 4b: adds what :func:`stretch_followup_matches` finds, with the answers
    that follow each probe."""
    claimed = {v.index for f in found.values() for _, v, _ in f.asked}
    asking_ids = {id(v) for v in asking}
    turns = [AskingTurn(row, view.segment.start, view.segment.text) for row, view in enumerate(views)
             if id(view) in asking_ids and view.index not in claimed]
    done = {item.id for item in vectors.items if item.kind == "followup" and found[item.id].asked}
    for item, turn, lift in stretch_followup_matches(vectors, turns, matrix, stretches, done):
        entry = found[vectors.items[item].id]
        entry.asked.append((_score(lift, ask_lift), views[turn.row], "semantic"))
        answers_to_followup(entry, asking, answering)


def _score(lift: float, ask_lift: float) -> float:
    """As the tracker scores a suggestion: 1.0 is a clear match."""
    return round(min(1.0, lift / (2 * ask_lift)), 3)
