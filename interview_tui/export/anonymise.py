"""Pseudonyms: a per-study table of real names and places with their replacements, applied to
every string an export writes (never to the stored transcript), and two checks before anything
is written: close misspellings left in the text, and — on the finished files themselves — any
real name at all.

Names are matched the way people and Whisper write them: any case, with or without diacritics
(Tromsø / Tromso, Zoë in NFC or NFD), Norwegian and English genitives (Olas, Ola's), hyphen or
space between parts (Jean-Luc / Jean Luc), each part of a full name on its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from ..errors import UserError
from ..fileio import atomic_write_text
from ..model.languages import TITLES_AND_SHORTENINGS
from ..guide.model import Guide
from ..model.transcript import Transcript

TABLE_NAME = "pseudonyms.yaml"
_LATIN_LETTERS = [chr(code) for code in range(0x41, 0x250) if chr(code).isalpha()]
_UPPER = "".join(ch for ch in _LATIN_LETTERS if ch.isupper())
_LOWER = "".join(ch for ch in _LATIN_LETTERS if ch.islower())
_NAME_WORD = rf"[{_UPPER}][{_LOWER}]+(?:[{_UPPER}][{_LOWER}]+)*"
_CAPITALISED = re.compile(rf"(?<!\w)({_NAME_WORD}(?:[-\s]{_NAME_WORD}){{0,3}})(?!\w)")
"""A capitalised word, or a run of up to four (first names and a surname; with two at most, "Ringer
Kari Nordmann i morgen" was read as "Ringer Kari" and "Nordmann", and the names dialog offered
them apart, so the export said "Name A Name B"): every Latin letter, so that "Björn
Müller", "Östersund", "José" and "McDonald" are found (with A–Z and ÆØÅ alone they slipped
through to the export unseen)."""
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|[\"“(]\s*)$")
_WORD = re.compile(r"\w+")
_PHONE = re.compile(r"(?<![\w+-])\+?\d[\d .()-]{6,}\d(?![-.]?\w)")
"""Not inside a longer token: a session id such as 20261127-1941-e816 is not a phone number."""
PHONE_REPLACEMENT = "[phone number]"
_PRIVATE_USE = 0xF900 - 0xE000
"""Characters no text has nor any name pattern matches: the marks of names found (``apply``)."""
_SEPARATOR = r"[\s\-‐‑–.]?"
_GENITIVE = r"(?:['’]s|['’]|s)?"
_VARIANTS = {"a": "aåáàâäã", "e": "eéèêë", "i": "iíìîï", "o": "oøóòôöõ", "u": "uúùûü", "c": "cç",
             "n": "nñ", "y": "yýÿ", "s": "sß"}


def fold(text: str) -> str:
    """Lower case without diacritics, for comparing: 'Tromsø' and 'TROMSO' fold alike."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("ø", "o").replace("æ", "ae").replace("å", "a").replace("ß", "ss").replace("đ", "d")


_SOUNDS = [(r"ph", "f"), (r"c(?=[eiy])", "s"), (r"ck|c|q", "k"), (r"x", "ks"), (r"z", "s"), (r"w", "v"),
           (r"th|dt", "t"), (r"(?<=[bdfgklmnprstv])h", ""), (r"[gkh]j", "j"), (r"y(?=[aeiou])", "j"),
           (r"ie|ey|ee|ea|y", "i"), (r"(.)\1+", r"\1")]


def sound_key(folded: str) -> str:
    """How a folded word sounds, roughly: "carrie", "kary" and "kari" are one key. Whisper writes
    a name it does not know by its sound, and "Carrie said…" at a sentence's start was neither a
    near spelling of "Kari" nor a word the export waits for."""
    for pattern, replacement in _SOUNDS:
        folded = re.sub(pattern, replacement, folded)
    return folded[:-1] if len(folded) > 4 and folded.endswith("e") else folded


def phone_numbers(text: str) -> list[str]:
    """Digit runs shaped like a phone number (8–15 digits, spaces, dashes, a leading +)."""
    return [m.group(0) for m in _PHONE.finditer(text) if 8 <= sum(ch.isdigit() for ch in m.group(0)) <= 15]


def _name_pattern(name: str) -> str:
    """A regex for one name as people write it: any case and diacritics, hyphen or space."""
    folded, parts, index = fold(unicodedata.normalize("NFC", name)), [], 0
    while index < len(folded):
        char = folded[index]
        if folded.startswith("ae", index):  # æ folds to ae: both spellings
            parts.append("(?:[æÆ]|[aAåÅáàâäã][eEéèêë])")
            index += 2
            continue
        if char in " -‐‑–":
            parts.append(_SEPARATOR)
        elif char in _VARIANTS:
            variants = _VARIANTS[char]
            parts.append(f"[{variants}{variants.upper()}]")
        elif char.isalnum():
            parts.append(f"[{re.escape(char)}{re.escape(char.upper())}]")
        else:
            parts.append(re.escape(char))
        index += 1
    if len(folded) <= 3 and parts and parts[0].startswith("["):
        # "Per", "Ola": short names are also words ("per måned"); only the capitalised form is the name.
        capitals = "".join(ch for ch in parts[0][1:-1] if ch.isupper() or not ch.isalpha())
        if capitals:  # a letter with no capital ("ƾ", found by the property test) stays as it is
            parts[0] = f"[{capitals}]"
    return "".join(parts)


class PseudonymTable:
    def __init__(self, mapping: dict[str, str], path: Path | None = None):
        entries = {unicodedata.normalize("NFC", str(real)).strip(): str(replacement).strip()
                   for real, replacement in mapping.items() if str(real).strip()}
        # "Cromwell: Cromwell" — a capitalised word the researcher looked at and kept: not a name.
        self.kept = {real for real, replacement in entries.items() if fold(real) == fold(replacement)}
        self.mapping = {real: replacement for real, replacement in entries.items() if real not in self.kept}
        self.path = path
        # Each part of a full name is a name too ("Nordmann said…"); a part the table names on
        # its own keeps its own replacement.
        entries = dict(self.mapping)
        for real, replacement in self.mapping.items():
            for part in name_parts(real):
                if len(part) >= 2 and part not in entries and not any(fold(part) == fold(k) for k in entries):
                    entries[part] = replacement
        self._entries = entries
        ordered = sorted(entries, key=len, reverse=True)  # "Kari Nordmann" before "Kari"
        self._patterns = [(re.compile(rf"(?<!\w)({_name_pattern(name)})({_GENITIVE})(?!\w)"), entries[name])
                          for name in ordered]

    @classmethod
    def load(cls, study_root: Path) -> "PseudonymTable":
        path = Path(study_root) / TABLE_NAME
        if not path.is_file():
            return cls({}, path)
        try:
            # Every value as written: YAML 1.1 reads "Yes: Yes" / "No: No" (words kept) as booleans,
            # "On" and "Yes" as one key, "Null: …" as None ("None" replaced in every export).
            data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=yaml.BaseLoader) or {}
        except UnicodeDecodeError:
            raise UserError(f"{path}: not UTF-8 text — save it as UTF-8 (one 'Real name: Replacement' per line)")
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else 1
            raise UserError(f"{path}:{line}: not valid YAML — write one 'Real name: Replacement' per line")
        if not isinstance(data, dict):
            raise UserError(f"{path}:1: write one 'Real name: Replacement' per line")
        for real, replacement in data.items():
            if not isinstance(replacement, (str, int)) or not str(replacement).strip():
                line = next((n for n, text in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1)
                             if text.strip().startswith((f"{real}:", f"'{real}':", f'"{real}":'))), 1)
                raise UserError(f"{path}:{line}: '{real}' has no replacement — write 'Real name: Replacement', "
                                f"or '{real}: {real}' to keep a word that is not a name")
        return cls({str(k): str(v) for k, v in data.items()}, path)

    def save(self) -> None:
        table = {**self.mapping, **{word: word for word in self.kept}}
        atomic_write_text(self.path, yaml.safe_dump(table, allow_unicode=True, sort_keys=True))

    @property
    def empty(self) -> bool:
        return not self.mapping

    def decides(self, name: str) -> bool:
        """Whether the table says what a capitalised word (or run of them) is: each word replaced
        or kept. Part by part: with "Kari" alone in the table, "Kari Nordmann" still leaks a surname."""
        kept, name = {fold(word) for word in self.kept}, unicodedata.normalize("NFC", name)
        if fold(name) in kept or fold(name) in {fold(real) for real in self.mapping}:
            return True
        return all(fold(part) in kept or self.apply(part) != part for part in name.split())

    def undecided(self, transcript: Transcript) -> list[tuple[str, int]]:
        """Capitalised words inside sentences that the table neither replaces nor keeps: an export
        would carry them as they are, and a real name among them is the worst leak there is."""
        return [(name, count) for name, count in suggest_names(transcript, limit=10_000) if not self.decides(name)]

    def decide(self, word: str, replacement: str | None, *, forget: bool = False) -> None:
        """The researcher's decision on one word, saved at once: its replacement, or None to keep
        it; ``forget``: undecided again (a slip of the key taken back)."""
        word = unicodedata.normalize("NFC", word).strip()
        self.mapping.pop(word, None)
        self.kept.discard(word)
        if forget:
            pass
        elif replacement is None or fold(replacement) == fold(word):
            self.kept.add(word)
        else:
            self.mapping[word] = replacement.strip()
        self.__init__({**self.mapping, **{w: w for w in self.kept}}, self.path)  # patterns rebuilt
        self.save()

    def keep_all(self, words: list[str]) -> None:
        """Many words kept at once (the researcher read the list and replaced the names in it),
        saved once."""
        self.kept |= {unicodedata.normalize("NFC", word).strip() for word in words}
        self.__init__({**self.mapping, **{w: w for w in self.kept}}, self.path)  # patterns rebuilt
        self.save()

    def apply(self, text: str) -> str:
        """Every real name replaced (genitive endings kept), and phone numbers taken out."""
        text = unicodedata.normalize("NFC", text).replace("\x00", "")
        # Each name is marked first and the marks replaced at the end: replaced one after another,
        # "Ingrid: Kari" then "Kari: Mette" made both women Mette (a pseudonym that is another
        # person's real name is common practice). A mark has no letters for a later name to match.
        marks: list[str] = []

        def mark(match: re.Match, replacement: str) -> str:
            marks.append(replacement + _genitive_of(match.group(2)))
            high, low = divmod(len(marks) - 1, _PRIVATE_USE)  # no digit or letter: a name may be "2024"
            return f"\x00{chr(0xE000 + high)}{chr(0xE000 + low)}\x00"

        for pattern, replacement in self._patterns:
            text = pattern.sub(lambda m, r=replacement: mark(m, r), text)
        text = re.sub("\x00([\ue000-\uf8ff])([\ue000-\uf8ff])\x00",
                      lambda m: marks[(ord(m.group(1)) - 0xE000) * _PRIVATE_USE + ord(m.group(2)) - 0xE000], text)
        for replacement in set(self._entries.values()):
            # "Kari: Name A" and "Nordmann: Name A" made "Ringer Name A Name A i morgen": one
            # person said by both names is one replacement.
            text = re.sub(rf"(?<!\w){re.escape(replacement)}(?:[ \t]+{re.escape(replacement)})+", replacement, text)
        for number in phone_numbers(text):
            text = text.replace(number, PHONE_REPLACEMENT)
        return text

    def anonymise(self, transcript: Transcript) -> Transcript:
        """A copy in which every string an export may write is anonymised: text, speaker labels,
        the audio file's name, the settings — the stored transcript is not touched."""
        copy = transcript.model_copy(deep=True)
        copy.audio_file = self.apply(copy.audio_file)
        copy.speakers = [self.apply(s) for s in copy.speakers]
        copy.settings = {}
        for segment in copy.segments:
            segment.text = self.apply(segment.text)
            segment.speaker = self.apply(segment.speaker)
            segment.draft_text = None
            for word in segment.words:
                word.word = self.apply(word.word)
        return copy

    def anonymise_guide(self, guide: Guide) -> Guide:
        """A copy of the guide with its words anonymised too: its questions are codes in a .qdpx
        and headings in the answers, and a guide that asked about "the office in Tromsø" stopped
        every export of a study that replaces Tromsø ("a bug worth reporting")."""
        copy = guide.model_copy(deep=True)
        copy.title, copy.description = self.apply(copy.title), self.apply(copy.description)
        for item in [*copy.briefing, *copy.debriefing]:
            item.text = self.apply(item.text)
        for theme in copy.themes:
            theme.title, theme.keywords = self.apply(theme.title), [self.apply(k) for k in theme.keywords]
            for question in theme.questions:
                question.text, question.keywords = self.apply(question.text), [self.apply(k) for k in question.keywords]
                for followup in question.followups:
                    followup.text, followup.keywords = self.apply(followup.text), [self.apply(k) for k in followup.keywords]
        return copy

    def leftovers(self, strings: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
        """In already anonymised strings (where, text): words still close to a real name (a
        misspelling, an initial, a word made from it) and phone numbers — (where, what, the real
        name it resembles). A word the table keeps is the researcher's decision: not one of them
        ("annen" — Norwegian for "other" — is as close to "Anne" as "Karri" is to "Kari", and with
        "annen: annen" in the table it still stopped every export, the review's included, where
        there is no --force)."""
        found = []
        replacements = {fold(r) for r in self.mapping.values()}
        replacement_words = {word for r in replacements for word in r.split()}
        kept = {fold(word) for word in self.kept}
        parts = {fold(part): real for real in self.mapping for part in name_parts(real) if part}
        sounds = {sound_key(part): real for part, real in parts.items() if len(part) >= 4 and len(sound_key(part)) >= 4}
        initials = {part[0] for part in parts if part}
        verdicts: dict[str, str | None] = {}
        for where, text in strings:
            for number in phone_numbers(text):
                found.append((where, number, "a phone number"))
            for match in re.finditer(r"\((\w)\.?\)", text):  # "Informant A (K)": an initial
                if fold(match.group(1)) in initials:
                    found.append((where, match.group(0), "an initial"))
            for word in _WORD.findall(text):
                if word not in verdicts:  # a word is judged once: the names list runs on the UI thread
                    folded = fold(word)
                    verdicts[word] = None if len(folded) < 2 or folded in replacements or folded in kept or \
                        folded in replacement_words else self._resembles(folded, parts, sounds)
                if verdicts[word]:
                    found.append((where, word, verdicts[word]))
        return found

    @staticmethod
    def _resembles(folded: str, parts: dict[str, str], sounds: dict[str, str]) -> str | None:
        """The real name a folded word is close to: spelt nearly so, made from it, or sounding so."""
        return next((real for part, real in parts.items() if folded == part or folded.rstrip("s") == part or (
            _made_from(folded, part) or len(part) >= 4 and len(folded) >= 4 and fuzz.ratio(folded, part) >= 85)),
            sounds.get(sound_key(folded)) if len(folded) >= 4 else None)

    def near_names(self, transcript: Transcript) -> list[tuple[str, int, str]]:
        """The words an export would stop at as close to a real name, (word, times, the name): the
        names list and the review offer them for deciding, as they do capitalised words."""
        counts, like = Counter(), {}
        for _, word, real in self.leftovers([("", self.apply(segment.text)) for segment in transcript.segments]):
            if real not in ("a phone number", "an initial"):  # not a word to decide
                counts[word] += 1
                like.setdefault(word, real)
        return [(word, count, like[word]) for word, count in counts.most_common()]

    def real_names_in(self, text: str, *, phones: bool = True) -> list[str]:
        """Real names (or their parts) standing in finished output: the last guard before writing.
        ``phones=False`` for the XML inside .docx/.qdpx, whose ids are long digit runs."""
        hits = []
        text = unicodedata.normalize("NFC", text)
        # The replacements themselves are not leaks: a real surname that is also a word of its
        # pseudonym ("Aa Informant" → "Informant A", found by the property test) would otherwise
        # be flagged for ever and block every export. Any other occurrence still counts.
        unflagged = text
        for replacement in sorted(set(self.mapping.values()), key=len, reverse=True):
            unflagged = re.sub(rf"(?<!\w){re.escape(replacement)}(?!\w)", " ", unflagged)
        for pattern, _ in self._patterns:
            hits += [m.group(1) for m in pattern.finditer(unflagged)]
        return hits + (phone_numbers(text) if phones else [])


PARTICLES = frozenset({"van", "der", "den", "de", "la", "le", "les", "von", "zu", "di", "da", "das", "do", "dos", "du",
                       "del", "della", "ter", "ten", "af", "av", "y", "e", "bin", "al", "el"})


def name_parts(real: str) -> list[str]:
    """The parts of a full name that are names on their own ("Nordmann said…"), without its
    particles: with "Jan van der Berg" and "Maria de la Cruz" in the table, "Der bor han" became
    "Informant A bor han" and every Norwegian "der" and "la" stopped the export as a name left in.
    A lower-case part beside a capitalised one is a particle; in a name written all in lower case,
    the usual particles are."""
    parts = [part for part in re.split(r"[\s\-]+", real) if part]
    capitalised = any(part[:1].isupper() for part in parts)
    return [part for part in parts if not part[:1].islower() or not capitalised and part.lower() not in PARTICLES]


def _made_from(folded: str, part: str) -> bool:
    """A word made from a name: Norwegian writes compounds and people of a place in one lower-case
    word ("tromsøværinger", "bodøkontoret"), and a typed transcript may join a name with "_"
    ("kari_nordmann"); the names' patterns match whole words only, so these went out as they
    were. Four letters of the name at least, three more after it (a genitive is not this)."""
    return len(part) >= 4 and folded.startswith(part) and len(folded.lstrip("_")) - len(part) >= 3


def _genitive_of(ending: str) -> str:
    # "Olas" → "Informant As" reads badly; an apostrophe keeps the replacement whole.
    return "'s" if ending == "s" else ending


def suggest_names(transcript: Transcript, known: set[str] = frozenset(), limit: int = 30) -> list[tuple[str, int]]:
    """Capitalised words not at the start of a sentence, and capitalised runs that start one
    ("Ola Hansen from the IT team helped" — a whole name was skipped as a sentence start and never
    suggested): names and places to consider."""
    counts: Counter = Counter()
    common: set[str] | None = None  # looked up once, and only when a run starts a sentence
    for name, at_start in _capitalised(transcript):
        if at_start:
            first, _, rest = name.partition(" ")
            if not rest:
                continue  # one word starting a sentence: ``sentence_start_words``
            common = _common_words(transcript) if common is None else common
            if first.lower() in common:
                name = rest  # "Before Kari …": the name is the second word
        if name not in known and name.upper() != name:
            counts[name] += 1
    return counts.most_common(limit)


def sentence_start_words(transcript: Transcript, known: set[str] = frozenset(),
                         limit: int = 30) -> list[tuple[str, int]]:
    """Single capitalised words at the start of a sentence that are neither function words nor
    written in lower case anywhere in the transcript: "Ola said…" may be a name; "Mostly" is not."""
    common = _common_words(transcript)
    counts: Counter = Counter()
    for name, at_start in _capitalised(transcript):
        if at_start and " " not in name and name.lower() not in common and name not in known:
            counts[name] += 1
    named = {name for name, _ in suggest_names(transcript, known, limit=10_000)}
    return [(name, count) for name, count in counts.most_common() if name not in named][:limit]


def _capitalised(transcript: Transcript):
    """(capitalised word or run, whether it starts a sentence). A title is no name and ends no
    sentence: "…or Dr. Olsen" listed "Dr" as a name to decide and "Olsen" as perhaps only a
    sentence's first word (seen in a walk-through of the names list)."""
    for segment in transcript.segments:
        text = unicodedata.normalize("NFC", segment.text)  # "Ko\u0308rting" is one word
        for match in _CAPITALISED.finditer(text):
            if text[match.end(1): match.end(1) + 1] == "." and f"{match.group(1).lower()}." in TITLES_AND_SHORTENINGS:
                continue
            before = text[: match.start()]
            after_title = (before.rstrip().rsplit(maxsplit=1) or [""])[-1].lower() in TITLES_AND_SHORTENINGS
            yield match.group(1), bool(_SENTENCE_START.search(before)) and not after_title


def _common_words(transcript: Transcript) -> set[str]:
    """Words that are words, not names: function words of the interview languages, and every
    word the transcript itself writes in lower case (a sentence's "Mostly" is "mostly" elsewhere)."""
    from stop_words import get_stop_words

    common = {word for segment in transcript.segments for word in _WORD.findall(segment.text) if word.islower()}
    for language in ("english", "norwegian", "danish", "swedish", "german"):
        common.update(get_stop_words(language))
    return common | {"yes", "yeah", "no", "ok", "okay", "thank", "thanks", "hello", "hi", "good", "well", "right",
                     "ja", "nei", "takk", "hei", "bra", "jo", "mm", "mhm", "oh", "so", "and", "but"}
