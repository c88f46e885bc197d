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
from ..record.alsa_messages import alsa_message_count, alsa_reason

READ_SECONDS = 0.1
AHEAD_BLOCKS = 20
# The sound card's buffer. PortAudio's "low" (9 ms on PulseAudio) stuttered on a busy two-core
# machine (28 gaps in a four-second replay); 100 ms rides out a stall of the Python thread that
# feeds it and is still heard as immediate when a key is pressed.
DEVICE_BUFFER_SECONDS = 0.1


class PlaybackUnavailable(UserError):
    pass


class _Run:
    """One play request's own state. A new request gets a new run, so a reader thread that is
    still finishing the previous one can only ever fill its own queue — never the new one's."""

    def __init__(self, start: float, speed: float):
        self.start = start
        self.speed = speed
        self.stop_reading = threading.Event()
        self.blocks: queue.Queue = queue.Queue(maxsize=AHEAD_BLOCKS)
        self.pending = np.zeros(0, dtype=np.float32)
        self.finished = False
        self.played = 0  # output samples handed to the device
        self.stutters = 0  # times the device ran dry: a gap the listener heard
        self.stutters_told = 0


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
        self._run = _Run(0.0, 1.0)
        self._sd = None
        self.started_event = threading.Event()
        self.requested_at = 0.0
        self.first_audio_at: float | None = None
        self.device_latency = 0.0

    @property
    def seconds(self) -> float:
        """Where in the recording the sound now is."""
        run = self._run
        return run.start + run.played * run.speed / self.rate

    @property
    def start_latency(self) -> float | None:
        """Seconds from the request until the first sound leaves the device: handed over, then
        through the device's buffer."""
        if self.first_audio_at is None:
            return None
        return self.first_audio_at - self.requested_at + self.device_latency

    @property
    def stutters(self) -> int:
        """Gaps in what the current (or last) play request sounded like."""
        return self._run.stutters

    def untold_stutters(self) -> int:
        """Gaps heard since the last call, so the screen says so once, not every tick."""
        run = self._run
        news, run.stutters_told = run.stutters - run.stutters_told, run.stutters
        return news

    @property
    def playing(self) -> bool:
        return self._stream is not None and self._stream.active

    def play(self, start: float, end: float | None = None) -> None:
        from ..record.devices import PORTAUDIO_LOCK, sounddevice_module

        sd = self._sd = sounddevice_module()
        self.stop()
        start = max(0.0, min(start, self.duration))
        stop_at = self.duration if end is None else min(end, self.duration)
        run = self._run = _Run(start, self.speed)
        self.started_event.clear()
        self.requested_at = time.perf_counter()
        self.first_audio_at = None
        threading.Thread(target=self._read, args=(run, stop_at), name="playback-reader", daemon=True).start()
        alsa_mark = alsa_message_count()
        try:
            with PORTAUDIO_LOCK:
                self._stream = sd.OutputStream(samplerate=self.rate, channels=1, dtype="float32",
                                               device=self.device, callback=self._make_callback(run, sd),
                                               latency=DEVICE_BUFFER_SECONDS)
                self._stream.start()
                self.device_latency = float(self._stream.latency)
        except Exception as exc:
            run.stop_reading.set()
            self._stream = None
            raise PlaybackUnavailable(f"no sound: the output device cannot be opened "
                                      f"({exc}{alsa_reason(alsa_mark)}) — "
                                      "editing works without it")

    def _read(self, run: _Run, stop_at: float) -> None:
        import soundfile as sf

        block = int(self.rate * READ_SECONDS)
        with sf.SoundFile(str(self.path)) as handle:
            handle.seek(int(run.start * self.rate))
            remaining = int((stop_at - run.start) * self.rate)
            while remaining > 0 and not run.stop_reading.is_set():
                data = handle.read(min(block, remaining), dtype="float32", always_2d=True)
                if not len(data):
                    break
                remaining -= len(data)
                mono = data.mean(axis=1)  # both sides of the call, together
                if run.speed != 1.0:
                    positions = np.arange(0, len(mono) - 1, run.speed)
                    mono = np.interp(positions, np.arange(len(mono)), mono)
                while not run.stop_reading.is_set():
                    try:
                        run.blocks.put(mono.astype(np.float32), timeout=0.1)
                        break
                    except queue.Full:
                        continue
        try:
            run.blocks.put(None, timeout=0.5)  # the end
        except queue.Full:
            pass  # stopped while the queue was full: nobody is waiting for the end

    def _make_callback(self, run: _Run, sd):
        def callback(outdata, frames, time_info, status):
            # Audio thread: copy what this run's reader prepared, nothing else.
            if status.output_underflow:
                run.stutters += 1
            filled = 0
            out = outdata[:, 0]
            while filled < frames:
                if not len(run.pending):
                    if run.finished:
                        break
                    try:
                        block = run.blocks.get_nowait()
                    except queue.Empty:
                        break
                    if block is None:
                        run.finished = True
                        break
                    run.pending = block
                take = min(frames - filled, len(run.pending))
                out[filled: filled + take] = run.pending[:take]
                run.pending = run.pending[take:]
                filled += take
            out[filled:] = 0.0
            run.played += filled
            if filled and self.first_audio_at is None and run is self._run:
                self.first_audio_at = time.perf_counter()
                self.started_event.set()
            if run.finished and not len(run.pending):
                raise sd.CallbackStop

        return callback

    def stop(self) -> None:
        self._run.stop_reading.set()
        from ..record.devices import PORTAUDIO_LOCK

        stream, self._stream = self._stream, None
        if stream is not None:
            with PORTAUDIO_LOCK:
                try:
                    stream.abort()
                    stream.close()
                except Exception:
                    pass
