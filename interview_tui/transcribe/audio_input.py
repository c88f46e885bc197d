"""Reading a recording into 16 kHz channels for Whisper, with clear errors for bad files.

A recording is read a window at a time, never whole: a two-hour stereo interview is 460 MB as
16 kHz floats, and holding it (as the first version did, 1.28 GB for one hour with the decoder's
copies) made the transcriber's memory grow with the interview. A 16 kHz WAV or FLAC is read in
place; anything else (the recorder's 48 kHz WAV, an MP3 or M4A a researcher brings) is decoded
once, frame by frame, into a 16 kHz copy beside the transcript — inside the study, like the
recording itself — that is deleted when the run ends."""

from __future__ import annotations

import hashlib
import os
import threading
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


class Recording:
    """A recording opened for reading by windows: ``read(channel, start, end)`` gives 16 kHz
    float32 samples of one channel. Use it as a context manager (it may own a decoded copy)."""

    def __init__(self, path: Path, scratch_dir: Path):
        import soundfile as sf

        self.path = Path(path)
        _check_readable(self.path)
        self.channels = channel_count(self.path)
        if self.channels > 2:
            raise AudioFileError(f"{self.path}: has {self.channels} channels; interview-tui transcribes mono or stereo")
        self._copy: Path | None = None
        self._reading = threading.Lock()  # windows are read from worker threads; seek + read is one step
        try:
            info = sf.info(str(self.path))
            direct = info.samplerate == SAMPLE_RATE and info.channels == self.channels
        except Exception:
            direct = False  # not a format libsndfile reads (M4A, some MP3s): decode a copy
        source = self.path
        if not direct:
            self._copy = Path(scratch_dir) / f".{self.path.stem}.16k.wav"
            _decode_to_wav(self.path, self._copy, self.channels)
            source = self._copy
        try:
            self._file = sf.SoundFile(str(source))
        except Exception as exc:
            if self._copy is not None:
                self._copy.unlink(missing_ok=True)
            raise AudioFileError(f"{self.path}: the audio could not be read ({type(exc).__name__}: {exc}) — "
                                 "if the recorder crashed, run `interview-tui repair` first")
        self.frames = self._file.frames
        if self.frames == 0:
            self.close()
            raise AudioFileError(f"{self.path}: contains no audio (0 seconds) — nothing to transcribe")
        self.seconds = self.frames / SAMPLE_RATE
        self.same_on_both = self.channels == 2 and self._channels_carry_the_same_signal()
        if self.same_on_both:
            self.channels = 1  # a mono recording saved as stereo: one channel, speakers told apart

    def _channels_carry_the_same_signal(self) -> bool:
        """Twenty one-second samples over the file: where there is sound, left and right differ by
        less than -40 dB."""
        heard = 0
        for start in np.linspace(0, max(self.seconds - 1.0, 0.0), 20):
            self._file.seek(int(start * SAMPLE_RATE))
            block = self._file.read(SAMPLE_RATE, dtype="float32", always_2d=True)
            level = float((block ** 2).sum())
            if level < 1e-6:
                continue
            heard += 1
            if float(((block[:, 0] - block[:, 1]) ** 2).sum()) > 1e-4 * level:
                return False
        return heard > 0

    def read(self, channel: int, start: float, end: float) -> np.ndarray:
        return self.read_samples(channel, int(start * SAMPLE_RATE), int(end * SAMPLE_RATE))

    def read_samples(self, channel: int, first: int, last: int) -> np.ndarray:
        first, last = max(0, first), min(self.frames, last)
        if last <= first:
            return np.zeros(0, dtype=np.float32)
        out = np.empty(last - first, dtype=np.float32)
        step = 30 * SAMPLE_RATE  # a block at a time: both channels of a whole window held 38 MB more
        with self._reading:
            self._file.seek(first)
            for at in range(0, len(out), step):
                block = self._file.read(min(step, len(out) - at), dtype="float32", always_2d=True)
                out[at: at + len(block)] = block[:, channel]
                if len(block) < min(step, len(out) - at):
                    return out[: at + len(block)]
        return out

    def close(self) -> None:
        file = getattr(self, "_file", None)
        if file is not None:
            file.close()
        if self._copy is not None:
            self._copy.unlink(missing_ok=True)

    def __enter__(self) -> "Recording":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class WindowAudio:
    """One channel of a stretch of the recording, read from the file a slice at a time:
    ``audio[lo:hi]`` (samples from the stretch's start) reads just those samples.

    Why: a decoder holding its whole five-minute window (19 MB of floats, and the allocator's
    leftovers of it) while it decodes was ~40 MB of the transcriber's peak for each of the two
    decoders; what the decoder needs at once is the speech, laid end to end, and a few seconds
    around a word now and then."""

    def __init__(self, recording: Recording, channel: int, start: float, end: float):
        self._recording, self._channel = recording, channel
        self._first = max(0, int(start * SAMPLE_RATE))
        self._length = max(0, min(recording.frames, int(end * SAMPLE_RATE)) - self._first)

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, where: slice) -> np.ndarray:
        if not isinstance(where, slice) or where.step not in (None, 1):
            raise TypeError("WindowAudio is read by slices of samples: audio[lo:hi]")
        lo, hi, _ = where.indices(self._length)
        return self._recording.read_samples(self._channel, self._first + lo, self._first + max(lo, hi))


def _check_readable(path: Path) -> None:
    if not path.is_file():
        raise AudioFileError(f"{path}: no such recording — `interview-tui sessions` lists the study's recordings")
    if path.stat().st_size == 0:
        raise AudioFileError(f"{path}: the file is empty (0 bytes) — nothing to transcribe")


def _decode_to_wav(path: Path, target: Path, channels: int) -> None:
    """Decode and resample frame by frame (memory stays flat), written under a temporary name so
    a half-written copy is never read."""
    import av
    import soundfile as sf

    partial = target.with_name(target.name + ".partial")
    try:
        with av.open(str(path)) as container, \
                sf.SoundFile(str(partial), "w", SAMPLE_RATE, channels, "PCM_16", format="WAV") as out:
            resampler = av.AudioResampler(format="s16", layout="stereo" if channels == 2 else "mono",
                                          rate=SAMPLE_RATE)
            stream = container.streams.audio[0]
            for frame in _frames_then_flush(container.decode(stream)):
                for resampled in resampler.resample(frame):
                    out.write(resampled.to_ndarray().reshape(-1, channels))
        os.replace(partial, target)
    except AudioFileError:
        raise
    except Exception as exc:
        partial.unlink(missing_ok=True)
        raise AudioFileError(f"{path}: the audio could not be decoded ({type(exc).__name__}: {exc}) — "
                             "if the recorder crashed, run `interview-tui repair` first")


def _frames_then_flush(frames):
    yield from frames
    yield None  # the resampler gives what it still holds
