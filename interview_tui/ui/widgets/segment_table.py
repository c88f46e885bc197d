"""The transcript as a table: checked mark, time, speaker, text. Words Whisper was unsure of are
underlined and followed by "°", so they show without colour."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from ...model.timefmt import hms
from ...model.transcript import Segment

TEXT_WIDTH = 200


def segment_text(segment: Segment, threshold: float) -> Text:
    if segment.draft_text is not None or not segment.words:
        text = Text(segment.text)
        if segment.draft_text is not None:
            text.append(" ✎", style="dim")
        return text
    text = Text()
    for word in segment.words:
        if word.probability < threshold:
            text.append(word.word.strip() + "°", style="underline bold")
            text.append(" ")
        else:
            text.append(word.word.strip() + " ")
    return text


class SegmentTable(DataTable):
    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.threshold = 0.5

    def load(self, segments: list[Segment]) -> None:
        self.clear(columns=True)
        self.add_column("✓", key="checked", width=1)
        self.add_column("time", key="time", width=8)
        self.add_column("speaker", key="speaker", width=12)
        self.add_column("text", key="text")
        self.add_rows(self._row(segment) for segment in segments)

    def _row(self, segment: Segment):
        tags = f" [{' '.join(segment.tags)}]" if segment.tags else ""
        text = segment_text(segment, self.threshold)
        if tags:
            text.append(tags, style="cyan")
        return ("✓" if segment.checked else " ", hms(segment.start), segment.speaker[:12], text)

    def show_segment(self, index: int, segment: Segment) -> None:
        for column, value in zip(("checked", "time", "speaker", "text"), self._row(segment)):
            self.update_cell_at((index, list(self.columns).index(column)), value)
