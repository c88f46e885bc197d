"""A WAV writer that keeps the file playable while it grows, and the repair for one that didn't.

libsndfile only writes a WAV header's sizes when the file is closed, so a recorder killed
mid-call leaves a header that says "0 bytes" and many tools play nothing. This writer rewrites
the two size fields in place every half second: after ``kill -9`` at most that half second is
beyond the header, and ``repair_wav`` recovers it too from the file's real length.
"""

from __future__ import annotations

import fcntl
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import UserError
from ..fileio import PRIVATE_FILE_MODE

HEADER_BYTES = 44
SAMPLE_BYTES = 2  # PCM 16-bit: what every transcription and QDA tool reads
MAX_DATA_BYTES = 0xFFFFFFFF - HEADER_BYTES


class WavError(UserError):
    pass


def _header(channels: int, rate: int, data_bytes: int) -> bytes:
    block_align = channels * SAMPLE_BYTES
    return (b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVE"
            + b"fmt " + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * block_align,
                                    block_align, 8 * SAMPLE_BYTES)
            + b"data" + struct.pack("<I", data_bytes))


@dataclass(frozen=True)
class WavInfo:
    channels: int
    rate: int
    header_data_bytes: int
    actual_data_bytes: int

    @property
    def needs_repair(self) -> bool:
        return self.header_data_bytes != self.actual_data_bytes

    @property
    def seconds(self) -> float:
        return self.actual_data_bytes / (self.channels * SAMPLE_BYTES * self.rate)


def read_wav_info(path: Path) -> WavInfo:
    """Read the header of a WAV written by this module (PCM 16, 44-byte header)."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEADER_BYTES)
            size = os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        raise WavError(f"{path}: no such recording")
    except OSError as exc:
        raise WavError(f"{path}: cannot be read ({exc.strerror or exc}) — nothing was changed")
    if len(head) < HEADER_BYTES or head[:4] != b"RIFF" or head[8:12] != b"WAVE" or head[36:40] != b"data":
        raise WavError(f"{path}: not a WAV recording made by interview-tui — nothing was changed")
    fmt_size, audio_format, channels, rate, _, block_align, bits = struct.unpack("<IHHIIHH", head[16:36])
    if (head[12:16], fmt_size, audio_format, bits) != (b"fmt ", 16, 1, 8 * SAMPLE_BYTES) or channels == 0 \
            or rate == 0 or block_align != channels * SAMPLE_BYTES:
        raise WavError(f"{path}: not a 16-bit PCM WAV as interview-tui writes them — nothing was changed")
    (data_bytes,) = struct.unpack("<I", head[40:44])
    frame = channels * SAMPLE_BYTES
    actual = ((size - HEADER_BYTES) // frame) * frame
    return WavInfo(channels, rate, data_bytes, min(actual, MAX_DATA_BYTES))


def marker_path(path: Path) -> Path:
    """``.NAME.wav.recording``: present while (or because) this recorder was writing the file."""
    path = Path(path)
    return path.with_name(f".{path.name}.recording")


def unfinished_by_us(path: Path) -> bool:
    """Written by this recorder and never closed, and no process is writing it now."""
    marker = marker_path(path)
    try:
        fd = os.open(marker, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # the writer holds it exclusively
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def repair_wav(path: Path) -> WavInfo | None:
    """Make the header match the audio really in the file; returns the info if it was repaired.
    Only a recording this recorder left unfinished (its marker is there, nobody writes it) is
    touched: a healthy WAV, another program's, or one still being recorded never is."""
    if not unfinished_by_us(path):
        return None
    info = read_wav_info(path)
    if not info.needs_repair:
        return None
    with open(path, "r+b") as handle:
        handle.truncate(HEADER_BYTES + info.actual_data_bytes)  # drop a torn half frame
        handle.seek(0)
        handle.write(_header(info.channels, info.rate, info.actual_data_bytes))
        handle.flush()
        os.fsync(handle.fileno())
    marker_path(path).unlink(missing_ok=True)
    return WavInfo(info.channels, info.rate, info.actual_data_bytes, info.actual_data_bytes)


class CrashSafeWavWriter:
    """PCM-16 WAV, mode 0600, header kept current; can append to a recording of the same format."""

    HEADER_EVERY_SECONDS = 0.5
    FSYNC_EVERY_SECONDS = 2.0

    def __init__(self, path: Path, channels: int, rate: int, append: bool = False):
        self.path = Path(path)
        self.channels = channels
        self.rate = rate
        self._marker = self._claim_marker()
        if append and self.path.exists():
            self._repair_own()
            info = read_wav_info(self.path)
            if (info.channels, info.rate) != (channels, rate):
                raise WavError(f"{self.path}: it has {info.channels} channel(s) at {info.rate} Hz, "
                               f"the new recording {channels} at {rate} Hz — record into a new file")
            self._fd = os.open(self.path, os.O_RDWR)
            self.data_bytes = info.actual_data_bytes
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
            self.data_bytes = 0
            os.write(self._fd, _header(channels, rate, 0))
        os.lseek(self._fd, HEADER_BYTES + self.data_bytes, os.SEEK_SET)
        self._bytes_at_header = self.data_bytes
        self._bytes_at_fsync = self.data_bytes
        self.closed = False

    def _claim_marker(self) -> int:
        """Mark the file as being written, and hold the mark while writing."""
        fd = os.open(marker_path(self.path), os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise WavError(f"{self.path}: another process is recording into this file — stop it first")
        return fd

    def _repair_own(self) -> None:
        # Our own marker is held, so repair_wav's check would see it as busy: fix the sizes here.
        info = read_wav_info(self.path)
        if info.needs_repair:
            with open(self.path, "r+b") as handle:
                handle.truncate(HEADER_BYTES + info.actual_data_bytes)
                handle.seek(0)
                handle.write(_header(info.channels, info.rate, info.actual_data_bytes))

    @property
    def frames(self) -> int:
        return self.data_bytes // (self.channels * SAMPLE_BYTES)

    @property
    def seconds(self) -> float:
        return self.frames / self.rate

    @property
    def full(self) -> bool:
        return self.data_bytes >= MAX_DATA_BYTES - self.rate * self.channels * SAMPLE_BYTES

    def write(self, frames: np.ndarray) -> None:
        """Write float frames in [-1, 1] of shape (n, channels)."""
        pcm = np.clip(frames, -1.0, 1.0)
        data = (pcm * 32767.0).astype("<i2", copy=False).tobytes()
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        self.data_bytes += len(data)
        bytes_per_second = self.rate * self.channels * SAMPLE_BYTES
        if self.data_bytes - self._bytes_at_header >= bytes_per_second * self.HEADER_EVERY_SECONDS:
            self._write_sizes()
        if self.data_bytes - self._bytes_at_fsync >= bytes_per_second * self.FSYNC_EVERY_SECONDS:
            os.fsync(self._fd)  # survive a power cut too, not only a crash of the process
            self._bytes_at_fsync = self.data_bytes

    def _write_sizes(self) -> None:
        os.pwrite(self._fd, struct.pack("<I", 36 + self.data_bytes), 4)
        os.pwrite(self._fd, struct.pack("<I", self.data_bytes), 40)
        self._bytes_at_header = self.data_bytes

    def close(self) -> None:
        if self.closed:
            return
        self._write_sizes()
        os.fsync(self._fd)
        os.close(self._fd)
        marker_path(self.path).unlink(missing_ok=True)  # finished: nothing to repair
        os.close(self._marker)
        self.closed = True
