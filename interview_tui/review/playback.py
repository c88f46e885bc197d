"""Playing the recording from a segment, through sounddevice.

A reader thread reads the file ahead of the sound (mixing the two sides of the call, slowing
it down when asked) into a queue; the audio callback only copies from that queue — no file
access where a delay would be heard. Nothing is loaded up front, so an hour-long recording
opens at once.
"""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

import numpy as np

from ..errors import UserError

READ_SECONDS = 0.1
AHEAD_BLOCKS = 20


class PlaybackUnavailable(UserError):
    pass


class Player:
    """``speed`` below 1 plays slower (by resampling, so the pitch drops too)."""

    def __init__(self, audio_path: Path, device: str | int | None = None):
        import soundfile as sf

        try:
            info = sf.info(str(audio_path))
        except Exception as exc:
            raise PlaybackUnavailable(f"{audio_path}: cannot be played ({exc})")
        self.path = Path(audio_path)
        self.rate = info.samplerate
        self.duration = info.duration
        self.device = device
        self.speed = 1.0
        self._stream = None
        self._reader: threading.Thread | None = None
        self._stop_reading = threading.Event()
        self._blocks: queue.Queue = queue.Queue(maxsize=AHEAD_BLOCKS)
        self._pending = np.zeros(0, dtype=np.float32)
        self._lock = threading.Lock()
        self._start = 0.0
        self._played = 0  # output samples handed to the device
        self._speed_at_start = 1.0
        self._finished = False
        self._sd = None
        self.started_event = threading.Event()
        self.requested_at = 0.0
        self.first_audio_at: float | None = None

    @property
    def seconds(self) -> float:
        """Where in the recording the sound now is."""
        with self._lock:
            return self._start + self._played * self._speed_at_start / self.rate

    @property
    def start_latency(self) -> float | None:
        """Seconds from the request to the first block of sound handed to the device."""
        return None if self.first_audio_at is None else self.first_audio_at - self.requested_at

    @property
    def playing(self) -> bool:
        return self._stream is not None and self._stream.active

    def play(self, start: float, end: float | None = None) -> None:
        from ..record.devices import sounddevice_module

        sd = self._sd = sounddevice_module()
        self.stop()
        start = max(0.0, min(start, self.duration))
        stop_at = self.duration if end is None else min(end, self.duration)
        with self._lock:
            self._start, self._played, self._speed_at_start = start, 0, self.speed
        self._blocks = queue.Queue(maxsize=AHEAD_BLOCKS)
        self._pending = np.zeros(0, dtype=np.float32)
        self._finished = False
        self._stop_reading = threading.Event()
        self.started_event.clear()
        self.requested_at = time.perf_counter()
        self.first_audio_at = None
        self._reader = threading.Thread(target=self._read, args=(start, stop_at, self.speed),
                                        name="playback-reader", daemon=True)
        self._reader.start()
        try:
            self._stream = sd.OutputStream(samplerate=self.rate, channels=1, dtype="float32", device=self.device,
                                           callback=self._callback, latency="low")
            self._stream.start()
        except Exception as exc:
            self._stop_reading.set()
            self._stream = None
            raise PlaybackUnavailable(f"no sound: the output device cannot be opened ({exc}) — "
                                      "editing works without it")

    def _read(self, start: float, stop_at: float, speed: float) -> None:
        import soundfile as sf

        block = int(self.rate * READ_SECONDS)
        with sf.SoundFile(str(self.path)) as handle:
            handle.seek(int(start * self.rate))
            remaining = int((stop_at - start) * self.rate)
            while remaining > 0 and not self._stop_reading.is_set():
                data = handle.read(min(block, remaining), dtype="float32", always_2d=True)
                if not len(data):
                    break
                remaining -= len(data)
                mono = data.mean(axis=1)  # both sides of the call, together
                if speed != 1.0:
                    positions = np.arange(0, len(mono) - 1, speed)
                    mono = np.interp(positions, np.arange(len(mono)), mono)
                while not self._stop_reading.is_set():
                    try:
                        self._blocks.put(mono.astype(np.float32), timeout=0.1)
                        break
                    except queue.Full:
                        continue
        self._blocks.put(None)  # the end

    def _callback(self, outdata, frames, time_info, status):
        # Audio thread: copy what the reader prepared, nothing else.
        filled = 0
        out = outdata[:, 0]
        while filled < frames:
            if not len(self._pending):
                if self._finished:
                    break
                try:
                    block = self._blocks.get_nowait()
                except queue.Empty:
                    break
                if block is None:
                    self._finished = True
                    break
                self._pending = block
            take = min(frames - filled, len(self._pending))
            out[filled: filled + take] = self._pending[:take]
            self._pending = self._pending[take:]
            filled += take
        out[filled:] = 0.0
        with self._lock:
            self._played += filled
        if filled and self.first_audio_at is None:
            self.first_audio_at = time.perf_counter()
            self.started_event.set()
        if self._finished and not len(self._pending):
            raise self._sd.CallbackStop

    def stop(self) -> None:
        self._stop_reading.set()
        if self._stream is not None:
            try:
                self._stream.abort()
                self._stream.close()
            except Exception:
                pass
            self._stream = None
