"""``interview-tui transcribe``: local Whisper transcripts, speaker-labelled by channel."""

from __future__ import annotations

import sys
from pathlib import Path


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "transcribe", help="transcribe recordings or sessions locally with Whisper",
        description="Writes transcripts/<session-or-file>.json plus .txt, .md, .srt, .vtt and the "
                    "MAXQDA and NVivo timestamp imports. An interrupted run continues where it stopped. "
                    "A transcript that was already reviewed is never overwritten: --new-version writes "
                    "a new one beside it.")
    parser.add_argument("targets", nargs="+", metavar="RECORDING_OR_SESSION")
    parser.add_argument("--model", help="model name (downloaded once) or a local CTranslate2 folder; "
                                        "default from settings")
    parser.add_argument("--language", help="no (Bokmål), nn, en or auto; default: the guide's language")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], help="default from settings")
    parser.add_argument("--compute-type", help="e.g. int8, float16, int8_float16; default: int8 on CPU")
    parser.add_argument("--speakers", help="labels for channel 1 and 2, e.g. 'Interviewer,Informant'")
    parser.add_argument("--guide", type=Path, help="guide whose vocabulary helps (default: the session's)")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads in all (0 = every core; with 2 or more, two decoders run side by side — "
                             "1 uses least memory)")
    parser.add_argument("--download-model", action="store_true",
                        help="allow downloading the model named by --model from the internet (once; it is "
                             "announced); without it nothing leaves or enters the machine")
    parser.add_argument("--new-version", action="store_true",
                        help="if the transcript was already reviewed, write <name>-v2.json (…) beside it")
    parser.add_argument("--progress-lines", action="store_true",
                        help="for front ends such as the app: 'progress F' and 'done FILE<TAB>…' lines on "
                             "stdout; the session file is left to the caller")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from ..core.transcription import finish, guard_reviewed, options_for
    from ..errors import UserError
    from ..guide.loader import load_guide
    from ..settings import load_settings
    from ..study import Study
    from ..transcribe.models import AUTO_MODEL, NB_WHISPER_ADVICE, auto_model, load_whisper
    from ..transcribe.pipeline import TranscriptionJob
    from ..transcribe.targets import resolve_target

    from ..model.languages import check_language

    if args.language is not None:
        try:
            check_language(args.language)
        except ValueError as exc:
            raise UserError(f"--language: {exc}")
    if args.threads < 0:
        raise UserError("--threads: give 0 (every core) or a number of CPU threads")
    study = Study.at(args.project).ensure()
    settings = load_settings(study.root)
    targets, refused = [], 0
    for target in [resolve_target(ref, study, settings) for ref in args.targets]:
        # Refused before the model loads (that takes seconds), each on its own: one reviewed
        # interview among several stopped them all, the others untranscribed.
        try:
            guard_reviewed(target, new_version=args.new_version)
        except UserError as exc:
            if len(args.targets) == 1:
                raise
            refused += 1
            print(f"interview-tui: {exc} — skipped; the others are transcribed", file=sys.stderr)
            continue
        if target.store is not None and not args.progress_lines:
            target.store.claim()  # the session is updated at the end: not while another writer has it
        targets.append(target)
    if not targets:
        return 1
    extra_guide = load_guide(args.guide) if args.guide else None
    model_name = args.model or settings.model
    if model_name == AUTO_MODEL:
        languages = {options_for(target, settings, language=args.language, guide=extra_guide).language
                     for target in targets}
        model_name = auto_model(languages)
        if not args.progress_lines:
            advice = f"; {NB_WHISPER_ADVICE}" if languages & {"no", "nn"} and model_name != "small" else ""
            print(f"model: {model_name} (the best on this computer; choose one with --model or `model:` in "
                  f"settings.yaml){advice}", file=sys.stderr)
    if args.download_model:
        print(f"downloading the model '{model_name}' if it is not here yet (this contacts the model hub)…",
              file=sys.stderr)
    model = load_whisper(model_name, args.device or settings.device,
                         args.compute_type or settings.compute_type, args.threads,
                         allow_download=args.download_model)
    speakers = tuple(x.strip() for x in args.speakers.split(",")) if args.speakers else None
    report = _LineReport() if args.progress_lines else _BarReport()
    failures = 0
    with report:
        for target in targets:
            options = options_for(target, settings, model=model_name, language=args.language,
                                  speakers=speakers, guide=extra_guide, threads=args.threads)
            job = TranscriptionJob(target.audio, target.output, options, model=model,
                                   session_id=target.store.session.id if target.store else None)
            report.begin(target.name)
            try:
                for progress in job.run():
                    report.progress(progress.fraction, progress.message)
            except UserError as exc:
                failures += 1
                print(f"interview-tui: {exc}", file=sys.stderr)
                continue
            written = finish(target, job, update_session=not args.progress_lines)
            summary = (f"{target.output} ({len(job.transcript.segments)} segments, "
                       f"{job.transcript.processing_seconds:.0f} s) + "
                       + ", ".join(p.name[len(target.output.stem) + 1:] for p in written))
            if target.keeps_session_transcript:
                summary += " — a new version; the session keeps its reviewed transcript"
            heard = ""
            if options.language is None:  # nobody said which: say what Whisper heard, so a wrong guess shows
                heard = f", language {job.transcript.language} as heard — give --language if that is wrong"
                summary += f"\nlanguage: {job.transcript.language} (heard in the recording; --language to choose)"
            count = len(job.transcript.segments)
            short = (f"{target.output.name}: {count} segment{'' if count == 1 else 's'} "
                     f"(model {job.transcript.model}{heard})")
            if job.transcript.language in ("no", "nn") and not Path(job.transcript.model).is_dir():
                short += " — for Norwegian, NB-Whisper is far more accurate: README, 'Norwegian model'"
            report.done(summary, f"{target.output.name}\t{short}")
    return 1 if failures or refused else 0


class _BarReport:
    """A progress bar on the terminal, for a person."""

    def __enter__(self):
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                            TimeRemainingColumn(), console=Console(stderr=True), transient=False)
        self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc)

    def begin(self, name: str) -> None:
        self.name = name
        self.task = self.bar.add_task(name, total=1.0)

    def progress(self, fraction: float, message: str) -> None:
        self.bar.update(self.task, completed=fraction)
        if message == "resumed from checkpoint":
            self.bar.console.print(f"{self.name}: continuing from {fraction:.0%}")

    def done(self, summary: str, short: str) -> None:
        print(summary)


class _LineReport:
    """``progress F`` lines on stdout, for a front end reading a child process."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def begin(self, name: str) -> None:
        print("progress 0.0", flush=True)

    def progress(self, fraction: float, message: str) -> None:
        from ..core.transcription import PROGRESS_PREFIX

        print(f"{PROGRESS_PREFIX}{fraction:.4f}", flush=True)

    def done(self, summary: str, short: str) -> None:
        from ..core.transcription import DONE_PREFIX

        print(f"{DONE_PREFIX}{short}", flush=True)
