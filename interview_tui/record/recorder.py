"""Recording one or two sources into one WAV, without ever blocking the audio callback.

The PortAudio callback only copies its block into a queue. A writer thread aligns the sources,
writes the file, measures levels and raises warnings; the front end gets them through
``on_event`` (called from the writer thread, so it must only hand them on).

Two devices have two clocks. Each block carries the time its first sample was captured; the
writer compares where each source's samples *should* be on the shared monotonic clock with how
many it has received, and pads or drops a few samples when a source drifts by more than 5 ms.
"""

from __future__ import annotations

import queue
import shutil
import statistics
import threading
import time
from collections import deque
from pathlib import Path
from typing import Callable

import numpy as np

from .alsa_messages import alsa_message_count, alsa_reason
from .devices import PORTAUDIO_LOCK, AudioUnavailable, pulse_source_selected, sounddevice_module, supported_rate
from .events import LevelEvent, RecorderEvent, RecorderStopped, RecorderWarning
from .levels import ChannelWatch
from .parts import Block, NoFile, Source, SourceFinished, SourceState, Stop
from .source_watch import SourceWatch
from .wavfile import CrashSafeWavWriter

LEVEL_INTERVAL = 0.1
DRIFT_TOLERANCE_SECONDS = 0.005
DISK_RESERVE_BYTES = 64 * 1024 * 1024
SOURCE_STALL_SECONDS = 2.0
SOURCE_START_SECONDS = 5.0  # PulseAudio can take most of a second to deliver the first block


class Recorder:
    def __init__(self, sources: list[Source], path: Path | None, *, rate: int | None = None,
                 append: bool = False, on_event: Callable[[RecorderEvent], None] | None = None,
                 silence_warning_seconds: float = 20.0, disk_reserve_bytes: int = DISK_RESERVE_BYTES,
                 max_seconds: float | None = None, blocksize: int = 0,
                 min_free_seconds: float = 600.0):
        if not 1 <= len(sources) <= 2:
            raise AudioUnavailable("record from one or two sources")
        self.sources = sources
        self.preview = path is None
        """Levels and warnings only, no file: the start screen's meters before the call."""
        self.path = Path(path) if path is not None else Path(".")
        self.roles = [role for source in sources for role in source.roles]
        self.channels = len(self.roles)
        self.on_event = on_event or (lambda event: None)
        self.silence_warning_seconds = silence_warning_seconds
        self.disk_reserve_bytes = disk_reserve_bytes
        self.min_free_seconds = min_free_seconds
        """Room the disk must have at the start, beyond the reserve: ten minutes of audio."""
        self.max_seconds = max_seconds
        self.blocksize = blocksize
        self.append = append
        self.rate = rate or self._common_rate()
        self.overflows = 0
        self.tap_drops = 0
        self.paused = False
        self.warnings: list[RecorderWarning] = []
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._taps: list[queue.Queue] = []
        self._streams: list = []
        self._states: list[SourceState] = []
        self._started_at = time.monotonic()
        self._writer: CrashSafeWavWriter | None = None
        self._thread: threading.Thread | None = None
        self._stop_reason: str | None = None
        self._t0: float | None = None
        self._done = threading.Event()
        self._watch = SourceWatch([s.device.pulse_source for s in sources if s.device.pulse_source])
        self.result: RecorderStopped | None = None
        self.write_latencies: deque = deque(maxlen=10000)

    # --- setup -------------------------------------------------------------------------------
    def _common_rate(self) -> int:
        first = self.sources[0]
        rate = supported_rate(first.device, max(first.channels))
        for other in self.sources[1:]:
            if supported_rate(other.device, max(other.channels), preferred=(rate,)) != rate:
                rate = 16000  # every telephone-grade device does 16 kHz
        return rate

    def check_disk(self) -> None:
        if self.preview:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(self.path.parent).free
        per_second = self.rate * self.channels * 2
        if free < self.disk_reserve_bytes + per_second * self.min_free_seconds:
            raise AudioUnavailable(f"only {free // 2**20} MB free on the disk of {self.path.parent} — "
                                   "free some space before recording (an hour needs about "
                                   f"{per_second * 3600 // 2**20} MB)")

    @property
    def position(self) -> float:
        """Seconds of audio in the file: the call time shared with notes and transcript."""
        return self._writer.seconds if self._writer else 0.0

    @property
    def lost_sources(self) -> list[Source]:
        """Sources given up mid-call while another goes on recording (Ctrl+R brings them back)."""
        return [state.source for state in self._states if state.lost]

    @property
    def running(self) -> bool:
        return self._thread is not None and not self._done.is_set()

    def tap(self, max_blocks: int = 200) -> queue.Queue:
        """A queue of the recorded frames for live transcription; dropped when full, never waited on."""
        tap: queue.Queue = queue.Queue(maxsize=max_blocks)
        self._taps = [*self._taps, tap]  # a new list: the writer thread iterates the old one safely
        return tap

    def untap(self, tap: queue.Queue) -> None:
        self._taps = [t for t in self._taps if t is not tap]

    def start(self) -> None:
        sd = sounddevice_module()
        self.check_disk()
        self._writer = (NoFile(self.channels, self.rate) if self.preview else
                        CrashSafeWavWriter(self.path, self.channels, self.rate, append=self.append))
        offset = 0
        self._started_at = time.monotonic()
        self._states = []
        for source in self.sources:
            self._states.append(SourceState(source=source, offset=offset))
            offset += len(source.channels)
        alsa_mark = alsa_message_count()
        try:
            with PORTAUDIO_LOCK:
                self._thread = threading.Thread(target=self._write_loop, name="recorder-writer", daemon=True)
                self._thread.start()
                for index, source in enumerate(self.sources):
                    # Opened and started one at a time: a sound-server source is chosen per stream.
                    with pulse_source_selected(source.device.pulse_source):
                        stream = sd.InputStream(device=source.device.index, channels=max(source.channels),
                                                samplerate=self.rate, dtype="float32", blocksize=self.blocksize,
                                                latency="high", callback=self._make_callback(index),
                                                finished_callback=self._make_finished(index))
                        self._streams.append(stream)
                        stream.start()
            self._watch.start()
        except sd.PortAudioError as exc:
            self._close_streams()
            self._queue.put(Stop("error"))
            if self._thread:
                self._thread.join()
            else:
                self._writer.close()
            raise AudioUnavailable(f"cannot open the input device ({exc}{alsa_reason(alsa_mark)}) — check it "
                                   "is plugged in and not used by another program; "
                                   "`interview-tui devices` lists devices")

    def _make_callback(self, index: int):
        picks = [channel - 1 for channel in self.sources[index].channels]
        put = self._queue.put
        clock = time.monotonic

        def callback(indata, frames, time_info, status):
            # Real-time thread: copy and hand over, nothing else.
            put(Block(index, indata[:, picks].copy(), clock() - frames / self.rate,
                       bool(status.input_overflow)))

        return callback

    def _make_finished(self, index: int):
        def finished():
            self._queue.put(SourceFinished(index))

        return finished

    # --- control -----------------------------------------------------------------------------
    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False

    def stop(self, reason: str = "stopped") -> RecorderStopped:
        self._stop_reason = self._stop_reason or reason
        self._close_streams()
        self._queue.put(Stop(reason))
        if self._thread is not None:
            self._thread.join()
        return self.result

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def _close_streams(self) -> None:
        self._watch.stop()
        streams, self._streams = self._streams, []
        with PORTAUDIO_LOCK:
            for stream in streams:
                try:
                    stream.stop()
                    stream.close()
                except Exception:
                    pass  # a vanished device cannot be closed cleanly; what was recorded is safe

    # --- writer thread -----------------------------------------------------------------------
    def _emit(self, event: RecorderEvent) -> None:
        if isinstance(event, RecorderWarning):
            self.warnings.append(event)
        try:
            self.on_event(event)
        except Exception:
            pass  # a broken front end must never stop the recording

    def _write_loop(self) -> None:
        watches = [ChannelWatch(role, self.rate, self.silence_warning_seconds) for role in self.roles]
        next_level = time.monotonic() + LEVEL_INTERVAL
        next_disk = time.monotonic() + 5.0
        reason = "error"
        message = ""
        try:
            while True:
                try:
                    item = self._queue.get(timeout=0.05)
                except queue.Empty:
                    item = None
                if isinstance(item, Stop):
                    self._drain(watches)
                    reason = self._stop_reason or item.reason
                    break
                if isinstance(item, SourceFinished):
                    self._states[item.source].finished = True
                elif isinstance(item, Block):
                    if item.overflowed:
                        self.overflows += 1
                        self._emit(RecorderWarning("overflow", f"input overflow #{self.overflows}: audio "
                                                   "was lost — close other heavy programs", None,
                                                   self.position))
                    self._accept(self._states[item.source], item.frames, item.captured_at)
                self._flush(watches)
                now = time.monotonic()
                lost = self._check_sources(now)
                if lost:
                    reason, message = "device_lost", lost
                    self._close_streams()
                    self._drain(watches)
                    break
                if now >= next_level:
                    self._emit(LevelEvent(self.position, tuple(w.take_level() for w in watches)))
                    for watch in watches:
                        for warning in watch.warnings(self.position):
                            self._emit(warning)
                    next_level = now + LEVEL_INTERVAL
                if now >= next_disk and not self.preview:
                    next_disk = now + 5.0
                    if shutil.disk_usage(self.path.parent).free < self.disk_reserve_bytes:
                        reason, message = "disk_full", "the disk is nearly full: recording stopped, file intact"
                        self._emit(RecorderWarning("disk_low", message, None, self.position))
                        self._close_streams()
                        self._drain(watches)
                        break
                if self._writer.full:
                    reason, message = "file_full", "the recording reached the WAV size limit (4 GB)"
                    self._close_streams()
                    break
                if self.max_seconds is not None and self.position >= self.max_seconds:
                    reason = "seconds_reached"
                    self._close_streams()
                    break
        except Exception as exc:  # the file must be closed whatever happened
            reason, message = "error", f"recording stopped by an error: {exc}"
        finally:
            self._writer.close()
            self.result = RecorderStopped(reason, str(self.path), self._writer.seconds, self.overflows,
                                          message, tuple(self.warnings))
            self._done.set()
            self._emit(self.result)

    def _drain(self, watches) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, Block):
                self._accept(self._states[item.source], item.frames, item.captured_at)
        self._flush(watches, final=True)

    def _accept(self, state: SourceState, block: np.ndarray, captured_at: float) -> None:
        state.last_block_at = time.monotonic()
        if state.lost:
            return  # a source that came back after being given up is not spliced in mid-file
        if state.first_time is None:
            state.first_time = captured_at
            if self._t0 is None:
                self._t0 = captured_at
            lead = int(round((captured_at - self._t0) * self.rate))
            if lead > 0:  # this source started later than the first: silence before it
                self._append(state, np.zeros((lead, block.shape[1]), dtype=np.float32))
            elif lead < 0:  # its first sample predates the shared start: cut the excess
                block = block[-lead:]
        elif len(self._states) > 1:
            expected = (captured_at - self._t0) * self.rate
            state.lags.append(expected - state.received)
            if len(state.lags) == state.lags.maxlen:
                lag = statistics.median(state.lags)
                if abs(lag) > DRIFT_TOLERANCE_SECONDS * self.rate:
                    correction = int(round(lag))
                    if correction > 0:
                        self._append(state, np.zeros((correction, block.shape[1]), dtype=np.float32))
                    else:
                        block = block[min(-correction, len(block)):]
                    state.lags.clear()
        self._append(state, block)

    @staticmethod
    def _append(state: SourceState, block: np.ndarray) -> None:
        if len(block):
            state.buffer.append(block)
            state.buffered += len(block)
            state.received += len(block)

    def _check_sources(self, now: float) -> str | None:
        """Mark vanished sources; returns a message when none is left to record from."""
        for state in self._states:
            if state.lost or self._stop_reason is not None:
                continue
            if state.first_time is None:
                gone = now - self._started_at > SOURCE_START_SECONDS
            else:
                gone = now - state.last_block_at > SOURCE_STALL_SECONDS
            moved = state.source.device.pulse_source in self._watch.gone
            if state.finished or gone or moved:
                name = state.source.device.name
                others = any(not s.lost for s in self._states if s is not state)
                cause = ("is gone from the sound server (its program closed, or the headset was unplugged?) — "
                         "its channel is silent from here rather than record another input in its place"
                         if moved else "stopped delivering audio (unplugged?)")
                message = (f"input device '{name}' {cause} — what was recorded is saved" +
                           ("; the other source goes on recording — bring it back, then reconnect (Ctrl+R in the app)" if others
                            else "; reconnect it and resume the session to continue"))
                self._emit(RecorderWarning("device_lost", message, ", ".join(state.source.roles),
                                           self.position))
                # Marked lost only once the warning is out: whoever sees `lost_sources` can read why.
                state.lost = True
        if all(state.lost for state in self._states):
            return self.warnings[-1].message
        return None

    def _flush(self, watches, final: bool = False) -> None:
        live = [s for s in self._states if not s.lost]
        if not final and any(s.first_time is None for s in live):
            return  # wait (at most SOURCE_START_SECONDS) for every source to start
        if final:
            ready = max((s.buffered for s in self._states), default=0)
        else:
            ready = min((s.buffered for s in live), default=0)
        if ready <= 0:
            return
        out = np.zeros((ready, self.channels), dtype=np.float32)
        for state in self._states:
            taken = self._take(state, min(ready, state.buffered))
            out[: len(taken), state.offset: state.offset + taken.shape[1]] = taken
        for column, watch in enumerate(watches):
            watch.add(out[:, column])
        if self.paused:
            return
        started = time.perf_counter()
        self._writer.write(out)
        self.write_latencies.append(time.perf_counter() - started)
        for tap in self._taps:
            try:
                tap.put_nowait(out)
            except queue.Full:
                self.tap_drops += 1

    @staticmethod
    def _take(state: SourceState, count: int) -> np.ndarray:
        parts, needed = [], count
        while needed > 0 and state.buffer:
            block = state.buffer[0]
            if len(block) <= needed:
                parts.append(state.buffer.popleft())
                needed -= len(block)
            else:
                parts.append(block[:needed])
                state.buffer[0] = block[needed:]
                needed = 0
        state.buffered -= count - needed
        if not parts:
            return np.zeros((0, len(state.source.channels)), dtype=np.float32)
        return np.concatenate(parts)
