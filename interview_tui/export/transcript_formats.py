"""The transcript in the formats researchers take into their analysis tools.

Turns are consecutive segments of one speaker. Pauses follow the usual transcription
convention: ``(.)`` for a short pause (0.5–1 s), ``(N s)`` for longer ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..fileio import atomic_write_text
from ..model.transcript import Segment, Transcript
from ..model.timefmt import hms, hms_tenths, srt_time, vtt_time

SHORT_PAUSE = 0.5
LONG_PAUSE = 1.0


@dataclass
class Turn:
    speaker: str
    start: float
    end: float
    segments: list[Segment] = field(default_factory=list)


def pause_mark(gap: float) -> str:
    if gap >= LONG_PAUSE:
        return f"({gap:.0f} s)"
    if gap >= SHORT_PAUSE:
        return "(.)"
    return ""


def turns(transcript: Transcript) -> list[Turn]:
    result: list[Turn] = []
    for segment in sorted(transcript.segments, key=lambda s: s.start):
        if result and result[-1].speaker == segment.speaker:
            result[-1].segments.append(segment)
            result[-1].end = max(result[-1].end, segment.end)
        else:
            result.append(Turn(segment.speaker, segment.start, segment.end, [segment]))
    return result


def turn_text(turn: Turn, rewrite: Callable[[str], str] = lambda text: text, pauses: bool = True) -> str:
    parts = []
    for previous, segment in zip([None, *turn.segments], turn.segments):
        if previous is not None and pauses:
            mark = pause_mark(segment.start - previous.end)
            if mark:
                parts.append(mark)
        parts.append(rewrite(segment.text))
    return " ".join(part for part in parts if part)


def made_with(transcript: Transcript) -> str:
    if transcript.model:
        return f"{transcript.software}, model {transcript.model}, language {transcript.language or 'auto'}"
    return f"from {transcript.software}" if transcript.software else "interview-tui"


def _header(transcript: Transcript) -> list[str]:
    return [f"Transcript of {transcript.audio_file}", f"Made with {made_with(transcript)}", ""]


def to_txt(transcript: Transcript, rewrite=lambda t: t) -> str:
    lines = _header(transcript)
    previous_end = None
    for turn in turns(transcript):
        if previous_end is not None:
            mark = pause_mark(turn.start - previous_end)
            if mark and turn.start - previous_end >= LONG_PAUSE:
                lines.append(mark)
                lines.append("")
        lines.append(f"{turn.speaker}: [{hms(turn.start)}] {turn_text(turn, rewrite)}")
        lines.append("")
        previous_end = turn.end
    return "\n".join(lines)


def to_markdown(transcript: Transcript, rewrite=lambda t: t, title: str | None = None) -> str:
    lines = [f"# {title or 'Transcript: ' + transcript.audio_file}", "",
             f"*{made_with(transcript)}*", ""]
    for turn in turns(transcript):
        lines.append(f"**{turn.speaker}** `[{hms(turn.start)}]` {turn_text(turn, rewrite)}")
        lines.append("")
    return "\n".join(lines)


def to_srt(transcript: Transcript, rewrite=lambda t: t) -> str:
    blocks = []
    for index, segment in enumerate(sorted(transcript.segments, key=lambda s: s.start), start=1):
        blocks.append(f"{index}\n{srt_time(segment.start)} --> {srt_time(segment.end)}\n"
                      f"{segment.speaker}: {rewrite(segment.text)}\n")
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "→")


def to_vtt(transcript: Transcript, rewrite=lambda t: t) -> str:
    lines = ["WEBVTT", "", "NOTE", f"{transcript.software}; audio {transcript.audio_file}", ""]
    for index, segment in enumerate(sorted(transcript.segments, key=lambda s: s.start), start=1):
        lines += [str(index), f"{vtt_time(segment.start)} --> {vtt_time(segment.end)}",
                  f"<v {_vtt_escape(segment.speaker)}>{_vtt_escape(rewrite(segment.text))}", ""]
    return "\n".join(lines)


def to_maxqda(transcript: Transcript, rewrite=lambda t: t) -> str:
    """MAXQDA 'Import > Transcripts > Transcript with timestamps': each paragraph starts with a
    ``[hh:mm:ss]`` stamp and the speaker followed by a colon, which MAXQDA also codes by speaker."""
    lines = []
    for turn in turns(transcript):
        lines.append(f"[{hms(turn.start)}] {turn.speaker}: {turn_text(turn, rewrite)}")
        lines.append("")
    return "\n".join(lines)


def to_nvivo(transcript: Transcript, rewrite=lambda t: t) -> str:
    """NVivo 'Import transcript entries': one tab-separated row per segment with the timespan,
    the speaker and the content (map the columns to Timespan, Speaker, Content on import)."""
    rows = ["Timespan\tSpeaker\tContent"]
    for segment in sorted(transcript.segments, key=lambda s: s.start):
        text = rewrite(segment.text).replace("\t", " ").replace("\n", " ")
        rows.append(f"{hms_tenths(segment.start)} - {hms_tenths(segment.end)}\t{segment.speaker}\t{text}")
    return "\n".join(rows) + "\n"


FORMATS: dict[str, tuple[str, Callable]] = {
    "txt": (".txt", to_txt),
    "md": (".md", to_markdown),
    "srt": (".srt", to_srt),
    "vtt": (".vtt", to_vtt),
    "maxqda": (".maxqda.txt", to_maxqda),
    "nvivo": (".nvivo.txt", to_nvivo),
}


def write_exports(transcript: Transcript, json_path: Path, formats=None,
                  rewrite=lambda t: t) -> list[Path]:
    """Write the chosen formats beside the transcript's JSON; returns the files written."""
    written = []
    stem = Path(json_path).with_suffix("")
    for name in formats or FORMATS:
        suffix, render = FORMATS[name]
        target = stem.with_name(stem.name + suffix)
        atomic_write_text(target, render(transcript, rewrite))
        written.append(target)
    return written
