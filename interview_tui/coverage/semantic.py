"""Semantic coverage, one turn at a time: which guide item a turn asks (or answers), by meaning.

Sentence vectors put a reworded question ("how did you end up in this job?") near the guide's
("tell me about your professional background") though they share no word. Similarities from
e5 are compressed (unrelated sentences still score ~0.85), so a turn is never judged by a fixed
threshold on its similarity. It is judged the way a listener would: the item it is closest to
must stand out from the guide as a whole (``lift`` over the turn's median similarity to all
questions), from the runner-up (``margin``), and come closer to the item than any of a set of
unrelated turns does (fillers, line checks, small talk: ``data/background.txt``) — short filler
turns otherwise land near short guide items ("Ach, tatsächlich?" near "The first time?").

Structure decides what may compete:
- an interviewer turn competes among all questions, the follow-ups of the question being
  discussed (a follow-up only means something inside its question's stretch of talk: "Why not?"
  is everywhere), another question's follow-up only where the turn clearly poses it, and the
  briefing and debriefing (a turn closest to "consent to the recording" is not a guide question);
- a short interviewer turn ("What do they do then?") leans on the talk before it: it can probe
  the question being discussed, never open another;
- an informant turn can only show a question "answered without being asked", and must stand
  out more to count;
- loop-flagged and low-confidence segments (Whisper's invented words) count for nothing;
- a question cut in two by a pause or an "mm" ("If you look back, before they had a machine
  each," … "how has the way you assess changed?") is judged as one.

After the call, :func:`mutual_matches` takes a second look with hindsight at the interviewer's
turns the tracker left unexplained: a turn and a question that are each other's closest (the turn
closer to that question than to any other item, and no other turn closer to it) is the question
asked, though the margin was too small to say so turn by turn.

:class:`CoverageTracker` keeps the state of the call; the whole-transcript check feeds it every
turn in order (``coverage/matcher.py``), live coverage feeds it each turn as it is transcribed.
"""

from __future__ import annotations

import re
from pathlib import Path
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from ..guide.model import Guide, GuideItem
from ..model.transcript import Segment
from .embeddings import TextEmbedder
from .text import is_whole_question

LOW_CONFIDENCE = 0.4
"""Mean word probability under which a segment is too unsure to be evidence."""
PROBE_LIFT = 0.06
"""A question this much closer to another question's follow-up than the guide's median question
is that probe ("is the fee enough for that?" when the informant had told why reviews are hard
before being asked): credited, and its question becomes the stretch of talk. A statement is not
("Und das war eine schwierige Zeit." against "What made it challenging?", in a real interview)."""
SHORT_TURN_WORDS = 6
"""Turns shorter than this ("What do they do then?", "Why not?") lean on the talk before them:
they can probe the question being discussed, never open another one."""
SPLIT_QUESTION_GAP = 15.0
"""Seconds between the halves of one question (a pause, an "mm" from the other side)."""


@dataclass(frozen=True)
class OperatingPoint:
    ask_lift: float
    ask_margin: float
    answer_lift: float
    answer_margin: float


REPORT = OperatingPoint(ask_lift=0.03, ask_margin=0.0, answer_lift=0.08, answer_margin=0.02)
"""After the call: F1 of "covered" (an answer must follow for an item to count as covered)."""
LIVE = OperatingPoint(ask_lift=0.035, ask_margin=0.005, answer_lift=0.1, answer_margin=0.03)
"""During the call: a suggestion shown must be right — precision first. (Probes of another
question are suggested live too: leaving them out cost 3 right suggestions of 47 on the dev set's
real-time run and 7 of 116 on its text, for one wrong one less on text and none on the run.)"""


@dataclass
class Suggestion:
    item_id: str
    kind: Literal["question", "followup"]
    role: Literal["asked", "answered"]
    score: float
    """The lift over the guide's median similarity, scaled so 1.0 is a clear match."""
    segment: int
    start: float
    end: float
    speaker: str
    text: str
    reason: str = "semantic"
    first_half: int | None = None
    """The segment that opened the question when it was cut in two ("… before they had a machine
    each," / "how has the way you assess changed?"): evidence too."""


def background_talk() -> list[str]:
    text = (Path(__file__).parent / "data" / "background.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def item_phrasings(item: GuideItem) -> list[str]:
    """The item whole and each of its sentences: guide questions are often several in one ("What
    is it for? How do you experience it? Challenges?"), and an interviewer asks one of them."""
    parts = [part.strip() for part in re.split(r"(?<=[?.!])\s+", item.text) if len(part.split()) >= 3]
    return [item.text] + (parts if len(parts) > 1 else [])


class GuideVectors:
    """The guide's items as vectors, computed once per guide (a 40-item guide: ~1 s)."""

    def __init__(self, guide: Guide, embedder: TextEmbedder) -> None:
        self.items: list[GuideItem] = [item for item in guide.items() if item.kind in ("question", "followup")]
        self.others = [entry.text for entry in (*guide.briefing, *guide.debriefing)]
        texts, self.starts = [], []
        for item in self.items:
            self.starts.append(len(texts))
            texts += item_phrasings(item)
        for other in self.others:
            self.starts.append(len(texts))
            texts.append(other)
        self.rows = embedder.encode(texts)
        self.questions = np.array([item.kind == "question" for item in self.items] + [False] * len(self.others))
        self.index = {item.id: position for position, item in enumerate(self.items)}
        self.followups_of: dict[str, list[int]] = {}
        for position, item in enumerate(self.items):
            if item.kind == "followup":
                self.followups_of.setdefault(item.question_id, []).append(position)
        self.competitors = np.arange(len(self.items), len(self.items) + len(self.others))
        self.debriefing_from = len(self.items) + len(guide.briefing)
        """Competitors from here on are the debriefing's entries."""
        # How close talk about nothing comes to each item (fillers, line checks, small talk).
        unrelated = np.stack([self.similarity(v) for v in embedder.encode(background_talk())])
        self.unrelated_max = unrelated.max(axis=0)

    def like_background(self, item: int, similarity: float) -> bool:
        """The turn comes no closer to the item than some filler or small talk does. (Judging
        the turn by its own distance to that talk instead found one more reworded question on
        the dev set, and let a German story — "I started with Fünf Freunde" — ask "Was it
        challenging to get started?".)"""
        return similarity <= self.unrelated_max[item]

    def similarity(self, vector: np.ndarray) -> np.ndarray:
        """Per item (then per briefing/debriefing entry): its best phrasing's cosine."""
        return np.maximum.reduceat(self.rows @ vector, self.starts)


_GUIDES: dict[tuple[str, str], GuideVectors] = {}


def guide_vectors(guide: Guide, embedder: TextEmbedder) -> GuideVectors:
    """Once per guide and process: the matrix checks every interview against the same guide."""
    key = (guide.sha256(), embedder.name)
    if key not in _GUIDES:
        _GUIDES[key] = GuideVectors(guide, embedder)
    return _GUIDES[key]


def usable(segment: Segment) -> bool:
    """Loops and low-confidence text are not evidence: that is where invented words live."""
    if "repetition" in segment.flags or len(segment.text.split()) < 2:
        return False
    if segment.words:
        mean = sum(word.probability for word in segment.words) / len(segment.words)
        if mean < LOW_CONFIDENCE:
            return False
    return True


@dataclass
class CoverageTracker:
    """The state of one call for semantic coverage: the question being discussed and what was
    asked so far. ``add_turn`` costs one embedding (~15–30 ms on 2 cores) and a dot product."""

    vectors: GuideVectors
    embedder: TextEmbedder
    point: OperatingPoint = REPORT
    current_question: str | None = None
    asked: dict[str, float] = field(default_factory=dict)
    turns: int = 0
    unanswered_half: tuple[Segment, int] | None = None
    """The interviewer's last turn (and its index), when it found no item and nobody answered it."""
    debriefing_heard: list[float] = field(default_factory=list)
    """Starts of the interviewer's turns that clearly ask a debriefing entry ("How was it doing
    this over the phone?"): where the last question's talk ends (``matcher``)."""

    @classmethod
    def for_guide(cls, guide: Guide, embedder: TextEmbedder, point: OperatingPoint = REPORT) -> "CoverageTracker":
        return cls(guide_vectors(guide, embedder), embedder, point)

    def add_turn(self, segment: Segment, index: int, *, interviewer: bool, vector: np.ndarray | None = None,
                 lexical_question: str | None = None) -> list[Suggestion]:
        """Score one turn; ``lexical_question`` is the question the keyword matcher found in it
        (it moves the stretch of talk too, so the follow-ups that follow are judged under it)."""
        self.turns += 1
        if lexical_question is not None and interviewer:
            self._asked(lexical_question, segment.start)
        if not usable(segment):
            return []
        if vector is None:
            vector = self.embedder.encode([segment.text])[0]
        if not interviewer:
            self.unanswered_half = None
            return self._informant_turn(segment, index, *self._similarity(vector))
        first_half, self.unanswered_half = self.unanswered_half, None
        joined = first_half is not None and not is_whole_question(first_half[0].text) and \
            segment.start - first_half[0].end < SPLIT_QUESTION_GAP
        if joined:
            # The second half of a question cut by a pause or an "mm": judged with its first half
            # (one more embedding, only for such turns).
            vector = self.embedder.encode([first_half[0].text.rstrip() + " " + segment.text.lstrip()])[0]
        found = self._interviewer_turn(segment, index, *self._similarity(vector), lexical_question)
        for suggestion in found if joined else ():
            suggestion.first_half = first_half[1]
        if not found:
            self.unanswered_half = (segment, index)
        return found

    def _similarity(self, vector: np.ndarray) -> tuple[np.ndarray, float]:
        similarity = self.vectors.similarity(vector)
        baseline = float(np.median(similarity[self.vectors.questions])) if self.vectors.questions.any() else 0.0
        return similarity, baseline

    def _interviewer_turn(self, segment, index, similarity, baseline, lexical_question) -> list[Suggestion]:
        # Candidates: every question, the follow-ups of the question being discussed (a follow-up
        # only means something inside its question's stretch: "Why not?" is close to any "Why/why
        # not?") and any other that the turn clearly poses, and the briefing and debriefing (a turn
        # closest to them is not a guide item).
        items = len(self.vectors.items)
        candidates = [c for c in range(items) if self.vectors.items[c].kind == "question"]
        candidates += self.vectors.followups_of.get(self.current_question or "", [])
        candidates += list(self.vectors.competitors)
        # A probe of another question must at least be a question, and there must be talk of the
        # guide to probe: before any question, "Is it okay that I record this call?" is the
        # briefing, not "Is that a problem?" of 4.1.b (heard "…record this cause?", live).
        if "?" in segment.text and self.current_question is not None:
            candidates += [c for c in range(items) if self.vectors.items[c].kind == "followup"
                           and c not in candidates and similarity[c] - baseline >= PROBE_LIFT]
        if len(segment.text.split()) < SHORT_TURN_WORDS:
            candidates = [c for c in candidates if c >= items or self.vectors.items[c].kind == "followup"
                          or self.vectors.items[c].id == self.current_question]
        ranked = sorted(candidates, key=lambda c: -similarity[c])
        if ranked and ranked[0] >= self.vectors.debriefing_from and len(ranked) > 1 and \
                similarity[ranked[0]] - baseline >= self.point.ask_lift and \
                similarity[ranked[0]] - similarity[ranked[1]] >= self.point.ask_margin:
            self.debriefing_heard.append(segment.start)
        if not ranked or ranked[0] >= items:
            return []
        best = ranked[0]
        item = self.vectors.items[best]
        runner_up = next((c for c in ranked[1:] if c >= items
                          or self.vectors.items[c].question_id != item.question_id), None)
        lift = float(similarity[best]) - baseline
        margin = float(similarity[best] - similarity[runner_up]) if runner_up is not None else lift
        if lift < self.point.ask_lift or margin < self.point.ask_margin:
            return []
        if self.vectors.like_background(best, float(similarity[best])):
            return []  # no closer to the item than to a filler or small talk
        if lexical_question is not None and item.kind == "question" and item.id != lexical_question and \
                similarity[best] - similarity[self.vectors.index[lexical_question]] < self.point.ask_lift:
            return []  # the keywords name another question, and meaning does not clearly disagree
        if item.kind == "question":
            self._asked(item.id, segment.start)
        elif item.question_id != self.current_question:
            self.current_question = item.question_id  # a probe clearly of another question: its stretch
        return [self._suggestion(item, "asked", lift, segment, index)]

    def _informant_turn(self, segment, index, similarity, baseline) -> list[Suggestion]:
        questions = np.flatnonzero(self.vectors.questions)
        if len(questions) < 2:
            return []
        ranked = sorted(questions, key=lambda c: -similarity[c])
        best = ranked[0]
        lift = float(similarity[best]) - baseline
        margin = float(similarity[best] - similarity[ranked[1]])
        item = self.vectors.items[best]
        if item.id in self.asked or lift < self.point.answer_lift or margin < self.point.answer_margin or \
                self.vectors.like_background(best, float(similarity[best])):
            return []
        return [self._suggestion(item, "answered", lift, segment, index)]

    def _asked(self, question_id: str, start: float) -> None:
        self.current_question = question_id
        self.asked.setdefault(question_id, start)

    def _suggestion(self, item: GuideItem, role, lift: float, segment: Segment, index: int) -> Suggestion:
        score = round(min(1.0, lift / (2 * self.point.ask_lift)), 3)
        return Suggestion(item.id, item.kind, role, score, index, segment.start, segment.end, segment.speaker,
                          segment.text)


def mutual_matches(vectors: GuideVectors, turns: np.ndarray) -> list[tuple[int, int, float]]:
    """(item position, turn row, lift) for each question and interviewer turn that are each
    other's closest: among all items (follow-ups, briefing and debriefing too) the turn is closest
    to that question, and of the ``turns`` none is closer to it. ``turns`` are the interviewer's
    turns nothing else explained (their rivals for a question are each other: letting the turns
    already explained compete too lost a reworded question on the dev set and gained nothing). It
    needs the whole interview, so it is for after the call."""
    if not len(turns) or not vectors.questions.any():
        return []
    similarity = np.stack([vectors.similarity(vector) for vector in turns])
    lift = similarity - np.median(similarity[:, vectors.questions], axis=1, keepdims=True)
    closest_item = lift.argmax(axis=1)
    matches = []
    for item in np.flatnonzero(vectors.questions):
        row = int(lift[:, item].argmax())
        if closest_item[row] == item and lift[row, item] > 0 and \
                not vectors.like_background(item, float(similarity[row, item])):
            matches.append((int(item), row, float(lift[row, item])))
    return matches
