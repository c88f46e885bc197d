"""From decoded words to the transcript's segments: sentence-sized pieces, their turn starts
placed on the channel's energy, and the test for Whisper's loops."""

from __future__ import annotations

import re
import zlib

import numpy as np

from ..model.languages import TITLES_AND_SHORTENINGS
from ..model.transcript import Segment, Word
from .audio_input import SAMPLE_RATE

SEGMENT_SPLIT_PAUSE = 1.0
_REPEAT = re.compile(r"\b((?:\w+\W+){1,4}?)\1{3,}", re.IGNORECASE | re.UNICODE)


def looks_like_a_loop(text: str) -> bool:
    """Whisper's failure mode on noise and long files: the same words over and over."""
    if len(text) < 12:
        return False
    if _REPEAT.search(text + " "):
        return True
    encoded = text.encode("utf-8")
    return len(encoded) > 60 and len(encoded) / len(zlib.compress(encoded)) > 2.6


def snap_turn_starts(segments: list[Segment], audio: np.ndarray, offset: float = 0.0) -> None:
    """Whisper places the first word after a silence late (by up to half a second on phone
    voices) — or early, at the start of the padded speech region it was given; the channel's
    energy shows where the speech really starts. ``audio`` begins at ``offset`` seconds of the
    channel."""
    hop = int(0.01 * SAMPLE_RATE)
    previous_end = -10.0
    for segment in segments:
        if segment.start - previous_end >= SEGMENT_SPLIT_PAUSE:
            lo = max(int((segment.start - offset - 0.8) * SAMPLE_RATE), int((previous_end - offset) * SAMPLE_RATE), 0)
            # looking later too, but never past the first word's end (the onset is inside it)
            later = min(0.6, (segment.words[0].end - segment.start) if segment.words else 0.2)
            hi = int((segment.start - offset + max(later, 0.2)) * SAMPLE_RATE)
            region = audio[lo:hi]
            if len(region) >= hop * 4:
                frames = region[: len(region) // hop * hop].reshape(-1, hop).astype(np.float64)
                rms = np.sqrt((frames ** 2).mean(axis=1))
                floor = max(float(np.percentile(rms, 10)), 1e-5)
                loud = np.flatnonzero(rms > max(floor * 10, 10 ** (-45 / 20)))
                if len(loud):
                    onset = round(offset + (lo + loud[0] * hop) / SAMPLE_RATE, 3)
                    if onset != segment.start and (not segment.words or onset < segment.words[0].end):
                        segment.start = onset
                        if segment.words:
                            segment.words[0].start = onset
        previous_end = segment.end


def split_into_segments(words: list[Word], speaker: str, channel: int) -> list[Segment]:
    """Sentence-sized segments from decoded words, split at sentence ends and at pauses (the
    other speaker's turn on the other channel is such a pause)."""
    segments: list[Segment] = []
    current: list[Word] = []

    def close():
        if current:
            text = "".join(w.word for w in current).strip()
            # Noise that slips past the VAD decodes to bare punctuation ("." or "..."): no words.
            if any(character.isalnum() for character in text):
                segments.append(Segment(start=current[0].start, end=current[-1].end, speaker=speaker,
                                        text=text, words=list(current), channel=channel))
            current.clear()

    for index, word in enumerate(words):
        if current and word.start - current[-1].end >= SEGMENT_SPLIT_PAUSE:
            close()
        current.append(word)
        spoken = word.word.strip()
        ends_sentence = spoken.endswith((".", "?", "!")) and spoken.lower() not in TITLES_AND_SHORTENINGS
        if ends_sentence and index + 1 < len(words):
            close()
    close()
    return segments


STRETCHED_WORD_SECONDS = 1.0
"""A word Whisper placed over more than this is not taken to cover the speech under it: with the
guide's words as the prompt, an informant's whole sentence was written as nothing, and the
interviewer's "Thank you," after it was stretched over the four seconds (seen in a walk-through;
the same file without the prompt was right). Such a stretch is decoded again, and the stretched
words give way to what that finds."""


def is_stretched(word: Word) -> bool:
    return word.end - word.start > STRETCHED_WORD_SECONDS


def without_stretched_words(found: list[Segment], decoded_again: list[Segment]) -> list[Segment]:
    """``found`` with its stretched words (longer than STRETCHED_WORD_SECONDS) moved off the speech
    decoded again: what was said there is the new words, and a stretched word lies somewhere in
    its span, so it goes into the larger part of that span the new words leave (the interviewer's
    "Thank you," after the informant's recovered sentence), or, with no room left, goes (it was
    the new words, written once more)."""
    spans = [(w.start, w.end) for seg in decoded_again for w in seg.words]
    kept = []
    for segment in found:
        words = list(segment.words)
        stretched = [i for i, w in enumerate(words) if is_stretched(w)
                     and any(start < w.end and end > w.start for start, end in spans)]
        if not stretched:
            kept.append(segment)
            continue
        low, high = words[stretched[0]].start, words[stretched[-1]].end
        inside = [(start, end) for start, end in spans if start < high and end > low]
        before, after = (low, min(s for s, _ in inside)), (max(e for _, e in inside), high)
        room = max(before, after, key=lambda span: span[1] - span[0])
        moved = []
        if room[1] - room[0] >= 0.15:
            step = (room[1] - room[0]) / len(stretched)
            moved = [words[i].model_copy(update={"start": round(room[0] + k * step, 3),
                                                 "end": round(room[0] + (k + 1) * step, 3)})
                     for k, i in enumerate(stretched)]
        words = [w for i, w in enumerate(words) if i not in stretched] + moved
        words.sort(key=lambda w: w.start)
        if words:
            kept.append(segment.model_copy(update={"words": words, "start": words[0].start, "end": words[-1].end,
                                                   "text": "".join(w.word for w in words).strip()}))
    return kept


_SENTENCE_END = (".", "?", "!", "…", ":")


def capitalise_sentence_starts(segments: list[Segment]) -> None:
    """A turn, and a sentence after a full stop, begins with a capital letter. Whisper conditions
    on the text before it — the guide's terms in the prompt, the talk of a telephone-band channel
    — and then writes some turns in lower case ("mostly i ring them, if they don't pick up…": 6 of
    8 of an informant's turns in a walk-through, base). Only the first letter changes (in the
    text and in its first word); a word written with a capital inside it ("iPhone") is left as it
    is. ``segments`` in time order."""
    last_of: dict[str, Segment] = {}
    previous: Segment | None = None
    for segment in segments:
        before = last_of.get(segment.speaker)
        starts = (before is None or previous is None or previous.speaker != segment.speaker
                  or before.text.rstrip().endswith(_SENTENCE_END))
        if starts:
            _capitalise(segment)
        last_of[segment.speaker] = previous = segment


def _capitalise(segment: Segment) -> None:
    text = segment.text
    stripped = text.lstrip()
    first_word = stripped.split(" ", 1)[0]
    if not first_word[:1].islower() or any(ch.isupper() for ch in first_word[1:]):
        return
    at = len(text) - len(stripped)
    segment.text = text[:at] + stripped[0].upper() + stripped[1:]
    if segment.words:
        word = segment.words[0].word
        inner = len(word) - len(word.lstrip())
        if word[inner:inner + 1] == stripped[0]:
            capitalised = word[:inner] + word[inner].upper() + word[inner + 1:]
            segment.words[0] = segment.words[0].model_copy(update={"word": capitalised})
