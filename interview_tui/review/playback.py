"""Playing the recording from a segment, through sounddevice; the callback only copies."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from ..errors import UserError


class PlaybackUnavailable(UserError):
    pass


class Player:
    """Loads the recording once (mixed to stereo-compatible float32) and plays from any time.
    ``speed`` below 1 plays slower (by resampling, so the pitch drops too)."""

    def __init__(self, audio_path: Path, device: str | int | None = None):
        import soundfile as sf

        try:
            data, self.rate = sf.read(str(audio_path), dtype="float32", always_2d=True)
        except Exception as exc:
            raise PlaybackUnavailable(f"{audio_path}: cannot be played ({exc})")
        self.audio = data.mean(axis=1).astype(np.float32)  # both sides of the call, together
        self.device = device
        self.speed = 1.0
        self._stream = None
        self._lock = threading.Lock()
        self._position = 0.0  # in samples of the recording
        self._stop_at: float | None = None
        self.started_event = threading.Event()
        self._sd = None

    @property
    def seconds(self) -> float:
        with self._lock:
            return self._position / self.rate

    @property
    def playing(self) -> bool:
        return self._stream is not None and self._stream.active

    def play(self, start: float, end: float | None = None) -> None:
        from ..record.devices import sounddevice_module

        sd = self._sd = sounddevice_module()
        self.stop()
        with self._lock:
            self._position = max(0.0, start) * self.rate
            self._stop_at = None if end is None else end * self.rate
        self.started_event.clear()
        try:
            self._stream = sd.OutputStream(samplerate=self.rate, channels=1, dtype="float32", device=self.device,
                                           callback=self._callback, latency="low")
            self._stream.start()
        except Exception as exc:
            self._stream = None
            raise PlaybackUnavailable(f"no sound: the output device cannot be opened ({exc}) — "
                                      "editing works without it")

    def _callback(self, outdata, frames, time_info, status):
        # Audio thread: read a window of the loaded array, nothing that allocates much.
        with self._lock:
            start, step = self._position, self.speed
            self._position += frames * step
            stop_at = self._stop_at
        limit = len(self.audio) if stop_at is None else min(len(self.audio), int(stop_at))
        first = int(start)
        window = self.audio[first: min(limit, first + int(frames * step) + 2)]
        outdata[:, 0] = 0.0
        if step == 1.0:
            outdata[: len(window[:frames]), 0] = window[:frames]
            produced = len(window[:frames])
        else:
            offsets = start - first + np.arange(frames) * step
            produced = int(np.searchsorted(offsets, len(window) - 1))
            if produced:
                outdata[:produced, 0] = np.interp(offsets[:produced], np.arange(len(window)), window)
        self.started_event.set()
        if produced < frames:
            raise self._sd.CallbackStop

    def stop(self) -> None:
        if self._stream is not None:
            try:
                self._stream.abort()
                self._stream.close()
            except Exception:
                pass
            self._stream = None
