"""Pseudonyms: a per-study table of real names and places with their replacements, applied to
every export (never to the stored transcript), and a check for anything left before writing."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from ..errors import UserError
from ..fileio import atomic_write_text
from ..model.transcript import Transcript

TABLE_NAME = "pseudonyms.yaml"
_CAPITALISED = re.compile(r"\b([A-ZÆØÅ][a-zæøåéü]+(?:[-\s][A-ZÆØÅ][a-zæøåéü]+)?)\b")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|[\"“(]\s*)$")


class PseudonymTable:
    def __init__(self, mapping: dict[str, str], path: Path | None = None):
        self.mapping = {real.strip(): replacement.strip() for real, replacement in mapping.items() if real.strip()}
        self.path = path
        # Longest names first, so "Kari Nordmann" is replaced before "Kari".
        names = sorted(self.mapping, key=len, reverse=True)
        self._pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE) \
            if names else None

    @classmethod
    def load(cls, study_root: Path) -> "PseudonymTable":
        path = Path(study_root) / TABLE_NAME
        if not path.is_file():
            return cls({}, path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else 1
            raise UserError(f"{path}:{line}: not valid YAML — write one 'Real name: Replacement' per line")
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise UserError(f"{path}: write one 'Real name: Replacement' per line")
        return cls({str(k): v for k, v in data.items()}, path)

    def save(self) -> None:
        atomic_write_text(self.path, yaml.safe_dump(self.mapping, allow_unicode=True, sort_keys=True))

    def apply(self, text: str) -> str:
        if self._pattern is None:
            return text
        lookup = {real.lower(): replacement for real, replacement in self.mapping.items()}
        return self._pattern.sub(lambda m: lookup[m.group(1).lower()], text)

    def leftovers(self, transcript: Transcript) -> list[tuple[int, str, str]]:
        """After replacing: words still close to a real name (a misspelling by the ASR, an
        inflection) — (segment number, word, the real name it resembles)."""
        found = []
        for index, segment in enumerate(transcript.segments):
            for word in re.findall(r"[\wæøåÆØÅ]+", self.apply(segment.text)):
                for real in self.mapping:
                    for part in real.split():
                        if len(part) >= 4 and len(word) >= 4 and word.lower() != self.mapping[real].lower() \
                                and fuzz.ratio(word.lower(), part.lower()) >= 85:
                            found.append((index, word, real))
        return found


def suggest_names(transcript: Transcript, known: set[str] = frozenset(), limit: int = 30) -> list[tuple[str, int]]:
    """Capitalised words not at the start of a sentence: names and places to consider."""
    counts: Counter = Counter()
    for segment in transcript.segments:
        for match in _CAPITALISED.finditer(segment.text):
            before = segment.text[: match.start()]
            if _SENTENCE_START.search(before):
                continue
            name = match.group(1)
            if name not in known and name.upper() != name:
                counts[name] += 1
    return counts.most_common(limit)
