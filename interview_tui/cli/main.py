"""The ``interview-tui`` command. Without a subcommand it opens the terminal app.

Each subcommand lives in its own module and registers itself with ``add_parser``; errors the user
can fix are printed as one line each, never as a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import __version__
from ..errors import GuideError, UserError
from . import audio_cmd, coverage_cmd, export_cmd, guide_cmd, sessions_cmd, settings_cmd, transcribe_cmd

# Subcommand modules import their heavy parts (audio, Whisper) inside their handlers, so a
# broken audio stack never stops `guide check` from working.
SUBCOMMAND_MODULES = [guide_cmd, sessions_cmd, audio_cmd, transcribe_cmd, coverage_cmd, export_cmd, settings_cmd]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interview-tui",
        description="Conduct, record, transcribe and check semi-structured phone interviews.",
    )
    parser.add_argument("--version", action="version", version=f"interview-tui {__version__}")
    parser.add_argument("--project", metavar="DIR", default=None,
                        help="the study folder (guides/, recordings/, transcripts/); default: current directory")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    review = subparsers.add_parser("review", help="correct a transcript against the audio, tag guide items")
    review.add_argument("target", metavar="SESSION_OR_TRANSCRIPT",
                        help="a session, our transcript (.json), or a .txt/.vtt made elsewhere (noScribe, typed): "
                             "brought into transcripts/ as a copy that keeps your corrections")
    review.add_argument("--guide", default=None, help="the guide (default: the session's, else the study's guide in "
                        "the transcript's language)")
    review.set_defaults(handler=_review)
    for module in SUBCOMMAND_MODULES:
        module.add_parser(subparsers)
    return parser


def _review(args) -> int:
    from ..ui.run import run_app

    return run_app(project=args.project, review=args.target, guide=args.guide)


def main(argv: list[str] | None = None) -> int:
    # No library may reach the network on its own: only an explicit --download-model may.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            from ..ui.run import run_app

            return run_app(project=args.project)
        return int(args.handler(args) or 0)
    except GuideError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return 1
    except UserError as exc:
        print(f"interview-tui: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interview-tui: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
