"""Correcting a transcript: every edit is saved at once, and the automatic draft is never lost
(each segment keeps Whisper's text in ``draft_text`` once it is changed)."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import UserError
from ..model.timefmt import hms
from ..model.transcript import NOT_ITEM, UNCERTAIN_SPEAKER, Segment, Transcript, Word, load_transcript, rejected_item
from ..session.lock import acquire_review, release_review

UNSURE_PROBABILITY = 0.5

CONVENTIONS = {
    "short_pause": "(.)",
    "laughter": "(laughter)",
    "coughs": "(coughs)",
}


def inaudible_mark(at_seconds: float) -> str:
    return f"(inaudible {hms(at_seconds)})"


def stress(word: str) -> str:
    return f"*{word.strip('*')}*"


UNDO_STEPS = 50


class TranscriptEditor:
    """Every change is saved at once and can be undone, step by step (the last 50)."""

    def __init__(self, transcript: Transcript, path: Path):
        self.transcript = transcript
        self.path = Path(path)
        self.transcript.segments.sort(key=lambda s: (s.start, s.channel))
        self._undo: list[tuple[str, list[Segment]]] = []
        self._claimed = False

    def _checkpoint(self, what: str) -> None:
        """Remember the segments before a change; undo puts them back."""
        self._undo.append((what, [segment.model_copy(deep=True) for segment in self.segments]))
        del self._undo[:-UNDO_STEPS]

    def undo(self) -> str | None:
        """Take back the last change; returns what it was, or None when there is nothing to undo."""
        if not self._undo:
            return None
        what, segments = self._undo.pop()
        self.transcript.segments = segments
        self.save()
        return what

    @classmethod
    def open(cls, path: Path) -> "TranscriptEditor":
        return cls(load_transcript(path), path)

    def claim(self) -> None:
        """Be the transcript's one review until ``close`` (TranscriptLocked names the other)."""
        if not self._claimed:
            acquire_review(self.path)
            self._claimed = True

    def close(self) -> None:
        if self._claimed:
            release_review(self.path)
            self._claimed = False

    @property
    def segments(self) -> list[Segment]:
        return self.transcript.segments

    def save(self) -> None:
        self.transcript.review_edits += 1
        self.transcript.save(self.path)

    def _segment(self, index: int) -> Segment:
        if not 0 <= index < len(self.segments):
            raise UserError(f"there is no segment {index + 1}")
        return self.segments[index]

    @staticmethod
    def _keep_draft(segment: Segment) -> None:
        if segment.draft_text is None:
            segment.draft_text = segment.text

    def edit_text(self, index: int, text: str) -> None:
        segment = self._segment(index)
        text = " ".join(text.split())
        if text == segment.text:
            return
        self._checkpoint("the edit")
        self._keep_draft(segment)
        segment.text = text
        self.save()

    def split(self, index: int, at: int) -> None:
        """Split a segment at a character position of its text (e.g. a change of speaker)."""
        segment = self._segment(index)
        left, right = segment.text[:at].strip(), segment.text[at:].strip()
        if not left or not right:
            raise UserError("split inside the text, not at its start or end")
        self._checkpoint("the split")
        self._keep_draft(segment)
        words_left, words_right = self._split_words(segment.words, len(left.split()))
        boundary = words_right[0].start if words_right else segment.start + \
            (segment.end - segment.start) * len(left) / max(1, len(segment.text))
        first = segment.model_copy(update={"text": left, "end": boundary, "words": words_left,
                                           "draft_text": segment.draft_text, "checked": False})
        second = segment.model_copy(update={"text": right, "start": boundary, "words": words_right,
                                            "draft_text": "", "checked": False, "tags": list(segment.tags)})
        self.segments[index: index + 1] = [first, second]
        self.save()

    @staticmethod
    def _split_words(words: list[Word], count: int) -> tuple[list[Word], list[Word]]:
        return list(words[:count]), list(words[count:])

    def merge_with_next(self, index: int, *, across_speakers: bool = False) -> None:
        """Join a segment with the next; two speakers' words are joined only when asked."""
        first, second = self._segment(index), self._segment(index + 1)
        if first.speaker != second.speaker and not across_speakers:
            raise UserError(f"the next segment is {second.speaker}'s, this one {first.speaker}'s — "
                            "change a speaker first (k), or confirm the merge")
        self._checkpoint("the merge")
        self._keep_draft(first)
        drafts = " ".join(d for d in (first.draft_text, second.draft_text if second.draft_text is not None else second.text) if d)
        merged = first.model_copy(update={"text": f"{first.text} {second.text}".strip(), "end": max(first.end, second.end),
                                          "words": first.words + second.words, "draft_text": drafts,
                                          "tags": sorted(set(first.tags) | set(second.tags)), "checked": False})
        self.segments[index: index + 2] = [merged]
        self.save()

    def set_speaker(self, first: int, last: int, speaker: str) -> None:
        """The researcher decided who spoke: any doubt the transcriber flagged is settled."""
        self._checkpoint("the speaker change")
        for index in range(first, last + 1):
            segment = self._segment(index)
            segment.speaker = speaker.strip()
            segment.flags = [flag for flag in segment.flags if flag != UNCERTAIN_SPEAKER]
        self.save()

    def next_speaker(self, current: str) -> str:
        """The speaker after ``current`` in the transcript's list (then those only segments name)."""
        speakers = list(dict.fromkeys([*self.transcript.speakers, *(s.speaker for s in self.segments)]))
        return speakers[(speakers.index(current) + 1) % len(speakers)] if current in speakers else speakers[0]

    def turn_around(self, index: int) -> tuple[int, int]:
        """The first and last segment of the turn ``index`` is in: its neighbours of the same speaker."""
        segments = self.segments
        current, first, last = segments[index].speaker, index, index
        while first > 0 and segments[first - 1].speaker == current:
            first -= 1
        while last + 1 < len(segments) and segments[last + 1].speaker == current:
            last += 1
        return first, last

    def swap_speakers(self, one: str, other: str) -> int:
        """Every segment of one speaker becomes the other's and the other way round — the fix when
        the transcriber told the voices apart on a one-channel recording but named the roles
        the wrong way round. Returns how many segments changed."""
        self._checkpoint("the speaker swap")
        changed = 0
        for index, segment in enumerate(self.segments):
            if segment.speaker in (one, other):
                self._segment(index).speaker = other if segment.speaker == one else one
                changed += 1
        self.save()
        return changed

    def replace(self, find: str, replacement: str, whole_words: bool = True) -> int:
        if not find:
            return 0
        # Whole words by look-around, not \b, so "P1 \Kari" or "+47…" (not starting with a word
        # character) are found too; the replacement is literal text ("C:\temp" stays as typed).
        escaped = re.escape(find)
        pattern = re.compile(rf"(?<!\w){escaped}(?!\w)" if whole_words else escaped)
        changed = 0
        before = [segment.model_copy(deep=True) for segment in self.segments]
        for segment in self.segments:
            new, count = pattern.subn(lambda _match: replacement, segment.text)
            if count:
                self._keep_draft(segment)
                segment.text = new
                changed += count
        if changed:
            self._undo.append((f"replacing '{find}'", before))
            del self._undo[:-UNDO_STEPS]
            self.save()
        return changed

    def toggle_tag(self, index: int, item_id: str) -> bool:
        segment = self._segment(index)
        self._checkpoint(f"the tag {item_id}")
        tags = set(segment.tags)
        added = item_id not in tags
        tags.symmetric_difference_update({item_id})
        if added:  # "4.3" and "not 4.3" on one segment say opposite things: the newer stands
            refused = rejected_item(item_id)
            tags.discard(refused if refused else NOT_ITEM + item_id)
        segment.tags = sorted(tags)
        self.save()
        return added

    def set_checked(self, index: int, checked: bool = True) -> None:
        segment = self._segment(index)
        self._checkpoint("the check mark")
        segment.checked = checked
        self.save()

    def progress(self) -> tuple[int, int]:
        return sum(s.checked for s in self.segments), len(self.segments)

    def next_unsure(self, after: int, threshold: float = UNSURE_PROBABILITY) -> int | None:
        count = len(self.segments)
        for step in range(1, count + 1):
            index = (after + step) % count
            segment = self.segments[index]
            unsure_words = segment.draft_text is None and any(w.probability < threshold for w in segment.words)
            if unsure_words or UNCERTAIN_SPEAKER in segment.flags:
                return index
        return None

    def index_at(self, seconds: float) -> int | None:
        candidates = [i for i, s in enumerate(self.segments) if s.start <= seconds + 0.05]
        return candidates[-1] if candidates else None
