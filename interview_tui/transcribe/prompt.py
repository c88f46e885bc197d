"""What Whisper is given as its prompt: the guide's terms, written so they do not change how the
transcript is written."""

from __future__ import annotations

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
