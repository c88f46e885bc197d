"""Review: correct the automatic transcript against the audio, guide-aware, with Whisper's unsure
words marked. Every edit is saved at once; Whisper's draft stays beside the corrected text."""

from __future__ import annotations

from textwrap import shorten


from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static

from ...coverage.embeddings import VectorCache, vectors_path
from ...coverage.matcher import CoverageMatcher
from ...errors import UserError
from ...model.transcript import NOT_ITEM, place, rejected_item
from ...review.editing import TranscriptEditor
from ..dialogs.confirm import ConfirmDialog
from ..dialogs.edit_dialog import EditDialog
from ..dialogs.find_replace import FindReplaceDialog
from ..dialogs.note_dialog import NoteDialog
from ..widgets.coverage_panel import CoveragePanel
from .review_export import ExportKeys
from .review_playback import PlaybackKeys, needs_a_segment
from ..widgets.segment_table import SegmentTable


class ReviewScreen(PlaybackKeys, ExportKeys, Screen):
    # The footer shows what fits at 80 columns; `?` lists every key.
    BINDINGS = [
        Binding("enter,e", "edit", "Edit"), Binding("space", "play", "Play/pause"),
        Binding("r", "replay", "Replay", show=False), Binding("comma", "slower", "Slower", show=False),
        Binding("full_stop", "normal_speed", "Normal speed", show=False),
        Binding("w", "next_unsure", "Next unsure", show=False), Binding("c", "checked", "Checked"),
        Binding("s", "split", "Split", show=False), Binding("j", "merge", "Merge next", show=False),
        Binding("k", "speaker", "Speaker", show=False), Binding("K", "turn_speaker", "Speaker of turn", show=False),
        Binding("S", "swap_speakers", "Swap speakers everywhere", show=False),
        Binding("u", "undo", "Undo"), Binding("f", "find", "Find/replace", show=False),
        Binding("x", "export", "Export"), Binding("n", "names", "Names", show=False),
        Binding("t", "tag", "Tag item", show=False),
        Binding("g", "guide", "Guide panel", show=False), Binding("h", "toggle_guide", "Hide/show guide", show=False),
        Binding("escape", "back", "Back", show=False), Binding("question_mark", "app.help", "Keys"),
    ]

    def __init__(self, editor: TranscriptEditor, guide=None, store=None, player=None, player_error: str = "") -> None:
        super().__init__()
        self.editor, self.guide, self.store = editor, guide, store
        self.player, self.player_error = player, player_error
        self.report = None
        self._coverage = None  # (matcher, segment vectors): made once, in the coverage worker
        self._last_turn: tuple[int, int] | None = None
        self.notice = ""  # what was opened, said once on screen (a transcript brought in, the guide chosen)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="review"):
            yield SegmentTable(id="segments")
            if self.guide is not None:
                yield CoveragePanel(id="guide-panel")
        yield Static(id="review-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(SegmentTable)
        table.threshold = getattr(self.app.settings, "unsure_word_probability", 0.5)
        table.load(self.editor.segments)
        table.focus()
        self.refresh_coverage()
        self.update_status()
        if self.notice:
            self.notify(self.notice, timeout=12)
        if self.player_error:
            self.notify(self.player_error, severity="warning", timeout=10)
        self.set_interval(0.2, self.follow_playback)

    def on_unmount(self) -> None:
        if self.player is not None:
            self.player.stop()  # an open stream at exit crashes PortAudio's teardown
        self.editor.close()  # another review, or a transcription, may have the transcript now

    # --- helpers -----------------------------------------------------------------------------
    @property
    def row(self) -> int:
        return self.query_one(SegmentTable).cursor_row

    def refresh_rows(self, reload: bool = False) -> None:
        table = self.query_one(SegmentTable)
        if reload:
            row = table.cursor_row
            table.load(self.editor.segments)
            table.move_cursor(row=min(row, len(self.editor.segments) - 1))
        else:
            table.show_segment(self.row, self.editor.segments[self.row])
        self.update_status()

    def update_status(self) -> None:
        checked, total = self.editor.progress()
        playing = "▶ playing" if self.player and self.player.playing else ("no sound" if self.player is None else "‖")
        speed = f" {self.player.speed:.2g}×" if self.player else ""
        self.query_one("#review-status", Static).update(
            Text(f"{checked}/{total} segments checked  ·  {playing}{speed}  ·  "
                 "° = word Whisper was unsure of  ·  ✎ = corrected"))
        progress = {"checked": checked, "total": total}
        if self.store is not None and self.store.session.review != progress:
            try:  # saved only when it changed: no disk write per key
                self.store.set_review_progress(progress)
            except (UserError, OSError) as exc:  # the transcript itself is saved; only the progress is not
                self.notify(f"Review progress not saved in the session: {exc}", severity="warning", timeout=10)

    def refresh_coverage(self) -> None:
        if self.guide is not None:
            session = self.store.session.model_copy(deep=True) if self.store else None
            self._check_coverage(self.editor.transcript.model_copy(deep=True), session)

    @work(thread=True, exclusive=True, group="coverage", exit_on_error=False)
    def _check_coverage(self, transcript, session) -> None:
        """Off the UI thread: the first check of an hour embeds every segment (seconds; the
        vectors are kept beside the transcript), later ones only the segments edited since."""
        if self._coverage is None:
            inside = self.editor.path.resolve().is_relative_to(self.app.study.root.resolve())
            # A transcript brought from elsewhere gets nothing written beside it.
            self._coverage = (CoverageMatcher(self.guide), VectorCache(vectors_path(self.editor.path) if inside else None))
        matcher, vectors = self._coverage
        report = matcher.match(transcript, session, vectors=vectors)
        self.app.call_from_thread(self._show_coverage, report)

    def _show_coverage(self, report) -> None:
        self.report = report
        self.query_one(CoveragePanel).show(report)

    # --- editing -----------------------------------------------------------------------------
    @needs_a_segment
    def action_edit(self) -> None:
        segment = self.editor.segments[self.row]
        row = self.row

        def done(text: str | None) -> None:
            if text is not None:
                self.editor.edit_text(row, text)
                self.refresh_rows()

        self.app.push_screen(EditDialog(f"[{place(self.editor.segments, row)}] {segment.speaker}", segment.text,
                                        segment.start), done)

    @needs_a_segment
    def action_split(self) -> None:
        segment = self.editor.segments[self.row]
        row = self.row

        def done(text: str | None) -> None:
            if text is None:
                return
            if "|" not in text:
                self.notify("Put a | where the segment should be split.", severity="warning")
                return
            try:
                self.editor.split(row, text.index("|"))
            except UserError as exc:
                self.notify(str(exc), severity="warning")
                return
            self.refresh_rows(reload=True)

        self.app.push_screen(EditDialog("Split: type | where the new segment starts, then Enter",
                                        segment.text, segment.start), done)

    @needs_a_segment
    def action_merge(self) -> None:
        if self.row + 1 >= len(self.editor.segments):
            self.notify("This is the last segment.")
            return
        row = self.row
        first, second = self.editor.segments[row], self.editor.segments[row + 1]
        if first.speaker == second.speaker:
            self.editor.merge_with_next(row)
            self.refresh_rows(reload=True)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.editor.merge_with_next(row, across_speakers=True)
                self.refresh_rows(reload=True)

        self.app.push_screen(ConfirmDialog(f"The next segment is {second.speaker}'s, this one {first.speaker}'s.\n"
                                           f"Merge them into one segment of {first.speaker}? (u undoes it)",
                                           yes="Merge", no="Keep apart"), answered)

    def action_undo(self) -> None:
        undone = self.editor.undo()
        if undone is None:
            self.notify("Nothing to undo.")
            return
        self._last_turn = None
        self.refresh_rows(reload=True)
        self.refresh_coverage()
        self.notify(f"Undone: {undone}.")

    def action_toggle_guide(self) -> None:
        for panel in self.query("#guide-panel"):
            panel.display = not panel.display
            self.query_one(SegmentTable).focus()

    @needs_a_segment
    def action_speaker(self) -> None:
        """The next speaker for this segment."""
        self._last_turn = None
        current = self.editor.segments[self.row].speaker
        self.editor.set_speaker(self.row, self.row, self.editor.next_speaker(current))
        self.refresh_rows()

    @needs_a_segment
    def action_swap_speakers(self) -> None:
        """This segment's speaker and the next swapped in the whole transcript (roles the wrong way round)."""
        current = self.editor.segments[self.row].speaker
        other = self.editor.next_speaker(current)
        changed = self.editor.swap_speakers(current, other)
        self._last_turn = None
        self.refresh_rows(reload=True)
        self.notify(f"{current} ⇄ {other} in {changed} segments (u undoes it).")

    @needs_a_segment
    def action_turn_speaker(self) -> None:
        """The next speaker for the whole turn: this segment and its neighbours of the same speaker.
        Pressed again on the same turn it changes the same segments (not the neighbours they now
        join), so pressing until the right speaker comes round never spreads."""
        segments, row = self.editor.segments, self.row
        current = segments[row].speaker
        if self._last_turn and self._last_turn[0] <= row <= self._last_turn[1]:
            first, last = self._last_turn
        else:
            first, last = self.editor.turn_around(row)
        self.editor.set_speaker(first, last, self.editor.next_speaker(current))
        self._last_turn = (first, last)
        self.refresh_rows(reload=True)
        self.notify(f"Segments {first + 1}–{last + 1} now: {segments[row].speaker}.")

    def action_back(self) -> None:
        """Back to the interview's summary when the review was opened from it (every edit is saved)."""
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.notify("Every edit is saved as you make it; Ctrl+Q quits.")

    def action_find(self) -> None:
        def done(pair) -> None:
            if pair:
                count = self.editor.replace(*pair)
                self.notify(f"Replaced {count} occurrence(s) of '{pair[0]}'.")
                self.refresh_rows(reload=True)

        self.app.push_screen(FindReplaceDialog(), done)

    @needs_a_segment
    def action_checked(self) -> None:
        segment = self.editor.segments[self.row]
        self.editor.set_checked(self.row, not segment.checked)
        self.refresh_rows()
        if self.row + 1 < len(self.editor.segments):
            self.query_one(SegmentTable).move_cursor(row=self.row + 1)

    def action_next_unsure(self) -> None:
        index = self.editor.next_unsure(self.row)
        if index is None:
            self.notify("No unsure words left (corrected segments count as checked).")
            return
        self.query_one(SegmentTable).move_cursor(row=index)

    @needs_a_segment
    def action_tag(self) -> None:
        if self.guide is None:
            self.notify("No guide: tags are guide item ids.", severity="warning")
            return
        row = self.row
        valid = set(self.guide.item_ids())
        panel = self.query_one("#coverage", OptionList)
        highlighted = panel.highlighted_option if self.focused is panel else None
        if highlighted is not None and highlighted.id in valid:
            # In the guide panel, t tags the segment under the table's cursor with the item
            # highlighted: no id to remember and type.
            self._toggle_tag(row, highlighted.id)
            return

        def done(text: str | None) -> None:
            text = (text or "").strip().rstrip(".")  # "4.1." as typed from a list
            if text.lower().startswith("not "):  # "not 4.3", as a researcher says it
                text = NOT_ITEM + text[4:].strip()
            if not text:
                return
            if (rejected_item(text) or text) not in valid:
                self.notify(f"'{text}' is not an item of the guide (e.g. 1.2, 3.1.a; -4.3 for \"not 4.3\").",
                            severity="warning")
                return
            self._toggle_tag(row, text)

        self.app.push_screen(NoteDialog(f"Tag the segment at {place(self.editor.segments, row)} with a guide "
                                        "item (again to remove; or g, pick the item, t) — or 'not 4.3': it is "
                                        "not the item the check read",
                                        placeholder="an id from the guide panel, e.g. 1.2 or 3.1.a — or not 4.3"), done)

    def _toggle_tag(self, row: int, item_id: str) -> None:
        added = self.editor.toggle_tag(row, item_id)
        self.refresh_rows()
        self.refresh_coverage()
        # With its words: an id typed from memory is easily one off (4.1 for 4.2).
        refused = rejected_item(item_id)
        words = shorten(self.guide.item(refused or item_id).text, 70, placeholder='…')
        at = place(self.editor.segments, row)
        if refused:
            self.notify(f"The segment at {at} is not {refused}, whatever the check read: {words}" if added
                        else f"Your 'not {refused}' at {at} is taken back: {words}")
        else:
            self.notify(f"{'Tagged' if added else 'Untagged'} {item_id} at {at}: {words}")

    def action_guide(self) -> None:
        if self.guide is not None:
            self.query_one("#coverage", OptionList).focus()

    @on(OptionList.OptionSelected, "#coverage")
    def jump_to_evidence(self, event: OptionList.OptionSelected) -> None:
        if self.report is None:
            return
        item = self.report.item(event.option.id)
        if not item.evidence:
            self.notify(f"{item.id}: no evidence in the transcript.")
            return
        table = self.query_one(SegmentTable)
        table.move_cursor(row=item.evidence[0].segment)
        table.focus()


def build_review_screen(app, ref: str, store=None, guide_path=None) -> tuple[ReviewScreen, object]:
    """The review screen for a session or transcript, with its player (errors raise UserError).
    ``store``: the session already open in this app, so one copy of it is written."""
    from ...core.review import open_for_review
    from ...review.playback import Player

    material = open_for_review(ref, app.study, store, guide_path)
    material.editor.claim()  # before the player: nothing to undo if another review has it
    player, error = None, material.audio_problem
    if material.audio is not None:
        if not app.audio_enabled:
            error = "Sound is off (no audio device): editing works, playback does not."
        else:
            try:
                player = Player(material.audio, app.settings.output_device)
            except UserError as exc:
                error = str(exc)
    screen = ReviewScreen(material.editor, material.guide, material.store, player, error)
    screen.notice = material.notice
    return screen, material.store
