"""What Whisper is given as its prompt: the guide's terms, written so they do not change how the
transcript is written."""

from __future__ import annotations

import re
from typing import Callable

TERMS_LABEL = {"en": "Terms used in this interview:", "no": "Ord som brukes i intervjuet:",
               "nn": "Ord som vert brukte i intervjuet:", "da": "Ord, der bruges i interviewet:",
               "sv": "Ord som används i intervjun:", "de": "Begriffe aus diesem Interview:"}


def whisper_prompt(vocabulary: str | None, language: str | None) -> str | None:
    """The guide's terms as a sentence in the interview's language: "Terms used in this interview:
    digital services, activity plan, write to us."

    Why: Whisper carries on in the style of the text before it, and the terms as the guide keeps
    them — a lowercase list with no full stop — made it write every segment in lower case with no
    sentence end ("mostly i call them … if they do not answer i send"; 47 of 47 segments of an
    espeak interview, tiny.en). Measured on four recordings × tiny.en/base (lowercase segment
    starts, against 3–7 with no prompt): the list 27–49, "Glossary: …." or the list with a
    capital and a full stop 3–14, each term its own sentence 0–3 but the talk cut into short
    sentences (77 segments for 57), this form 7–11 with the talk's own sentences (a language it
    has no label for gets the list with a capital and a full stop)."""
    if not vocabulary or not vocabulary.strip(" ,.;"):
        return None
    terms = vocabulary.strip().rstrip(",;. ")
    label = TERMS_LABEL.get(language or "")
    return f"{label} {terms}." if label else f"{terms[:1].upper()}{terms[1:]}."


def words_to_spell(keywords: str | None, token_count: Callable[[str], int]) -> str | None:
    """The guide's keywords the prompt should carry: phrases, and words Whisper's tokenizer holds
    only in pieces ("aktivitetsplan", "arbeidsevnevurdering"), which it cannot be trusted to
    spell. A word it has as one token ("problem", "give", "office") it writes right without help,
    and in the prompt it is a word to pull a misheard one onto ("problem" for "follow-up", base,
    on the first held-out talk in the guide's words).

    Measured on the dev interviews (talk in the guide's words and the natural interview, espeak
    and a neural voice, and the LibriVox readers; two renderings of three rounds each, tiny.en and
    base): the guide's words written right 700 of 768 against 698 with every keyword, and as many
    words wrong (SA-WER summed over the ten cases 0.942 against 0.946). Of the English guide's 46
    keywords it keeps 25 (tiny.en) or 28 (base); of the Norwegian's 44, 40 (base)."""
    if not keywords:
        return None
    kept = [word for word in (part.strip() for part in keywords.split(","))
            if word and (" " in word or token_count(word) > 1)]
    return ", ".join(kept) or None


def token_count(tokenizer) -> Callable[[str], int]:
    """How many tokens the model's own tokenizer (``WhisperModel.hf_tokenizer``) holds a word in,
    as it comes in running text (after a space)."""
    return lambda word: len(tokenizer.encode(" " + word, add_special_tokens=False).ids)


def prompt_words(terms: str | None, keywords: str | None, tokenizer) -> list[str]:
    """The words the prompt carries for a guide: its terms, then the keywords the model needs help
    to spell. ``tokenizer``: the model's own, which decides which words are whole tokens for this
    model (``token_count``)."""
    spelled = words_to_spell(keywords, token_count(tokenizer))
    return [word for part in (terms, spelled) if part for word in (w.strip() for w in part.split(",")) if word]


def guide_prompt(terms: str | None, keywords: str | None, language: str | None, tokenizer) -> str | None:
    """What Whisper is given for a guide: ``prompt_words`` as one sentence (``whisper_prompt``)."""
    return whisper_prompt(", ".join(prompt_words(terms, keywords, tokenizer)) or None, language)


def _plain(text: str) -> str:
    """Lower case, words only: "nav.no" is "nav no", "NAV," is "nav"."""
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


def holds_a_prompt_word(text: str, words: list[str]) -> bool:
    """Whether ``text`` holds one of the prompt's words or phrases, case and punctuation aside, its
    last word as the start of a word: "Nav.no" is "nav.no", "activity plans" holds "activity plan"
    and "aktivitetsplanen" "aktivitetsplan" (Norwegian inflects at the end of a word). A word that
    only starts the same ("navy" for "NAV") keeps the prompt, which is the safe way to be wrong.

    The pipeline asks it of the first part of each window, decoded with the prompt: where the
    talk never uses the guide's words, the rest of the window is decoded without them. Why: the
    prompt is there to spell the guide's words, and elsewhere it only pulls other words about — on
    the LibriVox readers (talk with nothing of the guide), tiny.en with the guide's prompt wrote
    13.4 % of the words wrong against 11.9 % without it (dev, two renderings). Estimated before
    building on the dev interviews, window by window: the readers 12.3 %; talk in the guide's words
    as prompted throughout (every first part held a guide word); the natural interviews as prompted
    or 0.2 points better. Built: the readers 12.2 % against plain's 11.5 % (six renderings, twice).
    Why not decode again without the prompt wherever it wrote no
    guide word: that is most chunks of most talk, and would add about a third to the time
    (benchmarks/transcription.md)."""
    said = _plain(text).split()
    phrases = [phrase for phrase in (_plain(word).split() for word in words) if phrase]
    return any(_said_at(said, phrase, at) for phrase in phrases for at in range(len(said) - len(phrase) + 1))


def _said_at(said: list[str], phrase: list[str], at: int) -> bool:
    """The phrase's words from ``at``, its last one as the start of a word."""
    *whole, last = phrase
    return said[at: at + len(whole)] == whole and said[at + len(whole)].startswith(last)
