"""``interview-tui sessions``: the interviews of a study, unfinished ones marked."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..session.lookup import brought_interviews
from ..session.store import find_sessions
from ..study import Study


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("sessions", help="list the interview sessions of the study, and the "
                                   "recordings and transcripts brought in without one")
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
        # an interview without a recording says why, so nobody goes looking for a lost file
        audio = ", ".join(session.audio_files) or f"none ({session.no_recording_reason})"
        table.add_row(session.id, session.pseudonym, state, f"{counts['covered']}/{total}",
                      audio, session.transcript_file or "—")
    console = Console()
    brought = brought_interviews(study.recordings_dir, study.transcripts_dir)
    if found:
        console.print(table)
    elif not brought:
        console.print("No interviews in this study yet: `interview-tui` starts one; `interview-tui transcribe "
                      "FILE` brings in a recording made elsewhere.", highlight=False)
    for _, session, error in found:
        if session is None:
            console.print(f"[red]{error}[/red]", highlight=False)
    if brought:
        # A dictaphone file or a transcript made elsewhere has no session: every command takes
        # the name shown here (`export dictaphone-3`).
        others = Table(title="Without a session (a command takes the name)", title_justify="left")
        others.add_column("name", no_wrap=True)
        others.add_column("audio")
        others.add_column("transcript")
        for interview in brought:
            others.add_row(interview.name, interview.audio.name if interview.audio else "—",
                           interview.transcript.name if interview.transcript else "not transcribed yet")
        console.print(others)
    return 0
