"""Exporting a reviewed transcript: anonymised, checked for names left in, in every format.

Nothing is written where the researcher will look until it has passed the checks: the files are
made in a private staging folder, every one of them (text, the XML inside .docx and .qdpx) is
searched for the real names of ``pseudonyms.yaml``, and only then are they moved into place —
beside earlier exports, never over them.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..coverage.answers import followup_talk, question_talk
from ..coverage.check import CoverageInput, check
from ..errors import UserError
from ..fileio import atomic_write_text, file_stem, private_folder
from ..model.timefmt import hms
from ..model.transcript import Segment, Transcript
from ..session.model import conduct_spans
from ..study import folder_inside
from .anonymise import TABLE_NAME, PseudonymTable
from .coverage_report import report_html, report_markdown
from .docx_format import write_docx
from .qdpx import write_qdpx
from .transcript_formats import FORMATS

ALL_FORMATS = [*FORMATS, "docx", "qdpx", "report"]
DIALECT_NOTICE = ("NOT YET REWRITTEN TO BOKMÅL: quotes are in the informant's dialect, which may "
                  "identify them. Rewrite quotes before publishing.")
NOT_ANONYMISED_NOTICE = "NOT ANONYMISED: real names are in this file. For your own eyes only; do not share it."
NOT_ANONYMISED_FOLDER = "not-anonymised"


class NamesLeftError(UserError):
    """A name may be left in. ``near``: the words close to a real name, (where, word, the name), for
    a front end to offer them for deciding (the review has no --force)."""

    def __init__(self, message: str, near: list[tuple[str, str, str]] = ()):
        self.near = list(near)
        super().__init__(message)


class NamesUndecidedError(NamesLeftError):
    """Capitalised words nobody has looked at: each front end says how to decide them."""

    def __init__(self, words: list[tuple[str, int]], table: Path):
        self.words, self.table = words, table
        shown = ", ".join(f"'{word}'" for word, _ in words[:8]) + (f" and {len(words) - 8} more" if len(words) > 8 else "")
        super().__init__(f"{len(words)} capitalised word(s) that {table.name} neither replaces nor keeps: {shown} — "
                         f"add each real name as 'Real name: Replacement' and each word that is not a name as "
                         f"'Word: Word' (`interview-tui names` lists them), or export with --force to keep them as they are")


@dataclass
class ExportResult:
    files: list[Path]
    leftovers: list[tuple[str, str, str]]
    kept_earlier: bool = False
    """An earlier export of the same name was there: these files carry a number (``-2``)."""


def parse_formats(text: str) -> list[str]:
    formats = ALL_FORMATS if text.strip() == "all" else [f.strip() for f in text.split(",") if f.strip()]
    if not formats:
        raise UserError(f"--format is empty — choose from {', '.join(ALL_FORMATS)} (or 'all')")
    unknown = [f for f in formats if f not in ALL_FORMATS]
    if unknown:
        raise UserError(f"unknown format(s) {', '.join(unknown)} — choose from {', '.join(ALL_FORMATS)}")
    return list(dict.fromkeys(formats))


def output_folder(study_root: Path, requested: Path | None, *, anonymise: bool) -> Path:
    """Where exports go: inside the study folder, and apart for files that keep the real names."""
    base = folder_inside(study_root, requested, Path(study_root) / "transcripts" / "exports")
    return base if anonymise else base / NOT_ANONYMISED_FOLDER


def _free_names(folder: Path, names: list[str]) -> tuple[list[Path], bool]:
    """The names themselves if all are free, else ``name-2.ext``, ``name-3.ext``… — one number
    for the whole export, so its files stay together; an earlier or hand-edited export is never
    overwritten. Also says whether an earlier one was there."""
    def numbered(name: str, number: int) -> str:
        if number == 1:
            return name
        base, dot, suffix = name.partition(".")
        return f"{base}-{number}{dot}{suffix}"

    number = 1
    while True:
        targets = [folder / numbered(name, number) for name in names]
        if not any(target.exists() for target in targets):
            return targets, number > 1
        number += 1


def _written_text(path: Path) -> str:
    """Everything a file holds that a person or a program could read."""
    if path.suffix in (".docx", ".qdpx"):
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return path.read_text(encoding="utf-8", errors="replace")


def call_notes(source: CoverageInput) -> list[tuple[float, str]]:
    """The interviewer's notes and markers from the call, as (call time, text)."""
    if source.store is None:
        return []
    return [(note.call_time or 0.0, note.text if note.kind == "note" else "(marker)")
            for note in source.store.session.notes if note.kind in ("note", "marker")]


ROLE_LABELS = {"interviewer", "informant", "intervjuer", "intervjuar", "interviewerin", "befragte", "befragter",
               "speaker", "talar", "taler", "note", "mixed", "co-interviewer"}
"""Speaker labels that are roles, not names: never asked about."""


def words_to_decide(source: CoverageInput) -> Transcript:
    """What an export writes that may hold a name: the transcript's turns, the notes typed during
    the call ("Kari will call back on Monday"), the speaker labels (a typed transcript's "Kari:")
    and the names of the recording and of the export, which the exports print ("Intervju med Kari
    Nordmann.mp3" went out whole: no word of it was asked about), as one transcript to look through."""
    transcript = source.transcript
    notes = [Segment(start=max(at, 0.0), end=max(at, 0.0), speaker="note", text=text)
             for at, text in call_notes(source) if text.strip()]
    pseudonym = source.store.session.pseudonym if source.store is not None else None
    labels = [Segment(start=0.0, end=0.0, speaker="speaker label", text=f"speaker {label}")
              for label in dict.fromkeys(s.speaker for s in transcript.segments)
              if label.lower() not in ROLE_LABELS and label != pseudonym]
    # The files' names too: a transcript brought in as "Kari Nordmann.txt" is exported as such.
    names = {"the recording's name": Path(transcript.audio_file).stem,
             "the export's name": source.name if source.name != pseudonym else ""}
    named = [Segment(start=0.0, end=0.0, speaker=where, text="name " + re.sub(r"[_.]+", " ", name))
             for where, name in names.items() if name]
    return transcript.model_copy(update={"segments": [*transcript.segments, *notes, *labels, *named]})


def export(source: CoverageInput, study_root: Path, out_dir: Path, formats: list[str], *,
           anonymise: bool = True, force: bool = False, needs_bokmal: bool = False,
           line_numbers: bool = False, audio: Path | None = None) -> ExportResult:
    """``audio``: the recording to link into the .qdpx (synchronised with the transcript)."""
    unknown = [f for f in formats if f not in ALL_FORMATS]
    if unknown or not formats:
        raise UserError(f"unknown format(s) {', '.join(unknown) or '(none)'} — choose from {', '.join(ALL_FORMATS)}")
    table = PseudonymTable.load(study_root) if anonymise else PseudonymTable({})
    anonymised, informant, notes, leftovers = anonymised_input(source, table, anonymise=anonymise, force=force)
    name = anonymised.name
    stem = file_stem(source.store.session.id if source.store else name)
    notice = DIALECT_NOTICE if needs_bokmal else None
    if not anonymise:
        notice = NOT_ANONYMISED_NOTICE + (f"\n{notice}" if notice else "")
        stem += ".NOT-ANONYMISED"
    final_dir = private_folder(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=final_dir))
    try:
        made = _write_all(anonymised, staging / stem, formats, notice, informant, notes,
                          line_numbers=line_numbers, audio=audio)
        placed, kept_earlier = place_checked(made, final_dir, table, check=anonymise and not force)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ExportResult(placed, leftovers, kept_earlier)


def anonymised_input(source: CoverageInput, table: PseudonymTable, *, anonymise: bool = True, force: bool = False):
    """(the input with the study's pseudonyms applied, the informant's shown name, the call's notes,
    the near-misses left in) — or NamesLeftError / NamesUndecidedError when a name may be left in."""
    transcript = table.anonymise(source.transcript)
    name = table.apply(source.name)
    informant = table.apply(source.store.session.pseudonym) if source.store else name
    notes = [(at, table.apply(text)) for at, text in call_notes(source)]
    leftovers = table.leftovers(
        [(f"[{hms(s.start)}] {s.speaker}" if transcript.timed else f"turn {n} ({s.speaker})", s.text)
         for n, s in enumerate(transcript.segments, 1)]  # a typed transcript has no times to say where
        + [(f"the note at [{hms(at)}]", text) for at, text in notes]
        + [("a speaker label", label) for label in {s.speaker for s in transcript.segments}]
        + [("the export's name", name), ("the recording's name", transcript.audio_file),
           ("the informant's pseudonym", informant)]) if anonymise else []
    if leftovers and not force:
        first_of_each = list({word: (where, word, real) for where, word, real in reversed(leftovers)}.values())[::-1]
        listed = "; ".join(f"{where}: '{word}' (like {real if real.startswith(('a ', 'an ')) else repr(real)})"
                           for where, word, real in first_of_each[:8])
        raise NamesLeftError(f"possible names left after anonymising — {listed}. Add each to {table.path.name}: "
                             f"a name as 'Word: Replacement', a word that is no name as 'Word: Word' "
                             f"(in the review: x offers them) — or export with --force",
                             near=[left for left in leftovers if left[2] not in ("a phone number", "an initial")])
    if anonymise and not force:  # after the near-misses: "'Karri' (like 'Kari Nordmann')" says more
        undecided = table.undecided(words_to_decide(source))
        if undecided:
            raise NamesUndecidedError(undecided, table.path or Path(TABLE_NAME))
    # The segment vectors kept beside the transcript: a turn without a name is the same text, and
    # an hour's export embedded all 1,000 segments again on every run (53 s, on the UI thread).
    guide = table.anonymise_guide(source.guide) if anonymise else source.guide
    return (CoverageInput(name, transcript, guide, source.store, source.notes, source.vectors_file,
                          source.vectors), informant, notes, leftovers)


def place_checked(made: list[Path], final_dir: Path, table: PseudonymTable, *, check: bool) -> tuple[list[Path], bool]:
    """Search every file made for the real names of the table, then move them beside earlier
    exports (never over them). Nothing is moved if one holds a name."""
    if check:
        for path in made:
            found = table.real_names_in(_written_text(path), phones=path.suffix not in (".docx", ".qdpx"))
            if found:
                raise NamesLeftError(f"{path.name} would contain '{found[0]}' from {table.path.name} — "
                                     "nothing was exported; this is a bug worth reporting, with the file "
                                     "kept out of your exports")
    placed, kept_earlier = _free_names(final_dir, [path.name for path in made])
    for path, target in zip(made, placed):
        os.replace(path, target)
    return placed, kept_earlier


def _write_all(source: CoverageInput, stem: Path, formats: list[str], notice: str | None,
               informant: str, notes: list[tuple[float, str]], *, line_numbers: bool, audio: Path | None) -> list[Path]:
    transcript = source.transcript
    written: list[Path] = []
    report = check(source, update_session=False) if {"qdpx", "report"} & set(formats) else None
    for name in formats:
        if name in FORMATS:
            suffix, render = FORMATS[name]
            text = render(transcript, notes=notes)
            if notice and name in ("txt", "md"):
                text = f"{notice}\n\n{text}"
            target = Path(f"{stem}{suffix}")
            atomic_write_text(target, text)
        elif name == "docx":
            target = write_docx(transcript, Path(f"{stem}.docx"), title=f"Transcript: {source.name}", notice=notice,
                                notes=notes, line_numbers=line_numbers)
        elif name == "qdpx":
            target = write_qdpx(Path(f"{stem}.qdpx"), source.guide, transcript, report,
                                name=source.name, informant=informant, notes=notes, audio=audio,
                                talk=coded_talk(source, report))
        else:  # the coverage report
            atomic_write_text(Path(f"{stem}.coverage.md"), report_markdown(report, source.name, notes=notes))
            target = Path(f"{stem}.coverage.html")
            atomic_write_text(target, report_html(report, source.name, notes=notes))
            written.append(Path(f"{stem}.coverage.md"))
        written.append(target)
    return written


def coded_talk(source: CoverageInput, report) -> dict[str, list[int]]:
    """Each question's and follow-up's stretch of talk, as the answers-by-theme document has it
    (never the debriefing, where the session recorded when it began)."""
    conduct = conduct_spans(source.store.session) if source.store is not None else None
    questions = question_talk(report, source.transcript, conduct)
    return {**questions, **followup_talk(source.guide, report, questions)}
