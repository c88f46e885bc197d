"""Transcribing a target end to end (options from settings and guide, exports, session update),
shared by the CLI and the app's background process."""

from __future__ import annotations

import multiprocessing
import queue as queue_module
import threading
from pathlib import Path
from typing import Callable

from ..errors import UserError
from ..export.transcript_formats import write_exports
from ..guide.model import Guide
from ..settings import Settings
from .pipeline import TranscribeOptions, TranscriptionJob, whisper_language
from .targets import TranscriptionTarget


def options_for(target: TranscriptionTarget, settings: Settings, *, model: str | None = None,
                language: str | None = None, speakers: tuple[str, ...] | None = None,
                guide: Guide | None = None, threads: int = 0) -> TranscribeOptions:
    guide = guide or target.guide
    if language is None:
        # A language chosen in the settings wins; otherwise the guide's (nb → Whisper's "no").
        language = settings.language if "language" in settings.model_fields_set or guide is None else guide.language
    vocabulary = ", ".join(guide.vocabulary()) if guide else None
    return TranscribeOptions(model=model or settings.model, language=whisper_language(language),
                             speakers=speakers or target.speakers, vocabulary=vocabulary or None,
                             device=settings.device, compute_type=settings.compute_type, cpu_threads=threads)


def finish(target: TranscriptionTarget, job: TranscriptionJob) -> list[Path]:
    written = write_exports(job.transcript, target.output)
    if target.store is not None:
        target.store.set_transcript(target.output.name)
    return written


def _child(study_root: str, ref: str, messages) -> None:
    from ..settings import load_settings
    from ..study import Study
    from .models import load_whisper
    from .targets import resolve_target

    try:
        study = Study.at(study_root)
        settings = load_settings(study.root)
        target = resolve_target(ref, study, settings)
        options = options_for(target, settings)
        model = load_whisper(options.model, options.device, options.compute_type)
        job = TranscriptionJob(target.audio, target.output, options, model=model,
                               session_id=target.store.session.id if target.store else None)
        for progress in job.run():
            messages.put(("progress", progress.fraction))
        finish(target, job)
        messages.put(("done", f"{target.output.name}: {len(job.transcript.segments)} segments"))
    except UserError as exc:
        messages.put(("error", str(exc)))
    except Exception as exc:  # the parent shows it; the checkpoint keeps what was done
        messages.put(("error", f"transcription failed: {type(exc).__name__}: {exc}"))


def transcribe_in_process(study_root: Path, ref: str, on_progress: Callable[[float], None],
                          cancel: threading.Event) -> tuple[bool, str]:
    """Transcribe in another process, so the interview app (and a recording) never starve.
    Cancelling stops it; the checkpoint lets the next run continue."""
    context = multiprocessing.get_context("spawn")
    messages = context.Queue()
    process = context.Process(target=_child, args=(str(study_root), ref, messages), daemon=True)
    process.start()
    try:
        while True:
            if cancel.is_set():
                process.terminate()
                return False, "transcription cancelled; it continues from its checkpoint next time"
            try:
                kind, payload = messages.get(timeout=0.2)
            except queue_module.Empty:
                if not process.is_alive():
                    return False, f"the transcription process stopped (exit code {process.exitcode})"
                continue
            if kind == "progress":
                on_progress(payload)
            else:
                return kind == "done", payload
    finally:
        process.join(timeout=5)
