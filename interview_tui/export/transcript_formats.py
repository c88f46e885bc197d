"""The transcript in the formats researchers take into their analysis tools.

Turns are consecutive segments of one speaker. Pauses follow the usual transcription
convention: ``(.)`` for a short pause (0.5–1 s), ``(N s)`` for longer ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..fileio import atomic_write_text
from ..model.transcript import Segment, Transcript, is_unsure
from ..model.timefmt import hms, srt_time, vtt_time

SHORT_PAUSE = 0.5
LONG_PAUSE = 1.0
LOOP_MARK = "[⟳ repeated words: check the audio]"
"""After a segment Whisper kept repeating: the researcher should listen before quoting it."""
UNSURE_MARK = "[? unsure words: check the audio]"
"""After a segment Whisper was unsure of (see ``is_unsure``); gone once the researcher corrects it."""


def check_marks(segment: Segment) -> str:
    """What the researcher should check before quoting this segment, as text after it."""
    marks = [LOOP_MARK] if "repetition" in segment.flags else []
    if is_unsure(segment):
        marks.append(UNSURE_MARK)
    return " ".join(marks)

Notes = list[tuple[float, str]]
"""The interviewer's timed notes and markers, (call time, text), placed among the turns."""


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
        parts.append(check_marks(segment))
    return " ".join(part for part in parts if part)


def made_with(transcript: Transcript) -> str:
    """Where the transcript came from, as a line under its title ("Made with from plain text" was
    what a typed transcript's export said)."""
    if transcript.model:
        return f"Made with {transcript.software}, model {transcript.model}, language {transcript.language or 'auto'}"
    brought = {"plain text": "typed text", "webvtt": "WebVTT subtitles"}.get(transcript.software, transcript.software)
    return f"Brought in as {brought}" if brought else "Made with interview-tui"


def _header(transcript: Transcript) -> list[str]:
    return [f"Transcript of {transcript.audio_file}", made_with(transcript), ""]


def _with_notes(items: list, notes: Notes, start_of) -> list:
    """Turns and notes in call-time order: a note stands before the first turn after it."""
    merged = [(start_of(item), 0, item) for item in items] + [(at, -1, (at, text)) for at, text in notes]
    return [entry for _, _, entry in sorted(merged, key=lambda row: (row[0], row[1]))]


def to_txt(transcript: Transcript, rewrite=lambda t: t, notes: Notes = ()) -> str:
    lines = _header(transcript)
    previous_end = None
    for entry in _with_notes(turns(transcript), list(notes), lambda turn: turn.start):
        if isinstance(entry, tuple):
            lines += [f"[{hms(entry[0])}] (note: {entry[1]})", ""]
            continue
        if previous_end is not None:
            mark = pause_mark(entry.start - previous_end)
            if mark and entry.start - previous_end >= LONG_PAUSE:
                lines.append(mark)
                lines.append("")
        stamp = f"[{hms(entry.start)}] " if transcript.timed else ""
        lines.append(f"{entry.speaker}: {stamp}{turn_text(entry, rewrite)}")
        lines.append("")
        previous_end = entry.end
    return "\n".join(lines)


def to_markdown(transcript: Transcript, rewrite=lambda t: t, notes: Notes = (), title: str | None = None) -> str:
    lines = [f"# {title or 'Transcript: ' + transcript.audio_file}", "",
             f"*{made_with(transcript)}*", ""]
    for entry in _with_notes(turns(transcript), list(notes), lambda turn: turn.start):
        if isinstance(entry, tuple):
            lines += [f"> `[{hms(entry[0])}]` *Note: {entry[1]}*", ""]
            continue
        stamp = f" `[{hms(entry.start)}]`" if transcript.timed else ""
        lines.append(f"**{entry.speaker}**{stamp} {turn_text(entry, rewrite)}")
        lines.append("")
    return "\n".join(lines)


def _srt_text(text: str) -> str:
    # Players and ffmpeg read <…> as formatting tags and drop the words inside.
    return text.replace("<", "‹").replace(">", "›")


def _marked(segment: Segment, rewrite) -> str:
    return " ".join(part for part in (rewrite(segment.text), check_marks(segment)) if part)


def to_srt(transcript: Transcript, rewrite=lambda t: t, notes: Notes = ()) -> str:
    blocks = []
    for index, segment in enumerate(sorted(transcript.segments, key=lambda s: s.start), start=1):
        blocks.append(f"{index}\n{srt_time(segment.start)} --> {srt_time(segment.end)}\n"
                      f"{_srt_text(segment.speaker)}: {_srt_text(_marked(segment, rewrite))}\n")
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "→")


def to_vtt(transcript: Transcript, rewrite=lambda t: t, notes: Notes = ()) -> str:
    lines = ["WEBVTT", "", "NOTE", f"{transcript.software}; audio {transcript.audio_file}", ""]
    for index, segment in enumerate(sorted(transcript.segments, key=lambda s: s.start), start=1):
        lines += [str(index), f"{vtt_time(segment.start)} --> {vtt_time(segment.end)}",
                  f"<v {_vtt_escape(segment.speaker)}>{_vtt_escape(_marked(segment, rewrite))}", ""]
    return "\n".join(lines)


_CLOCK_TIME = re.compile(r"\b(\d{1,2}):(\d{2})\b")


def to_maxqda(transcript: Transcript, rewrite=lambda t: t, notes: Notes = ()) -> str:
    """MAXQDA's Import › Transcripts › Transcript with timestamps, in the layout aTrain writes and
    MAXQDA is known to read: a title line, then per speaker a blank line, the speaker's name on a
    line of its own, and each segment as ``[hh:mm:ss] - text``. MAXQDA links the stamps to the
    recording (chosen on import); it does not code the speakers by itself. A clock time in the
    text ("kl. 10:30") is written with a dot, so it cannot be read as a stamp."""
    out = [f"Transcription for {transcript.audio_file}"]
    current = None
    for segment in sorted(transcript.segments, key=lambda s: s.start):
        if segment.speaker != current:
            out.append(f"\n\n{segment.speaker}\n")
            current = segment.speaker
        text = " ".join(part for part in (_CLOCK_TIME.sub(r"\1.\2", rewrite(segment.text)),
                                          check_marks(segment)) if part)
        out.append(f"[{hms(segment.start)}] - {text} ")
    return "".join(out).rstrip() + "\n"


def to_nvivo(transcript: Transcript, rewrite=lambda t: t, notes: Notes = ()) -> str:
    """NVivo's Import transcript entries: tab-separated Timespan, Speaker, Content; one row per
    turn (a question split over two segments is one row), timespans as NVivo writes them,
    ``00:02:00-00:10:00``."""
    rows = ["Timespan\tSpeaker\tContent"]
    for turn in turns(transcript):
        text = turn_text(turn, rewrite, pauses=False).replace("\t", " ").replace("\n", " ")
        rows.append(f"{hms(turn.start)}-{hms(turn.end)}\t{turn.speaker}\t{text}")
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
