"""Reading a recording into 16 kHz channels for Whisper, with clear errors for bad files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from ..errors import UserError

SAMPLE_RATE = 16000


class AudioFileError(UserError):
    pass


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def channel_count(path: Path) -> int:
    import av

    try:
        with av.open(str(path)) as container:
            streams = container.streams.audio
            if not streams:
                raise AudioFileError(f"{path}: has no audio stream — give a recording (WAV, FLAC, MP3, M4A…)")
            return streams[0].codec_context.channels or 1
    except AudioFileError:
        raise
    except Exception as exc:
        raise AudioFileError(f"{path}: not a readable audio file ({type(exc).__name__}: {exc}) — "
                             "give a recording (WAV, FLAC, MP3, M4A…)")


def load_channels(path: Path) -> list[np.ndarray]:
    """One float32 array per channel (mono or the two sides of a stereo recording), 16 kHz."""
    from faster_whisper.audio import decode_audio

    path = Path(path)
    if not path.is_file():
        raise AudioFileError(f"{path}: no such recording — `interview-tui sessions` lists the study's recordings")
    if path.stat().st_size == 0:
        raise AudioFileError(f"{path}: the file is empty (0 bytes) — nothing to transcribe")
    channels = channel_count(path)
    if channels > 2:
        raise AudioFileError(f"{path}: has {channels} channels; interview-tui transcribes mono or stereo")
    try:
        decoded = decode_audio(str(path), sampling_rate=SAMPLE_RATE, split_stereo=channels == 2)
    except Exception as exc:
        raise AudioFileError(f"{path}: the audio could not be decoded ({type(exc).__name__}: {exc}) — "
                             "if the recorder crashed, run `interview-tui repair` first")
    arrays = list(decoded) if channels == 2 else [decoded]
    if not arrays or len(arrays[0]) == 0:
        raise AudioFileError(f"{path}: contains no audio (0 seconds) — nothing to transcribe")
    return arrays
