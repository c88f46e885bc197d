"""Exporting a reviewed transcript: anonymised, checked for names left in, in every format."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..coverage.check import CoverageInput, check
from ..errors import UserError
from ..fileio import atomic_write_text
from .anonymise import PseudonymTable
from .coverage_report import report_html, report_markdown
from .docx_format import write_docx
from .qdpx import write_qdpx
from .transcript_formats import FORMATS

ALL_FORMATS = [*FORMATS, "docx", "qdpx", "report"]
DIALECT_NOTICE = ("NOT YET REWRITTEN TO BOKMÅL: quotes are in the informant's dialect, which may "
                  "identify them. Rewrite quotes before publishing.")


class NamesLeftError(UserError):
    pass


@dataclass
class ExportResult:
    files: list[Path]
    leftovers: list[tuple[int, str, str]]


def export(source: CoverageInput, study_root: Path, out_dir: Path, formats: list[str], *,
           anonymise: bool = True, force: bool = False, needs_bokmal: bool = False) -> ExportResult:
    unknown = [f for f in formats if f not in ALL_FORMATS]
    if unknown:
        raise UserError(f"unknown format(s) {', '.join(unknown)} — choose from {', '.join(ALL_FORMATS)}")
    table = PseudonymTable.load(study_root) if anonymise else PseudonymTable({})
    leftovers = table.leftovers(source.transcript) if anonymise else []
    if leftovers and not force:
        listed = "; ".join(f"segment {i + 1}: '{word}' (like '{real}')" for i, word, real in leftovers[:8])
        raise NamesLeftError(f"possible names left after anonymising — {listed}. Add them to "
                             f"{table.path.name}, or export with --force if they are not names")
    rewrite = table.apply
    transcript = source.transcript
    stem = out_dir / (source.store.session.id if source.store else source.name)
    notice = DIALECT_NOTICE if needs_bokmal else None
    written: list[Path] = []
    for name in formats:
        if name in FORMATS:
            suffix, render = FORMATS[name]
            text = render(transcript, rewrite)
            if notice and name in ("txt", "md"):
                text = f"{notice}\n\n{text}"
            target = Path(f"{stem}{suffix}")
            atomic_write_text(target, text)
        elif name == "docx":
            target = write_docx(transcript, Path(f"{stem}.docx"), rewrite, notice=notice)
        elif name == "qdpx":
            report = check(source, update_session=False)
            informant = table.apply(source.store.session.pseudonym) if source.store else source.name
            target = write_qdpx(Path(f"{stem}.qdpx"), source.guide, transcript, report,
                                name=source.name, informant=informant, rewrite=rewrite)
        else:  # the coverage report
            report = check(source, update_session=False)
            atomic_write_text(Path(f"{stem}.coverage.md"), report_markdown(report, source.name, rewrite))
            target = Path(f"{stem}.coverage.html")
            atomic_write_text(target, report_html(report, source.name, rewrite))
            written.append(Path(f"{stem}.coverage.md"))
        written.append(target)
    return ExportResult(written, leftovers)
