"""After the interview: what was covered, skipped and left untouched, the notes, and the offer to
transcribe now (in another process, so the laptop stays responsive)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, ProgressBar, Static

from ...core import rules
from ...errors import UserError
from ...model.timefmt import hms
from ..dialogs.confirm import ConfirmDialog


class SummaryScreen(Screen):
    BINDINGS = [Binding("t", "transcribe", "Transcribe"), Binding("v", "review", "Review"),
                Binding("escape", "cancel_transcription", "Cancel transcription", show=False),
                Binding("ctrl+n", "new", "New interview"), Binding("q", "app.quit", "Quit", show=False),
                Binding("question_mark", "app.help", "Keys")]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="summary"):
            yield Static(self.summary_text(), id="summary-text")
            yield ProgressBar(total=1.0, show_eta=False, id="transcribe-progress")
            yield Static("", id="transcribe-status")
            yield Static("", id="live-comparison")
            with Horizontal(classes="row"):
                yield Button("Transcribe (t)", variant="primary", id="transcribe")
                yield Button("Review (v)", id="open-review")
                yield Button("New (Ctrl+N)", id="new")
                yield Button("Quit (q)", id="quit")
        yield Footer()

    def summary_text(self):
        session = self.app.store.session
        counts = session.counts()
        duration = (session.ended_at - session.started_at).total_seconds() \
            if session.ended_at and session.started_at else 0.0
        table = Table.grid(padding=(0, 2))
        table.add_row("Interview", Text(f"{session.id} — {session.pseudonym}"))  # a pseudonym such as "[a]" is not markup
        table.add_row("Duration", hms(duration) + "  (from start to end, with any pause or crash gap)")
        if self.app.interview is not None and session.audio_files:
            table.add_row("Recorded", hms(self.app.interview.recorded_seconds()))
        table.add_row("Recording", ", ".join(session.audio_files) or "none")
        if session.transcript_file:
            reviewed = session.review
            table.add_row("Transcript", session.transcript_file + (
                f"  ({reviewed.get('checked', 0)}/{reviewed['total']} segments checked in the review)"
                if reviewed.get("total") else ""))
        # The check of the transcript marks items too (yours win): "as marked" read as if all were
        # the interviewer's, beside a check line that counted otherwise (seen in tmux).
        checked = any(mark.source == "coverage" for record in session.items.values() for mark in record.history)
        table.add_row("Covered", f"{counts['covered']}  (questions and follow-ups: "
                                 + ("your marks, else the transcript's check)" if checked else "as you marked them)"))
        table.add_row("Asked, not yet covered", str(counts["asked"]))
        table.add_row("Skipped", str(counts["skipped"]))
        table.add_row("Untouched", str(counts["not_yet"]))
        # A question live transcription heard but the interviewer never decided on is not quite
        # untouched: listed bare, it read as a gap in the interview (seen in tmux: 1.2 was asked).
        heard = {s.item_id for s in session.suggestions if s.decision == "pending"}
        untouched = [q.id + ("★" if q.must_cover else "") + ("◇" if q.id in heard else "")
                     for q in rules.untouched_questions(session)]
        table.add_row("Untouched questions", " ".join(untouched) or "none")
        if any(mark.endswith("◇") for mark in untouched):
            table.add_row("", "◇ heard during the call, not decided — the transcript's check decides")
        notes = Text()
        for note in session.notes:
            if note.kind in ("note", "marker"):
                notes.append(f"[{hms(note.call_time or 0)}] {note.kind}: {note.text}\n")
        table.add_row("Notes", notes or "none")
        return table

    def on_mount(self) -> None:
        if self.app.store.session.transcript_file:  # an earlier interview opened again: what its transcript says
            self.query_one(ProgressBar).update(progress=1.0)  # not "0 %": it was transcribed
            self._start_after_call_check()
        if not self.app.store.session.audio_files:
            self.query_one("#transcribe", Button).disabled = True
            self.query_one("#transcribe-status", Static).update("No recording, so nothing to transcribe.")

    @on(Button.Pressed, "#transcribe")
    def action_transcribe(self) -> None:
        from ...core.transcription import review_work

        session = self.app.store.session
        if not session.audio_files:
            return
        running = self.app.transcribing()
        if running:  # one at a time: starting this one dropped the other's worker, which nothing could stop
            self.notify(f"{running} is being transcribed; this interview can start when it is done."
                        if running != session.id else "This interview is being transcribed (progress above).")
            return
        worked = review_work(self.app.study.transcripts_dir / (session.transcript_file or f"{session.id}.json"))
        if not worked:
            self._start_transcription(False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._start_transcription(True)

        # The CLI would ask for --new-version; here the question is asked instead.
        self.app.push_screen(ConfirmDialog(
            f"This interview's transcript was reviewed ({worked} segment(s) corrected, checked or tagged). "
            "Transcribe it again into a new version beside it (with another model, say)? The reviewed "
            "transcript stays the one the session opens.", yes="New version", no="Cancel"), answered)

    def _start_transcription(self, new_version: bool) -> None:
        self.query_one("#transcribe", Button).disabled = True
        self.query_one(ProgressBar).update(progress=0.0)
        self.query_one("#transcribe-status", Static).update("Transcribing in the background…")
        self.app.transcribe_in_background(new_version)

    def action_cancel_transcription(self) -> None:
        self.app.cancel_transcription()

    def show_progress(self, fraction: float) -> None:
        self.query_one(ProgressBar).update(progress=fraction)

    def show_result(self, ok: bool, text: str) -> None:
        self.query_one("#transcribe-status", Static).update(("✓ " if ok else "✕ ") + text)
        if ok:
            self.query_one(ProgressBar).update(progress=1.0)
            self._start_after_call_check()
        else:
            self.query_one("#transcribe", Button).disabled = False

    def _start_after_call_check(self) -> None:
        comparison = self.query_one("#live-comparison", Static)
        comparison.update("Checking the transcript against the guide…" if not self.app.store.session.suggestions
                          else "Checking the transcript against the guide and the live suggestions…")
        comparison.add_class("shown")
        self._check_after_call(self.app.store, self.app.store.session.model_copy(deep=True))

    @work(thread=True, exclusive=True, group="live-compare", exit_on_error=False,
          description="Checking the transcript against the guide")
    def _check_after_call(self, store, session) -> None:
        """The transcript's coverage beside the marks and what the interviewer was shown."""
        from ...coverage.check import check_after_call

        try:
            after = check_after_call(session, self.app.study.transcripts_dir)
        except Exception:
            # the app's worker handler says what failed and what to do; this line must not keep
            # saying "Checking…"
            self.app.call_from_thread(self.query_one("#live-comparison", Static).update,
                                      "The check of the transcript failed (see the message).")
            raise
        if after is not None:
            self.app.call_from_thread(self._show_after_call, after)
            self.app.call_from_thread(self._keep_automatic_marks, store, after.report)

    def _keep_automatic_marks(self, store, report) -> None:
        """The check's marks go into the session beside yours, as `interview-tui coverage` puts
        them (one save): the start screen's list read "0 covered" for an interview whose summary
        said 3. On the UI thread, which reads the same session."""
        from ...coverage.check import record_automatic_marks

        try:
            added = record_automatic_marks(store, report)
        except UserError as exc:  # another program has the session (a transcription): next time
            self.notify(f"The check's marks are not kept in the session yet: {exc}", severity="warning", timeout=10)
            return
        if added and self.is_mounted and store is self.app.store:
            self.query_one("#summary-text", Static).update(self.summary_text())

    def _show_after_call(self, after) -> None:
        text = Text()
        for line in after.lines():
            text.append(f"{line}\n", style="bold" if not text else "")
        if after.live is not None:
            text.append(f"During the call: {after.live.headline()}\n", style="bold")
            for difference in after.live.differences:
                text.append(f"  {difference.line()}\n", style="")
        if after.report.disagreements() or (after.live is not None and after.live.differences):
            text.append("Check these in the review (v); your own marks are kept as you made them.")
        self.query_one("#live-comparison", Static).update(text)

    @on(Button.Pressed, "#open-review")
    def action_review(self) -> None:
        if not self.app.store.session.transcript_file:
            self.notify("Transcribe first (t); then review the transcript and its coverage here.")
            return
        self.app.open_review()

    @on(Button.Pressed, "#new")
    def action_new(self) -> None:
        self.app.new_interview()

    @on(Button.Pressed, "#quit")
    def quit_pressed(self) -> None:
        self.app.exit()
