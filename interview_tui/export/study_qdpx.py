"""Every interview of a study in one REFI-QDA project: the guide's codes once, each interview a
source and a case, each question's answer coded — the thesis's "answers sorted by theme" opens in
NVivo, ATLAS.ti, MAXQDA or QualCoder across all interviews at once. (A project per interview had
to be imported five times, and most QDA programs import a .qdpx as a new project, not into one.)

Anonymised as every export is: each interview passes the same name checks before anything is
written, and the file is searched for the real names before it is moved into place."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..coverage.check import CoverageInput, check
from ..errors import UserError
from ..fileio import private_folder
from ..guide.model import Guide
from .anonymise import TABLE_NAME, PseudonymTable
from .qdpx import QdaInterview, write_study_qdpx
from .service import (ExportResult, NamesLeftError, NamesUndecidedError, anonymised_input, coded_talk,
                      place_checked)

FILE_NAME = "all-interviews.qdpx"


def export_study_qdpx(study_root: Path, sources: list[CoverageInput], out_dir: Path, *,
                      guide: Guide | None = None, force: bool = False) -> tuple[ExportResult, list[str]]:
    """(the result, notes: interviews checked against another guide than their own)."""
    if not sources:
        raise UserError(f"no transcribed interviews in {study_root} — transcribe sessions first")
    guide = guide or sources[0].guide
    table = PseudonymTable.load(study_root)
    interviews, leftovers, notes, undecided = [], [], [], []
    for source in sources:
        if source.guide.item_ids() != guide.item_ids():
            notes.append(f"{source.name}: its guide has other items than '{guide.title}'; coded by that guide")
            source = CoverageInput(source.name, source.transcript, guide, source.store, source.notes,
                                   source.vectors_file)
        try:
            anonymised, informant, call_notes, left = anonymised_input(source, table, force=force)
        except NamesUndecidedError as exc:  # every interview's, said at once
            undecided.append((source.name, exc.words))
            continue
        except NamesLeftError as exc:  # which interview: the study has several
            raise NamesLeftError(f"{source.name}: {exc}", near=exc.near) from None
        report = check(anonymised, update_session=False)
        interviews.append(QdaInterview(anonymised.name, informant, anonymised.transcript, report,
                                       coded_talk(anonymised, report), call_notes))
        leftovers += left
    if undecided:
        listed = "; ".join(f"{name}: " + ", ".join(f"'{word}'" for word, _ in words[:6])
                           + (f" and {len(words) - 6} more" if len(words) > 6 else "") for name, words in undecided)
        raise NamesLeftError(f"capitalised words that {table.path.name if table.path else TABLE_NAME} neither "
                             f"replaces nor keeps — {listed} — add each real name as 'Real name: Replacement' and "
                             "each word that is not a name as 'Word: Word' (`interview-tui names SESSION` lists them), "
                             "or export with --force to keep them as they are")
    final_dir = private_folder(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=final_dir))
    try:
        shown = table.anonymise_guide(guide)
        made = [write_study_qdpx(staging / FILE_NAME, shown, interviews, title=shown.title)]
        placed, kept_earlier = place_checked(made, final_dir, table, check=not force)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ExportResult(placed, leftovers, kept_earlier), notes
