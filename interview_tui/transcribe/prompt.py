"""What Whisper is given as its prompt: the guide's terms, written so they do not change how the
transcript is written."""

from __future__ import annotations

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


def guide_prompt(terms: str | None, keywords: str | None, language: str | None, tokenizer) -> str | None:
    """What Whisper is given for a guide: its terms, then the keywords it needs help to spell, as
    one sentence. ``tokenizer``: the model's own, which decides which words are whole tokens for
    this model (``token_count``)."""
    spelled = words_to_spell(keywords, token_count(tokenizer))
    words = ", ".join(part for part in (terms, spelled) if part)
    return whisper_prompt(words or None, language)
