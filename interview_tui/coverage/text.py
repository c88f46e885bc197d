"""Words for matching: normalised, dialect forms folded, function words dropped, stemmed.

Norwegian function words come from the ``stop-words`` package (its list has Nynorsk and
dialect forms too); the English list is our own short one, because the package's English list
drops content words that matter in interviews ("work", "face", "group", "best"). Other languages a
guide may be in (German, Swedish, Danish, …) take the package's list and Snowball's stemmer for
that language, with the fillers of spoken talk added: with Norwegian's, a German guide's "wie",
"hat", "sich" counted as content words and a greeting was taken for a question about casting.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer
from stop_words import get_stop_words

ENGLISH_FUNCTION_WORDS = set("""
a about above after again all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most
my myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves us yes yeah okay ok um uh er mm well really quite like just
do does did done can't don't doesn't didn't isn't aren't wasn't weren't i'm you're it's that's
there's we're they're i've you've we've they've would've let's tell me kind sort thing things
""".split())

# Spoken Norwegian as interviewers and ASR write it, folded to Bokmål before stemming.
DIALECT_FORMS = {
    "ikkje": "ikke", "itj": "ikke", "ikkj": "ikke", "kje": "ikke", "kor": "hvor", "korsn": "hvordan",
    "koss": "hvordan", "korleis": "hvordan", "åssen": "hvordan", "ka": "hva", "kva": "hva", "kæ": "hva",
    "æ": "jeg", "eg": "jeg", "mæ": "meg", "dæ": "deg", "dæm": "dem", "dokker": "dere", "hu": "hun",
    "bruka": "bruke", "brukar": "bruker", "brukarane": "brukerne", "tenesta": "tjenesten",
    "tenester": "tjenester", "digitale": "digitale", "mykje": "mye", "noko": "noe", "nokon": "noen",
    "heime": "hjemme", "kontakta": "kontakte", "sjå": "se", "fekk": "fikk", "vart": "ble",
}

NYNORSK_ENDINGS = [("arane", "erne"), ("ane", "ene"), ("ingar", "inger"), ("inga", "ingen"),
                   ("ar", "er"), ("ast", "es"), ("a", "en")]

LANGUAGES = {"nb": "norwegian", "nn": "norwegian", "no": "norwegian", "en": "english", "de": "german",
             "sv": "swedish", "da": "danish", "nl": "dutch", "fi": "finnish", "fr": "french", "es": "spanish",
             "it": "italian", "pt": "portuguese"}
"""Guide languages with both a Snowball stemmer and a function-word list; any other language is
matched on whole words, with no function words dropped but the fillers below."""

NORWEGIAN_FILLERS = {"litt", "mye", "sånn", "liksom", "altså", "jo", "vel", "da", "nå", "ok", "okei", "ja", "nei",
                     "mm", "eh", "ehm", "hm"}
SPOKEN_FILLERS = {
    "german": {"ja", "nein", "nee", "ne", "mal", "halt", "eben", "eigentlich", "genau", "okay", "ok", "also", "gibt",
               "äh", "ähm", "hm", "mhm", "naja"},
    "swedish": {"ja", "nej", "jo", "liksom", "alltså", "typ", "okej", "ok", "mm", "eh", "öh", "hm"},
    "danish": {"ja", "nej", "jo", "altså", "lige", "okay", "ok", "mm", "øh", "hm"},
}
GENERIC_FILLERS = {"ok", "okay", "mm", "mhm", "hm", "eh", "ehm", "uh", "um"}

_WORD = re.compile(r"[\wæøåÆØÅ']+", re.UNICODE)


def is_whole_question(text: str) -> bool:
    """A turn that ends in "?" is a question of its own, never the first half of one cut by a pause
    or an "mm": the keyword step and the meaning step both join halves only when it is not."""
    return text.rstrip().endswith("?")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower()
    text = re.sub(r"\((?:\.+|\d+\s*s(?:ek\w*|econds?)?(?:\s*pause)?|[^)]*pause[^)]*)\)", " ", text)
    return " ".join(_WORD.findall(text.replace("/", " ").replace("-", " ")))


class Analyzer:
    def __init__(self, language: str = "nb"):
        code = (language or "nb").lower()
        self.language = LANGUAGES.get(code, "norwegian" if code in ("", "auto") else "")
        self._stemmer = snowballstemmer.stemmer(self.language) if self.language else None
        if self.language == "norwegian":
            self.function_words = set(get_stop_words("norwegian")) | NORWEGIAN_FILLERS
        elif self.language == "english":
            self.function_words = ENGLISH_FUNCTION_WORDS
        elif self.language:
            self.function_words = set(get_stop_words(self.language)) | SPOKEN_FILLERS.get(self.language, GENERIC_FILLERS)
        else:
            self.function_words = set(GENERIC_FILLERS)

    @lru_cache(maxsize=50000)
    def stem(self, word: str) -> str:
        if self.language == "norwegian" and len(word) > 6:
            # Forms Snowball stems apart: "brukerne"/"brukere", "vanligst(e)"/"vanlig".
            for ending, replacement in (("erne", "ere"), ("igste", "ig"), ("igst", "ig")):
                if word.endswith(ending):
                    word = word[: -len(ending)] + replacement
                    break
        return self._stemmer.stemWord(word) if self._stemmer else word

    def words(self, text: str) -> list[str]:
        return [DIALECT_FORMS.get(word, word) for word in normalise(text).split()]

    def content_stems(self, text: str) -> list[str]:
        return [self.stem(word) for word in self.words(text)
                if word not in self.function_words and len(word) > 1 and not word.isdigit()]

    def variants(self, word: str) -> set[str]:
        """Nynorsk and dialect endings folded to Bokmål ("manglar" → "mangler", "brukarane" →
        "brukerne", "arbeidsavklaringa" → "arbeidsavklaringen"), beside the word itself."""
        found = {word}
        if self.language != "norwegian" or len(word) < 5:
            return found
        for ending, bokmal in NYNORSK_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                found.add(word[: -len(ending)] + bokmal)
                break
        return found

    def stems_with_compounds(self, text: str) -> set[str]:
        """Content stems (with Nynorsk variants), plus the stems of adjacent words joined — ASR
        splits compounds ("aktivitets plan" for "aktivitetsplan")."""
        words = [w for w in self.words(text) if not w.isdigit()]
        stems = {self.stem(v) for w in words if w not in self.function_words and len(w) > 1
                 for v in self.variants(w)}
        for first, second in zip(words, words[1:]):
            if len(first) > 2 and len(second) > 2:
                stems.add(self.stem(first + second))
        return stems
