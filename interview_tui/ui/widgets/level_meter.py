"""A level meter per recorded channel: a bar plus the number, so it reads without colour."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...core.events import ChannelLevel

BAR_WIDTH = 6
"""Short enough that the status line (state, time, two meters, theme time) fits 80 columns."""
METER_NAMES = {"interviewer": "You", "informant": "Phone", "mixed": "Mic"}
"""Short and whole at every width: the interviewer's own voice, the phone line, one mixed source."""
FLOOR_DB = -60.0


def meter_text(level: ChannelLevel, width: int = BAR_WIDTH) -> Text:
    fraction = max(0.0, min(1.0, (level.rms_db - FLOOR_DB) / -FLOOR_DB))
    filled = round(fraction * width)
    style = "red" if level.peak_db > -1.0 else ("green" if level.rms_db > -45 else "yellow")
    text = Text(f"{METER_NAMES.get(level.role, level.role)} ")
    text.append("▮" * filled, style=style)
    text.append("▯" * (width - filled), style="dim")
    text.append(f" {level.rms_db:4.0f}dB" if level.rms_db > -120 else "  —   ")
    if level.peak_db > -1.0:
        text.append(" CLIP", style="bold red")
    return text


class LevelMeters(Static):
    """Shows the newest levels; the screen that owns it feeds it from RecorderLevels messages."""

    def show_levels(self, levels: tuple[ChannelLevel, ...]) -> None:
        text = Text()
        for index, level in enumerate(levels):
            if index:
                text.append("  ")
            text.append_text(meter_text(level))
        self.update(text)
