"""``interview-tui transcribe``: local Whisper transcripts, speaker-labelled by channel."""

from __future__ import annotations

import sys

import sys
from pathlib import Path

from ..errors import UserError


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "transcribe", help="transcribe recordings or sessions locally with Whisper",
        description="Writes transcripts/<session-or-file>.json plus .txt, .md, .srt, .vtt and the "
                    "MAXQDA and NVivo timestamp imports. An interrupted run continues where it stopped.")
    parser.add_argument("targets", nargs="+", metavar="RECORDING_OR_SESSION")
    parser.add_argument("--model", help="model name (downloaded once) or a local CTranslate2 folder; "
                                        "default from settings")
    parser.add_argument("--language", help="no (Bokmål), nn, en or auto; default: the guide's language")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], help="default from settings")
    parser.add_argument("--compute-type", help="e.g. int8, float16, int8_float16; default: int8 on CPU")
    parser.add_argument("--speakers", help="labels for channel 1 and 2, e.g. 'Interviewer,Kari'")
    parser.add_argument("--guide", type=Path, help="guide whose vocabulary helps (default: the session's)")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0 = faster-whisper's default)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from ..guide.loader import load_guide
    from ..settings import load_settings
    from ..study import Study
    from ..transcribe.models import load_whisper
    from ..transcribe.pipeline import TranscriptionJob
    from ..transcribe.service import finish, options_for
    from ..transcribe.targets import resolve_target

    study = Study.at(args.project).ensure()
    settings = load_settings(study.root)
    targets = [resolve_target(ref, study, settings) for ref in args.targets]
    extra_guide = load_guide(args.guide) if args.guide else None
    model_name = args.model or settings.model
    model = load_whisper(model_name, args.device or settings.device,
                         args.compute_type or settings.compute_type, args.threads)
    failures = 0
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeRemainingColumn(), console=Console(stderr=True), transient=False) as bar:
        for target in targets:
            speakers = tuple(x.strip() for x in args.speakers.split(",")) if args.speakers else None
            options = options_for(target, settings, model=model_name, language=args.language,
                                  speakers=speakers, guide=extra_guide, threads=args.threads)
            job = TranscriptionJob(target.audio, target.output, options, model=model,
                                   session_id=target.store.session.id if target.store else None)
            task = bar.add_task(target.name, total=1.0)
            try:
                for progress in job.run():
                    bar.update(task, completed=progress.fraction)
                    if progress.message == "resumed from checkpoint":
                        bar.console.print(f"{target.name}: continuing from {progress.fraction:.0%}")
            except UserError as exc:
                failures += 1
                print(f"interview-tui: {exc}", file=sys.stderr)
                continue
            written = finish(target, job)
            print(f"{target.output} ({len(job.transcript.segments)} segments, "
                  f"{job.transcript.processing_seconds:.0f} s) + "
                  + ", ".join(p.name.split('.', 1)[1] for p in written))
    return 1 if failures else 0
