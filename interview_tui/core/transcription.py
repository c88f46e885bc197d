"""Transcribing an interview: options from settings and guide, never over a reviewed transcript,
exports and the session updated at the end — and a background run that works in any terminal.

The background run is the ``interview-tui transcribe`` command itself in a child process that
prints ``progress F`` lines. A child of our own (rather than multiprocessing) needs nothing of
the parent's terminal: the spawn context's pass-through of file descriptors failed under a real
terminal ("bad value(s) in fds_to_keep") while every headless test passed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from ..errors import UserError
from ..export.transcript_formats import write_exports
from ..guide.model import Guide
from ..model.transcript import load_transcript
from ..session.lock import review_holder
from ..settings import Settings
from ..transcribe.pipeline import TranscribeOptions, TranscriptionJob, whisper_language
from ..transcribe.targets import TranscriptionTarget

PROGRESS_PREFIX = "progress "
DONE_PREFIX = "done "


def options_for(target: TranscriptionTarget, settings: Settings, *, model: str | None = None,
                language: str | None = None, speakers: tuple[str, ...] | None = None,
                guide: Guide | None = None, threads: int = 0) -> TranscribeOptions:
    guide = guide or target.guide
    if language is None:
        # A language chosen in the settings wins; otherwise the guide's (nb → Whisper's "no"). A
        # recording brought without a guide is heard: a default of Norwegian turned an English
        # dictaphone interview half into Norwegian (Whisper translates when told the wrong language).
        chosen = "language" in settings.model_fields_set
        language = settings.language if chosen or guide is None else guide.language
    # The guide's words help only in the guide's own language: Norwegian keywords given to an English
    # transcription came out as words nobody said ("kontakt" for "contact").
    same_language = guide is not None and whisper_language(guide.language) == whisper_language(language)
    vocabulary = ", ".join(guide.vocabulary()) if guide and same_language else None
    terms = ", ".join(guide.terms) if guide and same_language else None
    return TranscribeOptions(model=model or settings.model, language=whisper_language(language),
                             speakers=speakers or target.speakers, vocabulary=vocabulary or None, terms=terms or None,
                             device=settings.device, compute_type=settings.compute_type, cpu_threads=threads)


def review_work(path: Path) -> int:
    """How many segments of an existing transcript a researcher has worked on (0 if none, or no file)."""
    if not path.is_file():
        return 0
    try:
        transcript = load_transcript(path)
    except UserError:
        return 0  # not readable as ours: the pipeline's own check reports it
    worked = sum(1 for s in transcript.segments if s.draft_text is not None or s.checked or s.tags)
    return max(worked, 1) if transcript.review_edits else worked


def next_version(path: Path) -> Path:
    number = 2
    while path.with_name(f"{path.stem}-v{number}{path.suffix}").exists():
        number += 1
    return path.with_name(f"{path.stem}-v{number}{path.suffix}")


def guard_reviewed(target: TranscriptionTarget, *, new_version: bool) -> None:
    """A reviewed transcript is hours of work: never overwritten. ``new_version`` writes beside it.
    One open in a review is not written over either: the review's next save would put its copy back."""
    worked = review_work(target.output)
    if not worked:
        reviewing = review_holder(target.output)
        if reviewing and not new_version:
            raise UserError(f"{target.output}: open in a review (process {reviewing}) — close the review first, "
                            "or add --new-version to write a new version beside it")
        if reviewing:
            target.output = next_version(target.output)
            target.keeps_session_transcript = True
        return
    if not new_version:
        raise UserError(f"{target.output}: already reviewed ({worked} segment(s) corrected, checked or tagged) "
                        "— transcribing again would overwrite that work; add --new-version to write a new "
                        "version beside it")
    target.output = next_version(target.output)
    target.keeps_session_transcript = True


def finish(target: TranscriptionTarget, job: TranscriptionJob, *, update_session: bool = True) -> list[Path]:
    written = write_exports(job.transcript, target.output)
    if update_session and target.store is not None and not target.keeps_session_transcript:
        target.store.set_transcript(target.output.name)
    return written


# --- in the background ---------------------------------------------------------------------
@dataclass(frozen=True)
class BackgroundResult:
    ok: bool
    message: str
    transcript_file: str | None = None
    """The transcript written (a name in transcripts/); the caller records it in its session."""


def transcribe_in_background(study_root: Path, ref: str, on_progress: Callable[[float], None],
                             cancel: threading.Event, *, new_version: bool = False) -> BackgroundResult:
    """Run ``interview-tui transcribe REF`` as a child process (so neither the interview app nor
    a recording starves), report its progress, stop it when ``cancel`` is set. The child leaves
    the session file alone: the caller owns it and records ``transcript_file`` — except for a
    ``new_version`` beside a reviewed transcript, which the session keeps (no file is returned)."""
    command = [sys.executable, "-m", "interview_tui", "--project", str(study_root), "transcribe",
               "--progress-lines", *(["--new-version"] if new_version else []), ref]
    try:
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace",
                                 start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    except OSError as exc:
        return BackgroundResult(False, f"the transcription could not start ({exc}) — run "
                                       f"`interview-tui transcribe {ref}` in a terminal to see why")
    errors: list[str] = []
    reader = threading.Thread(target=lambda: errors.extend(child.stderr), daemon=True)
    reader.start()
    watcher = threading.Thread(target=_stop_when_cancelled, args=(child, cancel), daemon=True)
    watcher.start()
    done_text, written = "", None
    for line in _lines(child):
        if line.startswith(PROGRESS_PREFIX):
            try:
                on_progress(float(line[len(PROGRESS_PREFIX):]))
            except ValueError:
                pass
        elif line.startswith(DONE_PREFIX):
            written, _, done_text = line[len(DONE_PREFIX):].partition("\t")
    code = child.wait()
    reader.join(timeout=5)
    if cancel.is_set():
        return BackgroundResult(False, "transcription cancelled; it continues from its checkpoint next time")
    if code == 0 and new_version:
        return BackgroundResult(True, f"{done_text or 'transcribed'} — a new version beside the reviewed "
                                      "transcript, which stays the session's", None)
    if code == 0:
        return BackgroundResult(True, done_text or "transcribed", written or None)
    last = next((line.strip() for line in reversed(errors) if line.strip()), "")
    reason = last.removeprefix("interview-tui: ") or f"the transcription process stopped (exit code {code})"
    return BackgroundResult(False, reason)


def _lines(child: subprocess.Popen) -> Iterator[str]:
    for line in child.stdout:
        yield line.rstrip("\n")


def _stop_when_cancelled(child: subprocess.Popen, cancel: threading.Event) -> None:
    while child.poll() is None:
        if cancel.wait(0.2):
            try:
                os.killpg(child.pid, signal.SIGTERM)  # its checkpoint keeps what was done
            except ProcessLookupError:
                pass
            return
