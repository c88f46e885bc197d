"""Time stamps in the notations transcription tools use."""

from __future__ import annotations


def hms(seconds: float) -> str:
    """``[hh:mm:ss]`` without brackets, as noScribe, aTrain and MAXQDA write turn stamps."""
    whole = int(max(0.0, seconds))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def hms_tenths(seconds: float) -> str:
    tenths = int(round(max(0.0, seconds) * 10))
    whole, tenth = divmod(tenths, 10)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}.{tenth}"


def srt_time(seconds: float) -> str:
    millis = int(round(max(0.0, seconds) * 1000))
    whole, ms = divmod(millis, 1000)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d},{ms:03d}"


def vtt_time(seconds: float) -> str:
    return srt_time(seconds).replace(",", ".")


def parse_hms(text: str) -> float:
    parts = [float(p) for p in text.replace(",", ".").split(":")]
    while len(parts) < 3:
        parts.insert(0, 0.0)
    return parts[0] * 3600 + parts[1] * 60 + parts[2]
