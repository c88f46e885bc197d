"""``interview-tui sessions``: the interviews of a study, unfinished ones marked."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..session.store import find_sessions
from ..study import Study


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("sessions", help="list the interview sessions of the study")
    parser.set_defaults(handler=run)


def run(args) -> int:
    study = Study.at(args.project).require()
    table = Table()
    table.add_column("id", no_wrap=True)
    table.add_column("informant")
    table.add_column("state", no_wrap=True)
    table.add_column("covered", no_wrap=True)
    table.add_column("audio")
    table.add_column("transcript")
    found = find_sessions(study.recordings_dir)
    for path, session, error in found:
        if session is None:
            table.add_row(path.name, "", "[red]damaged[/red]", "", "", "")
            continue
        counts = session.counts()
        total = sum(counts.values())
        state = "ended" if session.ended else "unfinished"
        if session.setup_check:
            state = f"set-up check, {state}"
        table.add_row(session.id, session.pseudonym, state, f"{counts['covered']}/{total}",
                      ", ".join(session.audio_files) or "—", session.transcript_file or "—")
    console = Console()
    console.print(table)
    for _, session, error in found:
        if session is None:
            console.print(f"[red]{error}[/red]", highlight=False)
    return 0
