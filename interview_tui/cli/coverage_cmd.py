"""``interview-tui coverage`` and ``interview-tui matrix``."""

from __future__ import annotations

import sys
from pathlib import Path


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
        table.add_row(f"{indent}{item.id}", status, report.at(first.start, "{}") if first else "", why, quote,
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

    from ..core.study_overview import build_study_overview
    from ..coverage.matrix import to_rich_table
    from ..study import Study

    overview = build_study_overview(Study.at(args.project).require(), args.targets, args.guide, args.output)
    for note in overview.notes:
        print(f"interview-tui: {note}", file=sys.stderr)
    Console().print(to_rich_table(overview.matrix))
    if overview.undecided:
        print(f"interview-tui: {overview.undecided_line()}", file=sys.stderr)
    csv_file, html_file, answers_md, _ = overview.files
    print(f"wrote {csv_file}, {html_file}, and {answers_md} and .docx (each question's talk in every interview)")
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
