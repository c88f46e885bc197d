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
