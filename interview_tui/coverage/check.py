"""Running the coverage check for a session or a transcript file, and recording it in the session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..guide.loader import load_guide
from ..guide.model import Guide
from ..session.lookup import brought_interviews, find_interview
from ..session.model import Session
from ..session.store import SessionStore, find_sessions
from ..study import Study
from ..model.transcript import Transcript
from .embeddings import VectorCache, vectors_path
from .live_comparison import LiveComparison, compare_live
from .matcher import CoverageMatcher
from .plain_text import read_any_transcript
from .report import CoverageReport, disagreement_words


@dataclass
class CoverageInput:
    name: str
    transcript: Transcript
    guide: Guide
    store: SessionStore | None = None
    notes: tuple[str, ...] = ()
    vectors_file: Path | None = None
    """Where the segment vectors are kept: beside a transcript inside the study, else nowhere
    (a file brought from elsewhere gets nothing written next to it)."""
    vectors: VectorCache | None = None
    """Vectors already in memory (the review's), shared: an export started while the review's
    own check was still embedding an hour's turns embedded them all a second time beside it."""


def resolve_input(ref: str, study: Study, guide_file: Path | None = None) -> CoverageInput:
    """A session (id, file or recording) with its transcript, or a transcript file (JSON, TXT, VTT)."""
    explicit_guide = load_guide(guide_file) if guide_file else None
    found = find_interview(ref, study.recordings_dir, study.transcripts_dir)
    store = found.store
    if found.transcript is None:
        if store is not None:
            raise UserError(f"session {store.session.id} has no transcript yet — run "
                            f"`interview-tui transcribe {store.session.id}` first")
        raise UserError(f"{ref}: a recording, not a transcript — run `interview-tui transcribe {ref}` first")
    transcript = read_any_transcript(found.transcript)
    notes: tuple[str, ...] = ()
    guide = explicit_guide or (store.session.guide if store else None)
    if guide is None:
        default = study.default_guide(transcript.language)
        if default is None:
            raise UserError(f"{ref}: which guide? pass --guide FILE")
        guide = load_guide(default)
        notes = (f"no --guide given: checked against {default.name}",)
    name = (store.session.pseudonym or store.session.id) if store is not None and found.kind == "session" \
        else found.transcript.stem
    vectors_file = None
    if found.transcript.suffix == ".json" and found.transcript.resolve().is_relative_to(study.root.resolve()):
        vectors_file = vectors_path(found.transcript)
    return CoverageInput(name, transcript, guide, store, notes, vectors_file)


def check(source: CoverageInput, *, update_session: bool = True) -> CoverageReport:
    report = CoverageMatcher(source.guide).match(source.transcript, source.store.session if source.store else None,
                                                 vectors=source.vectors or VectorCache(source.vectors_file))
    report.warnings = list(source.notes) + report.warnings
    if update_session and source.store is not None:
        record_automatic_marks(source.store, report)
    return report


def record_automatic_marks(store: SessionStore, report: CoverageReport) -> int:
    """Add the automatic marks to the session, beside (never over) the interviewer's; only
    changes are added, so running the check again does not grow the history."""
    marks = []
    for item in report.items:
        if item.kind == "theme":
            continue
        state = {"covered": "covered", "partly": "asked", "not_covered": "not_yet"}[item.auto_status]
        record = store.session.items.get(item.id)
        previous = record.latest("coverage") if record else None
        if (previous is None and state == "not_yet") or (previous is not None and previous.state == state):
            continue
        marks.append((item.id, state, item.first_time, item.score))
    store.add_automatic_marks(marks)
    return len(marks)


def study_inputs(study: Study, guide_file: Path | None = None, left_out: list[str] | None = None) -> list[CoverageInput]:
    """Every interview of the study with a transcript: the sessions, oldest first, then the
    transcripts of no session (a dictaphone recording transcribed, a noScribe file brought in
    for review) — a study recorded elsewhere had an empty matrix. A session's other versions
    (the draft beside its reviewed ``-v2``) are its own, not interviews of their own.
    ``left_out`` gets a line for each file in transcripts/ that cannot be read as one: the
    matrix left such a file out without a word, while ``sessions`` listed it as an interview."""
    inputs, waiting, silent = [], [], []
    for path, session, _ in reversed(find_sessions(study.recordings_dir)):
        if session is not None and session.transcript_file \
                and (study.transcripts_dir / session.transcript_file).is_file():
            inputs.append(resolve_input(str(path), study, guide_file))
        elif session is not None and not session.setup_check and not session.audio_files:
            # nothing to transcribe: "transcribe them" was the advice for a refused consent
            silent.append(f"{session.pseudonym or session.id} ({session.no_recording_reason})")
        elif session is not None and not session.setup_check:
            waiting.append(session.pseudonym or session.id)
    for brought in brought_interviews(study.recordings_dir, study.transcripts_dir):
        if brought.transcript is None:
            waiting.append(brought.name)  # a recording not transcribed yet
            continue
        try:
            read_any_transcript(brought.transcript)
        except UserError as exc:
            if left_out is not None:
                left_out.append(f"{exc} — left out")
            continue
        inputs.append(resolve_input(str(brought.transcript), study, guide_file))
    if waiting and left_out is not None:  # five interviews done, three columns: say why
        left_out.append(f"not transcribed yet, so left out: {', '.join(waiting)} — transcribe them "
                        "(`interview-tui transcribe NAME`, or t in the interview's summary)")
    if silent and left_out is not None:
        left_out.append(f"no recording, so left out: {', '.join(silent)}")
    return inputs


def compare_with_live(session: Session, transcripts_dir: Path) -> LiveComparison | None:
    """After transcription: the final coverage against the suggestions made during the call
    (None when the call had no live suggestions or there is no transcript yet). Nothing is
    written: the app holds the session open, and this runs beside it (pass it a copy)."""
    after = check_after_call(session, transcripts_dir) if session.suggestions else None
    return after.live if after is not None else None


@dataclass
class AfterCall:
    """What the transcript says about the call, for the interview's summary."""

    report: CoverageReport
    live: LiveComparison | None

    def lines(self) -> list[str]:
        questions = [item for item in self.report.items if item.kind == "question"]
        covered = [item for item in questions if item.status == "covered"]
        lines = [f"The transcript's check, with your marks: {len(covered)} of {len(questions)} questions covered."]
        missing = [item.id + "★" for item in questions if item.must_cover and item.status == "not_covered"]
        if missing:
            lines.append(f"Must-cover questions not covered: {' '.join(missing)}")
        differ = self.report.disagreements()
        if differ:
            lines.append("You and the check disagree on: " +
                         "; ".join(f"{item.id} ({disagreement_words(item)})" for item in differ))
        return lines


def check_after_call(session: Session, transcripts_dir: Path) -> AfterCall | None:
    """The transcript's coverage beside the marks made during the call (and the live suggestions
    against it), or None with no transcript yet. A call with live transcription off, or in a
    language the live model could not follow, had nothing on the summary after transcribing: the
    researcher had to open the review to learn which must-cover question the call missed.
    Nothing is written (pass a copy of the session the app holds open)."""
    if not session.transcript_file:
        return None
    path = transcripts_dir / session.transcript_file
    report = CoverageMatcher(session.guide).match(read_any_transcript(path), session,
                                                  vectors=VectorCache(vectors_path(path)))
    return AfterCall(report, compare_live(session.suggestions, report) if session.suggestions else None)
