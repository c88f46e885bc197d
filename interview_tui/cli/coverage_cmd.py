"""``interview-tui coverage`` and ``interview-tui matrix``."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import UserError


def add_parser(subparsers) -> None:
    coverage = subparsers.add_parser("coverage", help="which guide items an interview covered, with the evidence")
    coverage.add_argument("target", metavar="TRANSCRIPT_OR_SESSION")
    coverage.add_argument("--guide", type=Path, help="the guide (default: the session's)")
    coverage.add_argument("--json", action="store_true", help="machine-readable output")
    coverage.add_argument("--no-update", action="store_true", help="do not record the automatic marks in the session")
    coverage.set_defaults(handler=run_coverage)

    matrix = subparsers.add_parser("matrix", help="guide items × interviews, in the terminal, as CSV and HTML")
    matrix.add_argument("targets", nargs="*", metavar="TRANSCRIPT_OR_SESSION",
                        help="default: every transcribed session of the study")
    matrix.add_argument("--guide", type=Path, help="the guide (default: the first session's)")
    matrix.add_argument("--output", type=Path, help="where to write coverage-matrix.csv/.html (default: transcripts/)")
    matrix.set_defaults(handler=run_matrix)


def run_coverage(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from ..coverage.check import check, resolve_input
    from ..coverage.report import REASON_WORDS, STATUS_SYMBOLS, STATUS_WORDS, disagreement_words
    from ..model.timefmt import hms
    from ..study import Study

    study = Study.at(args.project).require()
    source = resolve_input(args.target, study, args.guide)
    report = check(source, update_session=not args.no_update)
    if args.json:
        print(report.model_dump_json(indent=1))
        return 0
    console = Console()
    table = Table(title=f"{source.name} — {report.guide_title}", caption=f"found by {report.scorer}")
    table.add_column("item", no_wrap=True)
    table.add_column("status", ratio=1)
    table.add_column("time", no_wrap=True)
    table.add_column("why", ratio=1)
    table.add_column("evidence", ratio=3)  # the quote is what the reader came for
    colours = {"covered": "green", "partly": "yellow", "not_covered": "red"}
    for item in report.items:
        first = item.evidence[0] if item.evidence else None
        quote = f"{first.speaker}: “{_quoted(item.evidence)}”" if first else ""
        status = f"[{colours[item.status]}]{STATUS_SYMBOLS[item.status]} {STATUS_WORDS[item.status]}[/]"
        if item.source == "interviewer":
            status += " (marked)"
        if item.must_cover and item.status != "covered":
            status += " [bold]★[/]"
        if item.answered_unasked:
            status += " (answered unasked)"
        if item.disagreement:
            status += f"\n[magenta]≠ {disagreement_words(item)}[/]"
        why = f"{REASON_WORDS[first.reason]} {first.score:.2f}" if first else ""
        indent = {"theme": "", "question": " ", "followup": "   "}[item.kind]
        table.add_row(f"{indent}{item.id}", status, hms(first.start) if first else "", why, quote,
                      style="bold" if item.kind == "theme" else None)
    console.print(table)
    missed = [i.id for i in report.items if i.kind == "question" and i.status == "not_covered"]
    console.print(f"not covered: {', '.join(missed) if missed else 'none'}", highlight=False)
    differ = report.disagreements()
    if differ:
        console.print("you and the check disagree on: " +
                      "; ".join(f"{i.id} ({disagreement_words(i)})" for i in differ), highlight=False)
    if source.store is not None and source.store.session.suggestions:
        from ..coverage.live_comparison import compare_live

        comparison = compare_live(source.store.session.suggestions, report)
        console.print(f"during the call: {comparison.headline()}", highlight=False)
        for difference in comparison.differences:
            console.print(f"  {difference.line()}", highlight=False)
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    return 0


def run_matrix(args) -> int:
    from rich.console import Console

    from ..coverage.check import check, resolve_input, study_inputs
    from ..coverage.answers import answers_by_question, answers_markdown
    from ..coverage.matrix import build_matrix, to_csv, to_html, to_rich_table
    from ..export.answers_docx import write_answers_docx
    from ..session.model import conduct_spans
    from ..fileio import atomic_write_text, private_folder
    from ..guide.loader import load_guide
    from ..study import Study, folder_inside

    study = Study.at(args.project).require()
    folder_inside(study.root, args.output, study.transcripts_dir)  # refused before the work, not after
    inputs = ([resolve_input(ref, study, args.guide) for ref in args.targets] if args.targets
              else study_inputs(study, args.guide))
    if not inputs:
        raise UserError(f"no transcribed interviews in {study.root} — transcribe sessions first, or name transcripts")
    guide = load_guide(args.guide) if args.guide else inputs[0].guide
    named, interviews = [], []
    for source in inputs:
        if source.guide.item_ids() != guide.item_ids():
            print(f"interview-tui: {source.name}: its guide has other items than '{guide.title}'; "
                  "checked against that guide", file=sys.stderr)
            source.guide = guide
        report = check(source)
        named.append((source.name, report))
        conduct = conduct_spans(source.store.session) if source.store is not None else None
        interviews.append((source.name, source.transcript, report, conduct))
    answers = answers_by_question(guide, interviews)
    talk = [segment for per_question in answers.values() for answer in per_question for segment in answer.segments]
    named, table = _with_pseudonyms(study, named, talk)
    matrix = build_matrix(guide, named)
    Console().print(to_rich_table(matrix))
    folder = private_folder(folder_inside(study.root, args.output, study.transcripts_dir))
    atomic_write_text(folder / "coverage-matrix.csv", to_csv(matrix))
    atomic_write_text(folder / "coverage-matrix.html", to_html(matrix))
    atomic_write_text(folder / "answers-by-theme.md", answers_markdown(guide, answers, table.apply))
    write_answers_docx(guide, answers, folder / "answers-by-theme.docx", table.apply)
    print(f"wrote {folder / 'coverage-matrix.csv'}, {folder / 'coverage-matrix.html'}, and "
          f"{folder / 'answers-by-theme.md'} and .docx (each question's talk in every interview)")
    return 0


def _quoted(evidence) -> str:
    """The first quote; a question cut in two (both halves are evidence) shows both ends."""
    from ..coverage.semantic import SPLIT_QUESTION_GAP

    first = evidence[0]
    # The same turn can be evidence twice (the researcher's mark and the check): not a second half.
    rest = [e for e in evidence[1:] if e.start > first.start]
    if rest and first.role == rest[0].role == "asked" and first.speaker == rest[0].speaker \
            and rest[0].start - first.end < SPLIT_QUESTION_GAP:
        return f"{first.text[:30].rstrip()} … {rest[0].text[:40]}"
    return first.text[:70]


def _with_pseudonyms(study, named, talk=()):
    """The matrix's quotes with the study's pseudonyms: its HTML is made to be shown (to a
    supervisor, a co-coder), and it carried "Ola Hansen" as the transcript has it. Words the table
    does not decide are named, so the researcher can decide them before showing it. ``talk``: the
    answers document's turns, looked through with the quotes (rewritten as it is written)."""
    from ..export.anonymise import PseudonymTable
    from ..model.transcript import Segment, Transcript

    table = PseudonymTable.load(study.root)
    quotes = [Segment(start=s.start, end=s.end, speaker=s.speaker, text=s.text) for s in talk]
    for name, report in named:
        # the column's name too: a transcript brought in as "Per Olsen.txt" heads its column so
        quotes.append(Segment(start=0.0, end=0.0, speaker="the interview's name", text=f"name {name}"))
        for item in report.items:
            for evidence in item.evidence:
                quotes.append(Segment(start=evidence.start, end=evidence.end, speaker=evidence.speaker,
                                      text=evidence.text))
                evidence.text, evidence.speaker = table.apply(evidence.text), table.apply(evidence.speaker)
    undecided = table.undecided(Transcript(segments=quotes))
    if undecided:
        shown = ", ".join(f"'{word}'" for word, _ in undecided[:8]) + (" …" if len(undecided) > 8 else "")
        print(f"interview-tui: the matrix's and the answers' quotes hold {len(undecided)} capitalised word(s) that {table.path.name} "
              f"neither replaces nor keeps ({shown}) — decide them (in the review: n; or `interview-tui names`) "
              "before you show it to anyone", file=sys.stderr)
    return [(table.apply(name), report) for name, report in named], table
