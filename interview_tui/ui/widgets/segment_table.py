"""The transcript as a table: cursor mark, checked mark, time, speaker, text. Words Whisper was
unsure of are underlined and followed by "°", a repetition loop is marked "⟳", the row under the
cursor has "▶" — everything reads without colour. Long segments wrap. A transcript typed without
times shows each turn's number where the time would be (every time would read 00:00:00)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from ...model.timefmt import hms
from ...model.transcript import UNCERTAIN_SPEAKER, Segment, any_timed, rejected_item

FIXED_COLUMNS = 1 + 1 + 8 + 12 + 5 * 2 + 2
"""Cursor, checked, time, speaker, the five cells' padding and the scrollbar: the rest is text."""
LOOP_MARK = " ⟳ loop? check the audio"


def segment_text(segment: Segment, threshold: float) -> Text:
    if segment.draft_text is not None or not segment.words:
        text = Text(segment.text)
        if segment.draft_text is not None:
            text.append(" ✎", style="dim")
    else:
        text = Text()
        # Whisper's words carry their own leading space; a piece without one belongs to the word
        # before it ("ill" + "-disposed", "Nord" + "mann"), as in the segment's text and exports.
        own_spaces = any(word.word[:1].isspace() for word in segment.words[1:])
        for index, word in enumerate(segment.words):
            if index and (word.word[:1].isspace() or not own_spaces):
                text.append(" ")
            if word.probability < threshold:
                text.append(word.word.strip() + "°", style="underline bold")
            else:
                text.append(word.word.strip())
    if "repetition" in segment.flags:
        text.append(LOOP_MARK, style="bold")
    return text


class SegmentTable(DataTable):
    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.threshold = 0.5
        self.segments: list[Segment] = []
        self.timed = True
        self._marked: int | None = None

    @property
    def text_width(self) -> int:
        return max(20, self.size.width - FIXED_COLUMNS) if self.size.width else 60

    def load(self, segments: list[Segment]) -> None:
        self.segments = segments
        self.timed = any_timed(segments)
        self.clear(columns=True)
        self._marked = None
        self.add_column(" ", key="cursor", width=1)
        self.add_column("✓", key="checked", width=1)
        self.add_column("time" if self.timed else "turn", key="time", width=8)
        self.add_column("speaker", key="speaker", width=12)
        self.add_column("text", key="text", width=self.text_width)
        for index, segment in enumerate(segments):
            cells = self._row(segment, index)
            self.add_row(*cells, height=self._height(cells[-1]))
        self._mark_cursor()

    def _height(self, text: Text) -> int:
        return max(1, len(text.wrap(self.app.console, self.text_width)))

    def _row(self, segment: Segment, index: int):
        shown = [f"not {rejected_item(tag)}" if rejected_item(tag) else tag for tag in segment.tags]
        tags = f" [{' · '.join(shown)}]" if shown else ""
        text = segment_text(segment, self.threshold)
        if tags:
            text.append(tags, style="cyan")
        # "?" after the name: on a one-channel recording the voice was nearly as like another's
        speaker = segment.speaker[:11] + "?" if UNCERTAIN_SPEAKER in segment.flags else segment.speaker[:12]
        where = hms(segment.start) if self.timed else f"{index + 1:>5}"
        return (" ", "✓" if segment.checked else " ", where, speaker, text)

    def show_segment(self, index: int, segment: Segment) -> None:
        cells = self._row(segment, index)
        if self._height(cells[-1]) != self.rows[list(self.rows)[index]].height:
            self.load(self.segments)  # the text needs more (or fewer) lines now
            self.move_cursor(row=index)
            return
        for column, value in zip(("checked", "time", "speaker", "text"), cells[1:]):
            self.update_cell_at((index, list(self.columns).index(column)), value)

    def on_resize(self) -> None:
        if self.segments and self.columns and self.columns.get("text") is not None \
                and self.columns["text"].width != self.text_width:
            row = self.cursor_row
            self.load(self.segments)
            self.move_cursor(row=row)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._mark_cursor()

    def _mark_cursor(self) -> None:
        if not self.row_count:
            return
        if self._marked is not None and self._marked < self.row_count:
            self.update_cell_at((self._marked, 0), " ")
        self._marked = self.cursor_row
        self.update_cell_at((self._marked, 0), "▶")
