"""Which guide items an interview covered, found in the words: deterministic, lexical, any CPU.

An item is *asked* when an interviewer segment (or two in a row: questions get split) carries
enough of the item's distinctive words; *answered* when the informant then says something of
substance before the next question. Words are weighted by how distinctive they are within the
guide (IDF over its items), matched after stemming, with compounds re-joined and fuzzy matching
for ASR misspellings. A segment's words go first to the item they fit best; another item counts
only on words the best one does not explain — so a question that mentions "chat" does not tick
off the skipped chat question (distractors), while a turn that really poses two questions ticks
both (merged questions). An informant who talks about an item's topic before it is asked
(early answers) counts as answered evidence.
"""

from __future__ import annotations

import math
from math import fsum
import re
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ..guide.model import Guide, GuideItem
from ..session.model import Session, conduct_spans
from ..model.transcript import Segment, Transcript
from .embeddings import TextEmbedder, VectorCache, load_text_embedder, unavailable_reason
from .report import CoverageReport
from .semantic import REPORT, SHORT_TURN_WORDS, CoverageTracker, OperatingPoint, mutual_matches, usable
from .statuses import EARLY_ANSWER_MIN_WORDS, EARLY_ANSWER_THRESHOLD, Found, decide, give_way_to_coding
from .stretches import (ANSWER_WINDOW_SECONDS, debriefing_start, followups_found, followups_in_stretches, on_a_clock,
                        question_stretches)
from .text import Analyzer, is_whole_question, normalise

ASK_THRESHOLD = 0.5
WRONG_GUIDE_SHARE = 0.3
"""Fewer questions than this found asked: probably another guide's interview. Meaning finds a few
near-misses in an interview on a neighbouring topic (work, public services), so keywords' 0.2
became 0.3 — the warning asks, it does not decide."""
SCORE_CAP_WORDS = 2.5
"""A segment carrying this many of an item's distinctive words scores 1.0."""
KEYWORD_MARK = "§"
KEYWORD_PHRASE_MATCH = 88
PHRASE_WORD_MATCH = 75
IDF_FLOOR = 0.7
MIN_MATCHED_WORDS = 1.05
"""At least one distinctive word (in units of a word unique to one item of the guide):
"digital services" are in every question of the seed guide and prove nothing."""
GENERIC_WEIGHT = 4.5
"""Items with less distinctive weight than this ("What do you do when you deal with such a
client?") are recognised by their wording, next to a neighbour in the guide that was asked."""
GENERIC_PHRASE_MATCH = 0.75
KEYWORD_BOOST = 1.5
FUZZY_MIN_LENGTH = 5
FUZZY_MIN_RATIO = 86
INTERVIEWER_NAMES = re.compile(r"^(interviewer|intervjuer|intervjuar|i|int|forsker|researcher|s01)$", re.I)


@dataclass
class ItemProfile:
    item: GuideItem
    weights: dict[str, float]
    phrase: str
    text_stems: set[str] = field(default_factory=set)
    """Stems of the item's own wording (keywords are alternatives, not all expected)."""
    phrase_parts: dict[str, set[str]] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return fsum(self.weights.values())


@dataclass
class SegmentView:
    index: int
    segment: Segment
    stems: set[str]
    words: int
    text: str


class CoverageMatcher:
    def __init__(self, guide: Guide, embedder: TextEmbedder | None | str = "auto",
                 point: OperatingPoint = REPORT):
        """``embedder``: "auto" loads the semantic scorer where it is installed; None is keywords only."""
        self.guide = guide
        self.wants_semantic = embedder is not None
        self.embedder = load_text_embedder() if embedder == "auto" else embedder
        self.point = point
        self.analyzer = Analyzer(guide.language)
        self.items = [item for item in guide.items() if item.kind != "theme"]
        self.profiles = {item.id: self._profile(item) for item in self.items}
        self.vocabulary = sorted({stem for p in self.profiles.values() for stem in p.weights})
        self._fuzzy_cache: dict[str, str | None] = {}

    # --- guide side --------------------------------------------------------------------------
    def _profile(self, item: GuideItem) -> ItemProfile:
        stems: dict[str, float] = {}
        parts: dict[str, set[str]] = {}
        for stem in self.analyzer.content_stems(item.text):
            stems[stem] = 1.0
        for keyword in item.keywords:
            for stem in self.analyzer.content_stems(keyword):
                stems[stem] = KEYWORD_BOOST
            phrase = normalise(keyword)
            if " " in phrase and len(phrase) >= 6:
                # The phrase as said, matched fuzzily on the text: "skriv til os", "aktivitets plan".
                stems[KEYWORD_MARK + phrase] = KEYWORD_BOOST
                parts[KEYWORD_MARK + phrase] = set(self.analyzer.content_stems(keyword))
        return ItemProfile(item, stems, normalise(item.text), set(self.analyzer.content_stems(item.text)), parts)

    def _apply_idf(self) -> None:
        documents = len(self.profiles) + 1
        frequency: dict[str, int] = defaultdict(int)
        for profile in self.profiles.values():
            for stem in profile.weights:
                frequency[stem] += 1
        for profile in self.profiles.values():
            for stem in profile.weights:
                # Words in many items carry no information about which one was asked.
                idf = math.log((documents + 1) / (frequency[stem] + 0.5))
                profile.weights[stem] *= max(0.0, idf - IDF_FLOOR)
        for profile in self.profiles.values():
            for phrase, parts in profile.phrase_parts.items():
                # A phrase of common words ("digitale tjenester") is common, however rare as a phrase.
                words = fsum(profile.weights.get(part, 0.0) for part in parts)
                profile.weights[phrase] = min(profile.weights[phrase], KEYWORD_BOOST * words)
        unique = math.log((documents + 1) / 1.5) - IDF_FLOOR  # a word only one item has
        self.min_matched = MIN_MATCHED_WORDS * unique
        self.score_cap = SCORE_CAP_WORDS * unique

    # --- transcript side ---------------------------------------------------------------------
    def _canonical(self, stem: str) -> str | None:
        """A transcript stem as the guide spells it (exact, or a close ASR misspelling)."""
        if stem in self._vocabulary_set:
            return stem
        if len(stem) < FUZZY_MIN_LENGTH:
            return None
        if stem not in self._fuzzy_cache:
            match = process.extractOne(stem, self.vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_RATIO)
            self._fuzzy_cache[stem] = match[0] if match else None
        return self._fuzzy_cache[stem]

    def _view(self, index: int, segment: Segment) -> SegmentView:
        stems = set()
        for stem in self.analyzer.stems_with_compounds(segment.text):
            canonical = self._canonical(stem)
            if canonical:
                stems.add(canonical)
        text = normalise(segment.text)
        tokens = text.split()
        for phrase in self._phrases:
            if fuzz.partial_ratio(phrase, text, score_cutoff=KEYWORD_PHRASE_MATCH) and all(
                    len(word) < 3 or process.extractOne(word, tokens, scorer=fuzz.ratio,
                                                        score_cutoff=PHRASE_WORD_MATCH) for word in phrase.split()):
                # Every word of the phrase there, if misspelt ("home offise"): "…away from the office"
                # is not "home office", though the characters nearly line up (seen in tmux).
                stems.add(KEYWORD_MARK + phrase)
        return SegmentView(index, segment, stems, len(segment.text.split()), text)

    def score(self, profile: ItemProfile, stems: set[str], exclude: set[str] = frozenset()) -> float:
        """How much of the item these words carry (0–1). One word alone is not enough unless the
        item has only one: "gangen" must not pose "Var det utfordrende å komme i gang?"."""
        hits = self._hits(profile, stems, exclude)
        words = sum(len(profile.phrase_parts.get(stem, ())) or 1 for stem in self._found(profile, stems, exclude))
        if not profile.total or (words < 2 and len(profile.weights) > 1):
            return 0.0
        if fsum(hits) < min(self.min_matched, profile.total * 0.8):
            return 0.0
        return min(1.0, fsum(hits) / min(profile.total, self.score_cap))

    def matched(self, profile: ItemProfile, stems: set[str], exclude: set[str] = frozenset()) -> float:
        return fsum(self._hits(profile, stems, exclude))

    @staticmethod
    def _found(profile: ItemProfile, stems: set[str], exclude: set[str] = frozenset()) -> set[str]:
        found = {stem for stem in profile.weights if stem in stems and stem not in exclude}
        for phrase in [s for s in found if s.startswith(KEYWORD_MARK)]:
            found -= profile.phrase_parts.get(phrase, set())
        return found

    @classmethod
    def _hits(cls, profile: ItemProfile, stems: set[str], exclude: set[str] = frozenset()) -> list[float]:
        """Weights of the item's words found; a keyword phrase found counts once, as the more of
        its own weight and its words' weights — not both."""
        hits = []
        for stem in cls._found(profile, stems, exclude):
            parts = profile.phrase_parts.get(stem, set())
            hits.append(max(profile.weights[stem], fsum(profile.weights.get(p, 0.0) for p in parts)))
        return hits

    @staticmethod
    def fit(profile: ItemProfile, stems: set[str]) -> float:
        """The share of the item's own weight found, uncapped: ranks a short question that is
        asked almost whole above a long one that only shares a few words."""
        own = fsum(profile.weights.get(stem, 0.0) for stem in profile.text_stems)
        if not own:
            return 0.0
        return fsum(profile.weights.get(stem, 0.0) for stem in profile.text_stems & stems) / own

    def _phrase_match(self, profile: ItemProfile, view: SegmentView) -> float:
        """Short generic probes ("Hvorfor/hvorfor ikke?") have no distinctive words: match the
        phrase itself."""
        if not profile.phrase or len(profile.phrase) < 6:
            return 0.0
        return fuzz.partial_ratio(profile.phrase, view.text) / 100.0 if len(view.text) >= len(profile.phrase) * 0.6 else 0.0

    # --- the match ---------------------------------------------------------------------------
    def interviewer_label(self, transcript: Transcript) -> str | None:
        speakers = list(dict.fromkeys(s.speaker for s in transcript.segments))
        if len(speakers) < 2:
            return None
        channel_zero = {s.speaker for s in transcript.segments if s.channel == 0}
        if transcript.software.startswith("interview-tui") and len(channel_zero) == 1 and \
                any(s.channel == 1 for s in transcript.segments):
            return channel_zero.pop()
        named = [s for s in speakers if INTERVIEWER_NAMES.match(s.strip())]
        if named:
            return named[0]
        questions = defaultdict(int)
        for segment in transcript.segments:
            questions[segment.speaker] += segment.text.count("?")
        return max(speakers, key=lambda s: questions[s])

    def match(self, transcript: Transcript, session: Session | None = None,
              vectors: VectorCache | None = None) -> CoverageReport:
        self._prepare()
        warnings: list[str] = []
        interviewer = self.interviewer_label(transcript)
        timed = sorted(transcript.segments, key=lambda s: s.start)
        segments = on_a_clock(timed)
        spans = conduct_spans(session) if session is not None else None
        # The briefing and debriefing are never evidence: their words are the guide's topics.
        # Nor are loops and words Whisper was unsure of: that is where invented words (the guide's
        # vocabulary hallucinated into silence) live.
        views = [self._view(i, s) for i, s in enumerate(segments)
                 if (spans is None or any(a <= s.start < b for a, b in spans)) and usable(s)]
        all_views = [self._view(i, s) for i, s in enumerate(segments)]
        asking = [v for v in views if interviewer is None or v.segment.speaker == interviewer]
        answering = [v for v in views if interviewer is None or v.segment.speaker != interviewer]
        if not any(v.words for v in views):
            warnings.append("the transcript has no text: nothing can be covered")
        found: dict[str, Found] = defaultdict(Found)
        questions = [p for p in self.profiles.values() if p.item.kind == "question"]
        followups = [p for p in self.profiles.values() if p.item.kind == "followup"]

        # 1. questions asked: a segment, or a segment joined with the next asking one
        for position, view in enumerate(asking):
            candidates = [view.stems]
            # A question ended with "?" is whole: joined with the next one, "…record this call?" and
            # "…on home days?" asked 2.1 ("video calls", "day"; seen in tmux).
            if position + 1 < len(asking) and not is_whole_question(view.segment.text) and \
                    self._adjacent(view, asking[position + 1], views):
                candidates.append(view.stems | asking[position + 1].stems)
            for stems in candidates:
                for profile, score in self._attribute(questions, stems):
                    found[profile.item.id].asked.append((score, view, "keywords"))
        # 1b. generic questions, by their wording, right after their neighbour in the guide
        order = [p.item.id for p in questions]
        for profile in questions:
            if profile.total >= GENERIC_WEIGHT or found[profile.item.id].asked:
                continue
            position = order.index(profile.item.id)
            neighbours = [order[i] for i in (position - 1, position + 1) if 0 <= i < len(order)]
            near = [v.segment.start for n in neighbours for _, v, _ in found[n].asked]
            for view in asking:
                if near and min(abs(view.segment.start - t) for t in near) <= ANSWER_WINDOW_SECONDS and \
                        not any(view in [v for _, v, _ in f.asked] for f in found.values()):
                    similarity = fuzz.token_set_ratio(profile.phrase, view.text) / 100.0
                    if similarity >= GENERIC_PHRASE_MATCH:
                        found[profile.item.id].asked.append((similarity, view, "keywords"))
        # 1c. by meaning: every turn in order, as live coverage sees them
        debriefing_at = None
        if self.embedder is not None:
            guide_rows, matrix, heard = self._semantic_pass(views, asking, found, vectors)
            # The debriefing heard after the last question: its talk is no question's answer.
            debriefing_at = debriefing_start(heard, found, self.profiles)
            if debriefing_at is not None:
                asking = [v for v in asking if v.segment.start < debriefing_at]
                answering = [v for v in answering if v.segment.start < debriefing_at]
        question_of = {item_id: p.item.question_id for item_id, p in self.profiles.items()}
        give_way_to_coding(found, views, asking, question_of)  # before the stretches: a dropped question has none
        # 2. each time a question is asked, its answer lies until another question is asked
        windows = question_stretches(self, found, asking, debriefing_at)
        for item_id, spans_of in windows.items():
            for view in answering:
                if view.words >= 2 and any(a <= view.segment.start < b + 0.01 for a, b in spans_of):
                    found[item_id].answered.append((0.0, view, "answer"))
        # 3. early answers: the informant on an item's topic, strongly enough on its own
        for view in answering:
            for profile, score in self._attribute(questions, view.stems):
                # Two of the item's words or phrases, not one, in a turn of some length: an informant
                # who names a topic in passing ("…and sometimes through the activity plan", answering
                # how clients are reached) or lists topics as the answer to the question asked ("The
                # activity plan and the chat, I would say.") has not answered what the activity plan
                # is for (both seen in tmux).
                if score >= EARLY_ANSWER_THRESHOLD and view.words >= EARLY_ANSWER_MIN_WORDS and \
                        len(self._found(profile, view.stems)) >= 2:
                    found[profile.item.id].answered.append((score, view, "keywords"))
        # 4. follow-ups: posed, or their topic raised, within their question's answer (or early)
        followups_found(self, followups, views, asking, answering, interviewer, found, windows)
        # 4b. with the stretches known: an unexplained probe closest to an open follow-up of its question
        if self.embedder is not None:
            followups_in_stretches(guide_rows, matrix, views, asking, answering, found, windows, self.point.ask_lift)
        give_way_to_coding(found, views, asking, question_of)
        # 5. the researcher's own coding (tags set in the review screen) is evidence too
        tagged: dict[str, list[SegmentView]] = defaultdict(list)
        for view in all_views:  # the researcher's own judgement, wherever the segment is
            for tag in view.segment.tags:
                if tag in self.profiles:
                    tagged[tag].append(view)
                    found[tag].answered.append((1.0, view, "coding"))
        report_items = decide(self.guide, found, session, tagged, all_views, interviewer)
        for evidence in (e for item in report_items for e in item.evidence):  # the turns' own times
            evidence.start, evidence.end = timed[evidence.segment].start, timed[evidence.segment].end
        asked_questions = sum(1 for p in questions if found[p.item.id].asked)
        if len(views) >= 10 and questions and asked_questions / len(questions) < WRONG_GUIDE_SHARE:
            warnings.append(f"only {asked_questions} of {len(questions)} questions of '{self.guide.title}' "
                            "were found: is this transcript from another guide?")
        if interviewer is None and len({s.speaker for s in segments}) < 2 and segments:
            warnings.append("one speaker only: questions and answers were told apart by content alone")
        if self.embedder is None and self.wants_semantic:
            warnings.append(unavailable_reason())
        return CoverageReport(guide_title=self.guide.title, guide_sha256=self.guide.sha256(),
                              transcript=transcript.audio_file, interviewer=interviewer,
                              items=report_items, warnings=warnings, debriefing_segment=next(
                                  (v.index for v in all_views if v.segment.start >= (debriefing_at or math.inf)), None),
                              scorer=f"keywords + meaning ({self.embedder.name})" if self.embedder else "keywords",
                              timed=transcript.timed)

    def _semantic_pass(self, views, asking, found, vectors: VectorCache | None):
        tracker = CoverageTracker.for_guide(self.guide, self.embedder, self.point)
        cache = vectors or VectorCache(None)
        matrix = cache.lookup(self.embedder, [v.segment.text for v in views])
        cache.save()
        lexical = {}
        for item_id, f in found.items():
            for score, view, _ in f.asked:
                if self.profiles[item_id].item.kind == "question" and score > lexical.get(view.index, ("", 0))[1]:
                    lexical[view.index] = (item_id, score)
        asking_ids = {id(v) for v in asking}
        by_index = {v.index: v for v in views}
        for row, view in enumerate(views):
            hint = lexical.get(view.index, (None, 0))[0]
            for suggestion in tracker.add_turn(view.segment, view.index, interviewer=id(view) in asking_ids,
                                               vector=matrix[row], lexical_question=hint):
                entry = found[suggestion.item_id]
                if suggestion.role == "asked":
                    entry.asked.append((suggestion.score, view, "semantic"))
                    if suggestion.first_half is not None:  # a question cut in two: both halves
                        entry.asked.append((suggestion.score, by_index[suggestion.first_half], "semantic"))
                else:
                    entry.answered.append((max(EARLY_ANSWER_THRESHOLD, suggestion.score), view, "semantic"))
        # With hindsight: an interviewer turn nothing explained, and a question, each other's closest.
        claimed = {v.index for f in found.values() for _, v, _ in f.asked}
        rows = [row for row, view in enumerate(views) if id(view) in asking_ids and view.index not in claimed
                and view.words >= SHORT_TURN_WORDS]
        for item, n, lift in mutual_matches(tracker.vectors, matrix[rows]):
            found[tracker.vectors.items[item].id].asked.append(
                (round(min(1.0, lift / (2 * self.point.ask_lift)), 3), views[rows[n]], "semantic"))
        return tracker.vectors, matrix, tracker.debriefing_heard  # for step 4b, and where the talk ends

    def _prepare(self) -> None:
        if not hasattr(self, "_idf_done"):
            self._apply_idf()
            self._vocabulary_set = set(self.vocabulary)
            self._phrases = sorted({s[len(KEYWORD_MARK):] for s in self.vocabulary if s.startswith(KEYWORD_MARK)})
            self._idf_done = True

    def question_asked_in(self, segment: Segment) -> tuple[str, float] | None:
        """The question one interviewer turn asks by the guide's words, for live use: (id, score)."""
        self._prepare()
        questions = [p for p in self.profiles.values() if p.item.kind == "question"]
        found = self._attribute(questions, self._view(0, segment).stems)
        return (found[0][0].item.id, found[0][1]) if found else None

    def _adjacent(self, first: SegmentView, second: SegmentView, views: list[SegmentView]) -> bool:
        # By segment index, not position: ``views`` leaves out the briefing and unusable segments,
        # and slicing it by index skipped an informant's whole answer between two questions (an
        # app session's coverage differed from the same transcript's without its session).
        between = [v for v in views if first.index < v.index < second.index]
        return second.segment.start - first.segment.end < 30 and sum(v.words for v in between) < 5

    def _attribute(self, profiles: list[ItemProfile], stems: set[str]):
        """The best item for these words, and other items on words the best does not explain."""
        scored = [(self.score(p, stems), p) for p in profiles]
        scored = sorted((pair for pair in scored if pair[0] >= ASK_THRESHOLD),
                        key=lambda pair: (-self.matched(pair[1], stems), -self.fit(pair[1], stems)))
        if not scored:
            return []
        best_score, best = scored[0]
        accepted = [(best, best_score)]
        explained = set(best.weights)
        for score, profile in scored[1:]:
            # A keyword phrase of another item whose words the best item explains is explained too:
            # "komme i kontakt" in 1.1's keywords ticked 1.1 off whenever 2.1 ("…mangler verktøyene
            # som skal til for å komme i kontakt med dem?") was asked.
            excluded = explained | {phrase for phrase, parts in profile.phrase_parts.items() if parts <= explained}
            if self.matched(profile, stems, exclude=excluded) >= self.min_matched:
                accepted.append((profile, score))
                explained |= set(profile.weights)
        return accepted
