"""Language codes a user may give (guide, settings, ``--language``), checked where they enter."""

from __future__ import annotations

import difflib

WHISPER_CODES = frozenset(
    "af am ar as az ba be bg bn bo br bs ca cs cy da de el en es et eu fa fi fo fr gl gu ha haw he hi "
    "hr ht hu hy id is it ja jw ka kk km kn ko la lb ln lo lt lv mg mi mk ml mn mr ms mt my ne nl nn "
    "no oc pa pl ps pt ro ru sa sd si sk sl sn so sq sr su sv sw ta te tg th tk tl tr tt uk ur uz vi "
    "yi yo zh yue".split())
"""What faster-whisper accepts (its tokenizer's list)."""
ALIASES = {"nb": "no", "bokmål": "no", "bokmal": "no", "norsk": "no", "norwegian": "no", "nynorsk": "nn",
           "english": "en", "engelsk": "en", "german": "de", "deutsch": "de", "swedish": "sv", "danish": "da"}
ACCEPTED = WHISPER_CODES | {"nb", "auto"}


def check_language(code: str, *, allow_auto: bool = True) -> str:
    """The code, lower-cased; a ValueError that names the code meant when it is not one."""
    text = str(code).strip().lower()
    if text in ACCEPTED and (allow_auto or text != "auto"):
        return text
    if text in ALIASES:
        raise ValueError(f"'{code}' is not a language code — write '{ALIASES[text] if ALIASES[text] != 'no' else 'nb'}'")
    close = difflib.get_close_matches(text, sorted(ACCEPTED), n=1)
    hint = f"did you mean '{close[0]}'?" if close else "use a code such as nb, nn, en, de, sv, da"
    raise ValueError(f"'{code}' is not a language code — {hint}")


DETECTABLE = {"nb": "norwegian", "en": "english", "de": "german", "sv": "swedish", "da": "danish", "nl": "dutch",
              "fr": "french", "es": "spanish", "fi": "finnish"}


def detect_language(text: str) -> tuple[str, bool]:
    """The guide's language from its words: (code, sure). Not sure when too few common words
    decide it — the caller then says which language it assumed, and how to set it."""
    import re

    from stop_words import get_stop_words

    words = re.findall(r"[^\W\d_]+", text.lower())
    scores = {}
    for code, name in DETECTABLE.items():
        common = set(get_stop_words(name))
        scores[code] = sum(word in common for word in words)
    ranked = sorted(scores.items(), key=lambda pair: pair[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    return (best if top else "nb"), top >= 3 and top >= 1.5 * second


def whisper_language(code: str | None) -> str | None:
    """Whisper knows Bokmål as ``no``; ``nb`` would be rejected. ``auto``/nothing: None (heard)."""
    if code in (None, "", "auto"):
        return None
    return {"nb": "no", "nob": "no", "nno": "nn", "eng": "en"}.get(code, code)


TITLES_AND_SHORTENINGS = frozenset({
    "mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "jr.", "sr.", "vs.", "e.g.", "i.e.", "approx.",  # English
    "f.eks.", "bl.a.", "dvs.", "ca.", "nr.", "evt.", "kl.", "pga.", "mht.", "iht.", "ang.",  # Bokmål, Danish
    "t.ex.", "s.k.", "z.b.", "bzw.", "ggf.", "hr.", "fr.", "bspw.",  # Swedish, German
})
"""Words that end in a full stop without ending the sentence (segments, and the names finder:
"Dr. Olsen" is a name, not a sentence start): "And Mr. John Dashwood had…" was
cut after "Mr." into a segment of its own (seen in the review of a real reader). Never "etc.",
"osv." or "usw.", which often do end one."""
