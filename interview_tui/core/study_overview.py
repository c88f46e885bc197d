"""All interviews of a study side by side: the coverage matrix (CSV, HTML) and every answer sorted
by theme (Markdown, Word), with the study's pseudonyms. One function for both front ends: the
``matrix`` command prints what it returns; the app's start screen runs it in a worker."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..coverage.answers import answers_by_question, answers_markdown
from ..coverage.check import check, resolve_input, study_inputs
from ..coverage.matrix import Matrix, build_matrix, to_csv, to_html
from ..errors import UserError
from ..export.answers_docx import write_answers_docx
from ..export.anonymise import PseudonymTable
from ..fileio import atomic_write_text, private_folder
from ..guide.loader import load_guide
from ..model.transcript import Segment, Transcript
from ..session.model import conduct_spans
from ..study import Study, folder_inside


@dataclass
class StudyOverview:
    matrix: Matrix
    files: list[Path]
    undecided: list[str] = field(default_factory=list)
    """Capitalised words in the quotes that ``pseudonyms.yaml`` neither replaces nor keeps."""
    table_name: str = "pseudonyms.yaml"
    notes: list[str] = field(default_factory=list)

    def undecided_line(self) -> str:
        if not self.undecided:
            return ""
        shown = ", ".join(f"'{word}'" for word in self.undecided[:8]) + (" …" if len(self.undecided) > 8 else "")
        return (f"the matrix's and the answers' quotes hold {len(self.undecided)} word(s) that may be names and "
                f"{self.table_name} neither replaces nor keeps ({shown}) — decide them (in the review: n; or "
                "`interview-tui names`) before you show them to anyone")


def build_study_overview(study: Study, targets: list[str] | tuple = (), guide_file: Path | None = None,
                         output: Path | None = None, *, qdpx: bool = False) -> StudyOverview:
    """Check every transcribed interview (or the ``targets``) and write the four files; ``qdpx``:
    also every interview in one .qdpx (``export.study_qdpx``), where no name is left undecided."""
    folder_inside(study.root, output, study.transcripts_dir)  # refused before the work, not after
    notes: list[str] = []
    inputs = ([resolve_input(ref, study, guide_file) for ref in targets] if targets
              else study_inputs(study, guide_file, left_out=notes))
    if not inputs:
        raise UserError(f"no transcribed interviews in {study.root} — transcribe sessions first, or name transcripts")
    guide = load_guide(guide_file) if guide_file else inputs[0].guide
    named, interviews = [], []
    for source in inputs:
        if source.guide.item_ids() != guide.item_ids():
            notes.append(f"{source.name}: its guide has other items than '{guide.title}'; checked against that guide")
            source.guide = guide
        report = check(source)
        named.append((source.name, report))
        conduct = conduct_spans(source.store.session) if source.store is not None else None
        interviews.append((source.name, source.transcript, report, conduct))
    answers = answers_by_question(guide, interviews)
    talk = [segment for per_question in answers.values() for answer in per_question for segment in answer.segments]
    table = PseudonymTable.load(study.root)
    # A session's name is its pseudonym, chosen to be shown; a file's name may be a real one.
    chosen = {source.name for source in inputs if source.store is not None}
    undecided = _pseudonymise(table, named, talk, chosen)
    shown = table.anonymise_guide(guide)  # its questions head the matrix and the answers
    matrix = build_matrix(shown, [(table.apply(name), report) for name, report in named])
    folder = private_folder(folder_inside(study.root, output, study.transcripts_dir))
    files = [folder / "coverage-matrix.csv", folder / "coverage-matrix.html",
             folder / "answers-by-theme.md", folder / "answers-by-theme.docx"]
    atomic_write_text(files[0], to_csv(matrix))
    overview = StudyOverview(matrix, files, undecided, table.path.name, notes)
    warning = (f"Not ready to share: {len(undecided)} capitalised word(s) are not decided in {table.path.name} "
               f"yet ({', '.join(undecided[:8])}{' …' if len(undecided) > 8 else ''}) — decide them and make "
               "this again") if undecided else ""
    atomic_write_text(files[1], to_html(matrix, warning))
    atomic_write_text(files[2], answers_markdown(shown, answers, table.apply, warning))
    write_answers_docx(shown, answers, files[3], table.apply, warning)
    if qdpx:
        _add_study_qdpx(study, inputs, guide, overview)
    return overview


def _add_study_qdpx(study: Study, inputs, guide, overview: StudyOverview) -> None:
    """The whole study for a QDA program, beside the per-interview exports; held to every export's
    name checks — refused, it says why among the notes and the other files stand."""
    from ..export.service import NamesLeftError, output_folder
    from ..export.study_qdpx import export_study_qdpx

    try:
        result, notes = export_study_qdpx(study.root, inputs, output_folder(study.root, None, anonymise=True),
                                          guide=guide)
    except NamesLeftError as exc:
        overview.notes.append(f"all-interviews.qdpx was not made: {exc}")
        return
    overview.files += result.files
    overview.notes += [note for note in notes if note not in overview.notes]


def _pseudonymise(table: PseudonymTable, named, talk, chosen: set[str]) -> list[str]:
    """The matrix's quotes get the study's pseudonyms in place: its HTML is made to be shown (to a
    supervisor, a co-coder), and it carried "Ola Hansen" as the transcript has it. Returns the
    capitalised words the table does not decide, in the quotes, the answers' turns (``talk``,
    rewritten as they are written) and the interviews' names."""
    quotes = [Segment(start=s.start, end=s.end, speaker=s.speaker, text=s.text) for s in talk]
    for name, report in named:
        # the column's name too: a transcript brought in as "Per Olsen.txt" heads its column so
        # (not a session's pseudonym: "Veileder A" was reported as an undecided name, 'Veileder')
        if name not in chosen:
            quotes.append(Segment(start=0.0, end=0.0, speaker="the interview's name", text=f"name {name}"))
        for item in report.items:
            item.text = table.apply(item.text)
            for evidence in item.evidence:
                quotes.append(Segment(start=evidence.start, end=evidence.end, speaker=evidence.speaker,
                                      text=evidence.text))
                evidence.text, evidence.speaker = table.apply(evidence.text), table.apply(evidence.speaker)
    quoted = Transcript(segments=quotes)  # and words close to a name it replaces ("tromsøværinger")
    return [word for word, _ in table.undecided(quoted)] + [word for word, _, _ in table.near_names(quoted)]
