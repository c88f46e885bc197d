"""Reading transcripts typed by hand or made by other tools: ``Speaker: text`` turns with
optional ``[hh:mm:ss]`` stamps (before or after the speaker), as interview-tui's .txt export,
noScribe and most researchers write them. Headers before the first turn are skipped; noScribe's
overlaps (``//S02: … //``) become turns of their own; stamps inside a turn start a new segment.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import UserError
from ..model.languages import detect_language
from ..model.timefmt import parse_hms
from ..model.transcript import Segment, Transcript

_STAMP = r"\[?(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)\]?"
_TURN = re.compile(r"^\s*(?:\[(?P<t1>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)\]\s*)?"
                   r"(?P<speaker>[^\s:\[\]][^:\[\]]{0,39}?)\s*:\s*"
                   r"(?:\[(?P<t2>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)\]\s*)?(?P<text>.*)$")
NOT_TEXT_SUFFIXES = {".wav", ".mp3", ".m4a", ".flac", ".ogg", ".opus", ".aac", ".wma", ".docx", ".odt", ".pdf"}
_INLINE_STAMP = re.compile(r"\[(\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?)\]")
_OVERLAP_PIECE = re.compile(r"^\s*([^:/\s][^:/]{0,39}):\s*(.*?)\s*$", re.DOTALL)


def _looks_like_speaker(label: str) -> bool:
    return (len(label.split()) <= 3 and label[:1].isalnum()
            and not label.lower().startswith(("http", "audio file", "transcribed")))


_PAUSE_ONLY = re.compile(r"^\(?[^()]*pause\)?$|^\(\.+\)$|^\(\d+(?:[.,]\d+)?\s*s\)$", re.IGNORECASE)


def _with_overlaps(speaker: str, start: float, end: float, body: str) -> list[Segment]:
    """noScribe writes overlapping speech inline as ``//S02: text //``: give it its own segment.
    Two overlaps in a row share a delimiter (``//S00: So genau. //S02: Also hat es daran
    gelegen.//``, its real German sample): every piece between ``//`` that starts with a speaker
    label is an overlap, the other pieces are the turn's own words."""
    found, rest = [], []
    for index, piece in enumerate(body.split("//")):
        overlap = _OVERLAP_PIECE.match(piece) if index else None  # the turn's own words come first
        if overlap and _looks_like_speaker(overlap.group(1).strip()):
            if overlap.group(2).strip():
                found.append(Segment(start=start, end=end, speaker=overlap.group(1).strip(),
                                     text=overlap.group(2).strip()))
        else:
            rest.append(piece)
    rest_text = " ".join(" ".join(rest).split())
    if rest_text and not _PAUSE_ONLY.match(rest_text):
        found.insert(0, Segment(start=start, end=end, speaker=speaker, text=rest_text))
    return found


def parse_plain_text(text: str, source: str = "<transcript>") -> Transcript:
    segments: list[Segment] = []
    last_time = 0.0
    current: list | None = None  # [speaker, start, text]

    def flush():
        if current and current[2].strip():
            _emit(current[0], current[1], current[2])

    def _emit(speaker: str, start: float, body: str):
        nonlocal last_time
        pieces = _INLINE_STAMP.split(body)
        position = start
        for index, piece in enumerate(pieces):
            if index % 2 == 1:
                position = parse_hms(piece)
                last_time = max(last_time, position)
                continue
            if piece.strip():
                segments.extend(_with_overlaps(speaker, position, position, piece))

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        match = _TURN.match(line)
        if match and _looks_like_speaker(match.group("speaker")):
            flush()
            stamp = match.group("t1") or match.group("t2")
            if stamp:
                last_time = parse_hms(stamp)
            current = [match.group("speaker").strip(), last_time, match.group("text")]
        elif current is not None and not _PAUSE_ONLY.match(line):
            current[2] += " " + line  # a turn continued on the next line
    flush()
    if not segments and text.strip():
        raise UserError(f"{source}: no 'Speaker: text' turns found — write one turn per line, e.g. "
                        "'Interviewer: [00:01:05] How do you …'")
    for segment, following in zip(segments, segments[1:]):
        if segment.end <= segment.start:
            segment.end = max(segment.start, following.start)
    speakers = list(dict.fromkeys(segment.speaker for segment in segments))
    return Transcript(audio_file=Path(source).name, speakers=speakers, segments=segments,
                      software="plain text")


def read_any_transcript(path: Path) -> Transcript:
    """The transcriber's JSON, or a plain-text transcript."""
    from ..model.transcript import load_transcript

    path = Path(path)
    if path.suffix.lower() == ".json":
        return load_transcript(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such transcript")
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder — name a transcript file")
    if b"\0" in raw[:4096] or path.suffix.lower() in NOT_TEXT_SUFFIXES:
        raise UserError(f"{path}: is not a text transcript (audio, Word or another binary file) — transcribe "
                        "a recording first with `interview-tui transcribe`, or save a Word transcript as .txt")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # old Word exports saved as Latin-1; names keep their letters
    transcript = _parse_vtt(text, str(path)) if path.suffix.lower() == ".vtt" else parse_plain_text(text, str(path))
    # noScribe's header states the language it was set to, not the one spoken (the German sample
    # says "English"): the words decide, as they do for a guide, and choose the study's guide.
    transcript.language, _ = detect_language(transcript.text)
    return transcript


def _parse_vtt(text: str, source: str) -> Transcript:
    segments = []
    cue = re.compile(r"(\d{1,2}:\d{2}:\d{2}[.,]\d{3})\s*-->\s*(\d{1,2}:\d{2}:\d{2}[.,]\d{3})")
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = cue.search(line)
        if not match:
            continue
        body = []
        for following in lines[index + 1:]:
            if not following.strip():
                break
            body.append(following.strip())
        content = " ".join(body)
        voice = re.match(r"<v\s+([^>]+)>(.*)", content)
        speaker, content = (voice.group(1).strip().lstrip("/").strip(), voice.group(2)) if voice else ("Speaker", content)
        content = re.sub(r"</?[^>]+>", "", content)
        segments.extend(_with_overlaps(speaker, parse_hms(match.group(1)), parse_hms(match.group(2)), content))
    if not segments:
        raise UserError(f"{source}: no cues with text found in this WebVTT file")
    return Transcript(audio_file=Path(source).name, speakers=list(dict.fromkeys(s.speaker for s in segments)),
                      segments=segments, software="webvtt")
