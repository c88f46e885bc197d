"""From evidence to a status per guide item: automatic evidence, the researcher's own marks made
during the call, and the tags set in the review — each piece of evidence says which it was.

A mark made during the call at call time t gets the interviewer's turn around t (and the reply
to it) as its evidence, so the researcher's marks reach the coverage report and the .qdpx as
coded segments. Where the researcher and the automatic check disagree, the item says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..guide.model import Guide
from ..model.transcript import rejected_item
from ..session.model import Session
from .report import CoverageStatus, Evidence, EvidenceReason, ItemCoverage

EARLY_ANSWER_THRESHOLD = 0.75
FOLLOWUP_ASK_THRESHOLD = 0.5
ANSWER_MIN_WORDS = 3
""""Nei, ikkje for denne gruppa." answers; "Hmm." and "Nja." do not."""
EARLY_ANSWER_MIN_WORDS = 12
"""An answer to a question nobody asked yet is a stretch of talk about it, not a short reply to
the question that was asked that names its topic ("The activity plan and the chat, I would say.")."""
MARK_REACH_SECONDS = 90.0
"""A mark is made while or soon after the question is asked; a turn further back is not its evidence."""
MARK_LEEWAY_SECONDS = 3.0
"""The key is often pressed as the question is still being asked (and Whisper starts a turn a
little after its first sound)."""
MARK_BEGUN_SECONDS = 0.5
"""A turn begun more than this after the key is the mark's evidence only if no turn before it is."""


@dataclass
class Found:
    asked: list[tuple[float, object, EvidenceReason]] = field(default_factory=list)
    answered: list[tuple[float, object, EvidenceReason]] = field(default_factory=list)
    """(score, SegmentView, reason); a SegmentView has .index, .segment and .words."""


def give_way_to_coding(found: dict[str, Found], views: list, asking: list, question_of: dict[str, str | None]) -> None:
    """The researcher's tags in the review over the check's own reading of the same turn.

    An interviewer's turn tagged with a question asks that question: the check's reading of it as
    another question (or another question's follow-up) is dropped. Seen in tmux: "Of all the
    online channels NAV offers, which ones do you lean on most?" tagged 1.2 still ticked off 4.3
    ("…which type of technology works best"), the sibling meaning had put nearest. A turn tagged
    with a question keeps the check's reading of its follow-ups, and one tagged with a follow-up
    its question's. A turn tagged ``-4.3`` (any speaker's) is no evidence for 4.3 at all: the
    researcher's no, where no other item is the right one (the consent question read as a guide
    question)."""
    coded = {view.index: {question_of.get(tag) or tag for tag in tags} | tags
             for view in asking for tags in [{t for t in view.segment.tags if rejected_item(t) is None}] if tags}
    refused = {(view.index, item) for view in views for item in map(rejected_item, view.segment.tags) if item}
    if not coded and not refused:
        return
    for item_id, evidence in found.items():
        family = {item_id, question_of.get(item_id) or item_id}
        evidence.asked = [entry for entry in evidence.asked if entry[2] == "coding" or (
            (entry[1].index, item_id) not in refused
            and (entry[1].index not in coded or family & coded[entry[1].index]))]
        evidence.answered = [entry for entry in evidence.answered
                             if entry[2] == "coding" or (entry[1].index, item_id) not in refused]


def decide(guide: Guide, found: dict[str, Found], session: Session | None, tagged: dict[str, list],
           views: list, interviewer: str | None) -> list[ItemCoverage]:
    results: dict[str, ItemCoverage] = {}
    for item in guide.items():
        if item.kind == "theme":
            continue
        f = found.get(item.id, Found())
        # What the check found on its own: the researcher's coding is evidence, but counted in the
        # automatic status it hid every disagreement between a tag and the check (always "covered").
        answered = [entry for entry in f.answered if entry[2] != "coding"]
        answer_words = sum(v.words for _, v, _ in answered)
        early = max((s for s, _, _ in answered), default=0.0)
        best_ask = max((s for s, _, _ in f.asked), default=0.0)
        if f.asked and answer_words >= ANSWER_MIN_WORDS:
            status: CoverageStatus = "covered"
        elif early >= EARLY_ANSWER_THRESHOLD or (item.kind == "followup" and early >= FOLLOWUP_ASK_THRESHOLD):
            status = "covered"
        elif f.asked or answered:
            status = "partly"
        else:
            status = "not_covered"
        unasked = not f.asked and any(s >= EARLY_ANSWER_THRESHOLD for s, _, _ in answered) and status == "covered"
        results[item.id] = ItemCoverage(id=item.id, kind=item.kind, text=item.text, status=status,
                                        auto_status=status, score=round(max(best_ask, early), 3),
                                        must_cover=item.must_cover, evidence=evidence_of(f),
                                        answered_unasked=unasked)
    for item_id in tagged:
        entry = results[item_id]
        entry.disagreement = entry.auto_status != "covered"
        entry.status, entry.source = "covered", "interviewer"
    if session is not None:
        _apply_marks(session, results, views, interviewer, found)
    return _in_guide_order(guide, results)


def _apply_marks(session: Session, results: dict[str, ItemCoverage], views: list, interviewer: str | None,
                 found: dict[str, Found]) -> None:
    for item_id, record in session.items.items():
        manual = record.latest("interviewer")
        if manual is None or item_id not in results:
            continue
        entry = results[item_id]
        entry.manual_state = manual.state
        decided = {"covered": "covered", "skipped": "not_covered", "asked": None, "not_yet": None}[manual.state]
        if manual.state == "asked" and entry.status == "not_covered":
            decided = "partly"
        if decided is not None:
            entry.disagreement = decided != entry.auto_status
            entry.status = decided
            entry.source = "interviewer"
        if manual.state in ("covered", "asked") and manual.call_time is not None:
            marked = mark_evidence(manual.call_time, views, interviewer, found.get(item_id))
            # One line per segment and role, as in evidence_of: the mark wins over what the check
            # found in the same turn (the report listed that turn twice).
            same = {(e.role, e.segment) for e in marked}
            entry.evidence = sorted([e for e in entry.evidence if (e.role, e.segment) not in same] + marked,
                                    key=lambda e: (e.start, e.role))


def mark_evidence(call_time: float, views: list, interviewer: str | None, found: Found | None = None) -> list[Evidence]:
    """The interviewer's turn the mark was made for, and the reply to it: of the turns around the
    moment of the mark, the one the check itself takes for asking the item; else the last one
    begun by then. Seen in a walk-through: marks made a few seconds late (after an undo) were
    given the next question, begun 2 s after the key, as their evidence — and that question went
    into the .qdpx coded as the item marked."""
    asking = [v for v in views if (interviewer is None or v.segment.speaker == interviewer)
              and v.segment.start <= call_time + MARK_LEEWAY_SECONDS
              and v.segment.end >= call_time - MARK_REACH_SECONDS]
    if not asking:
        return []
    scores = {view.index: score for score, view, _ in (found.asked if found is not None else [])}
    begun = [v for v in asking if v.segment.start <= call_time + MARK_BEGUN_SECONDS]
    turn = max(asking, key=lambda v: (scores.get(v.index, -1.0), v.index)) if scores.keys() & {v.index for v in asking} \
        else (begun or asking)[-1]
    evidence = [_evidence(turn, "asked", 1.0, "mark")]
    reply = next((v for v in views if v.index > turn.index), None)
    if reply is not None and interviewer is not None and reply.segment.speaker != interviewer:
        evidence.append(_evidence(reply, "answered", 1.0, "mark"))
    return evidence


def _in_guide_order(guide: Guide, results: dict[str, ItemCoverage]) -> list[ItemCoverage]:
    ordered = []
    for theme in guide.themes:
        children = [results[q.id] for q in theme.questions]
        statuses = {c.status for c in children}
        if statuses == {"covered"}:
            status = "covered"
        elif statuses & {"covered", "partly"}:
            status = "partly"
        else:
            status = "not_covered"
        score = sum(c.status == "covered" for c in children) / len(children) if children else 0.0
        ordered.append(ItemCoverage(id=theme.id, kind="theme", text=theme.title, status=status,
                                    auto_status=status, score=round(score, 3), must_cover=theme.must_cover))
        for question in theme.questions:
            ordered.append(results[question.id])
            ordered += [results[f.id] for f in question.followups]
    return ordered


def _evidence(view, role, score: float, reason: EvidenceReason) -> Evidence:
    segment = view.segment
    return Evidence(start=segment.start, end=segment.end, speaker=segment.speaker, text=segment.text, role=role,
                    score=round(score, 3), segment=view.index, reason=reason)


def evidence_of(found: Found) -> list[Evidence]:
    best: dict[tuple[str, int], Evidence] = {}
    for role, entries in (("asked", found.asked), ("answered", found.answered)):
        for score, view, reason in entries:
            key = (role, view.index)
            # one line per segment and role: the strongest reason wins (a mark over keywords…)
            if key not in best or score > best[key].score:
                best[key] = _evidence(view, role, score, reason)
    # In the talk's order: by segment as well as time — noScribe's times are whole seconds, and a
    # question and its reply can start in the same one (the reply was listed, and quoted, first).
    return sorted(best.values(), key=lambda e: (e.start, e.segment, e.role))
