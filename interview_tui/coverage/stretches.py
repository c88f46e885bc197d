"""The stretches of talk a question's answer lies in, and the follow-ups found in them: steps 2,
4 and 4b of the check in ``matcher.py`` (a follow-up only means something inside its question's
stretch: "Why not?" is everywhere)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from .semantic import GuideVectors
from .statuses import EARLY_ANSWER_MIN_WORDS, EARLY_ANSWER_THRESHOLD, FOLLOWUP_ASK_THRESHOLD

ANSWER_WINDOW_SECONDS = 180.0


UNTIMED_WORDS_PER_SECOND = 2.5
"""Talk's pace, for turns typed without a time: their order is all the check has."""


def on_a_clock(segments: list) -> list:
    """The segments, in order, with turns typed without a time spread out after the one before
    (a copy each; the rest as they are). A transcript typed as 'Speaker: text' has every turn at
    0:00, and the check's stretches of talk are spans of time: every reply fell in every
    question's stretch, and the .qdpx coded each of them to the last question (seen in a
    walk-through of a typed transcript). The report keeps the turns' own times."""
    placed, clock = [], None
    for segment in segments:
        untimed = clock is not None and segment.end <= segment.start and segment.start <= placed[-1].start
        if untimed:
            start = clock + 1.0
            segment = segment.model_copy(update={
                "start": start, "end": start + len(segment.text.split()) / UNTIMED_WORDS_PER_SECOND})
        placed.append(segment)
        clock = max(clock or 0.0, segment.end, segment.start)
    return placed


def debriefing_start(heard: list[float], found, profiles) -> float | None:
    """The first debriefing turn heard after the last question asked (``CoverageTracker``): a
    typed or noScribe transcript has no session to say when the debriefing began, and "How was it
    doing this over the phone?" and its answer were coded as the last question's talk (seen in a
    walk-through's .qdpx). One heard mid-interview, before a question, changes nothing."""
    asked = [view.segment.start for item_id, f in found.items() if profiles[item_id].item.kind == "question"
             for _, view, _ in f.asked]
    if not asked:
        return None
    return min((start for start in heard if start > max(asked)), default=None)


def question_stretches(matcher, found, asking, until: float | None = None) -> dict[str, list[tuple[float, float]]]:
    """Each time a question is asked, its answer lies until another question is asked (and never
    past ``until``, the debriefing)."""
    events = sorted({(v.segment.start, item_id) for item_id, f in found.items()
                     if matcher.profiles[item_id].item.kind == "question" for _, v, _ in f.asked})
    # A question the researcher tagged on an interviewer's turn was asked there: it ends the
    # stretch of the question before (whose answer it would otherwise have taken: the reply to
    # a tagged 4.1 was coded in the .qdpx as the answer to 3.4, seen in tmux), and the reply is
    # its answer, coded with it.
    bounds = sorted(set(events) | {(v.segment.start, tag) for v in asking for tag in v.segment.tags
                                   if tag in matcher.profiles and matcher.profiles[tag].item.kind == "question"})
    windows: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for start, item_id in bounds:
        later = [time for time, other in bounds if time > start and other != item_id]
        end = later[0] if later else start + ANSWER_WINDOW_SECONDS
        windows[item_id].append((start, end if until is None else min(end, until)))
    return windows


def followups_found(matcher, followups, views, asking, answering, interviewer, found, windows) -> None:
    """Step 4 of the check: follow-ups posed, or their topic raised, within their question's
    stretch of talk (or early, on strong words); an answer after a follow-up posed is its answer."""
    questions_at: dict[int, set[str]] = defaultdict(set)
    for item_id, f in found.items():
        if matcher.profiles[item_id].item.kind == "question":
            for _, v, _ in f.asked:
                questions_at[v.index].update(matcher.profiles[item_id].weights)
    siblings: dict[str, list] = defaultdict(list)
    for profile in followups:
        siblings[profile.item.question_id].append(profile)
    for profile in followups:
        spans = windows.get(profile.item.question_id, [])
        parent_turns = {v.index for _, v, _ in found[profile.item.question_id].asked}
        for view in views:
            in_window = any(a <= view.segment.start < b + 0.01 for a, b in spans)
            if interviewer is None or view.segment.speaker == interviewer:
                score = matcher.score(profile, view.stems)
                if view.index in questions_at and not (set(profile.weights) - questions_at[view.index]) & view.stems:
                    score = 0.0  # a question's own words do not pose a follow-up (distractor)
                if view.index in parent_turns and score < EARLY_ANSWER_THRESHOLD:
                    # The turn that asks the question poses its follow-up only on strong words:
                    # "how do you normally reach clients…?" (1.1, reworded) posed 1.1.c "What do you
                    # do if you cannot reach the clients?" on "reach" and "clients" (seen in tmux).
                    score = 0.0
                phrase = matcher._phrase_match(profile, view) if in_window else 0.0
                if (in_window and score >= FOLLOWUP_ASK_THRESHOLD) or phrase >= 0.9 or score >= 0.9:
                    found[profile.item.id].asked.append((max(score, phrase), view, "keywords"))
            elif view.words >= 3:
                for chosen, score in matcher._attribute(siblings[profile.item.question_id], view.stems):
                    early = score >= EARLY_ANSWER_THRESHOLD and view.words >= EARLY_ANSWER_MIN_WORDS and \
                        matcher.matched(profile, view.stems) >= 2 * matcher.min_matched  # as for questions
                    if chosen is profile and ((in_window and score >= FOLLOWUP_ASK_THRESHOLD) or early):
                        found[profile.item.id].answered.append((score, view, "keywords"))
        answers_to_followup(found[profile.item.id], asking, answering)


def answers_to_followup(entry, asking, answering) -> None:
    """The informant's talk after a follow-up was first posed, up to the interviewer's next turn,
    is its answer."""
    asked_at = [v for _, v, _ in entry.asked]
    if asked_at:
        first = min(v.segment.start for v in asked_at)
        nxt = [v.segment.start for v in asking if v.segment.start > first + 0.01]
        stop = min(nxt) if nxt else first + ANSWER_WINDOW_SECONDS
        entry.answered += [(0.0, v, "answer") for v in answering if first <= v.segment.start < stop and v.words >= 2]


def stretch_followup_matches(vectors: GuideVectors, turns: list[tuple[int, float, str]], matrix: np.ndarray,
                             stretches: dict[str, list[tuple[float, float]]],
                             found: set[str]) -> list[tuple[int, int, float]]:
    """With hindsight (step 4b): (item position, turn row, lift) for each unexplained asking turn
    — (row in ``matrix``, start, text) — inside one question's stretch of talk whose closest guide
    item of all (the briefing and debriefing too) is a follow-up of that question not yet found:
    "So when do you actually log off at night?" in the talk of 3.1, the boundary between work and
    private life, is 3.1.a, "Do you find it hard to stop working in the evening?". Turn by turn it
    stood out too little to call (the tracker wants 0.03 over the guide's median); once the stretch
    is known, the follow-up is what it probes. ``found``: the follow-ups found already.

    Measured (``benchmarks/coverage.py``): follow-ups F1 on the dev part 0.835 → 0.844 (text), held
    out 0.667 → 0.718 (text) and 0.634 → 0.698 (espeak + tiny.en); questions unchanged."""
    matches = []
    done = set(found)
    for row, start, text in sorted(turns, key=lambda turn: turn[1]):
        if "?" not in text:
            continue  # a statement probes nothing
        inside = [question for question, spans in stretches.items() if any(a < start < b + 0.01 for a, b in spans)]
        if len(inside) != 1:
            continue
        open_followups = [position for position in vectors.followups_of.get(inside[0], [])
                          if vectors.items[position].id not in done]
        similarity = vectors.similarity(matrix[row])
        closest = int(np.argmax(similarity))
        lift = float(similarity[closest] - np.median(similarity[vectors.questions]))
        if closest not in open_followups or lift <= 0:
            continue
        matches.append((closest, row, lift))
        done.add(vectors.items[closest].id)
    return matches


def followups_in_stretches(vectors: GuideVectors, matrix: np.ndarray, views: list, asking: list, answering: list,
                           found: dict, stretches: dict[str, list[tuple[float, float]]], ask_lift: float) -> None:
    """Step 4b of the check: adds what :func:`stretch_followup_matches` finds to ``found``, with the
    answers that follow each probe; ``views`` are the turns, ``matrix`` their vectors."""
    claimed = {v.index for f in found.values() for _, v, _ in f.asked}
    asking_ids = {id(v) for v in asking}
    turns = [(row, view.segment.start, view.segment.text) for row, view in enumerate(views)
             if id(view) in asking_ids and view.index not in claimed]
    done = {item.id for item in vectors.items if item.kind == "followup" and found[item.id].asked}
    for item, row, lift in stretch_followup_matches(vectors, turns, matrix, stretches, done):
        entry = found[vectors.items[item].id]
        entry.asked.append((round(min(1.0, lift / (2 * ask_lift)), 3), views[row], "semantic"))  # as the tracker scores
        answers_to_followup(entry, asking, answering)
