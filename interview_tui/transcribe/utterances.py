"""Cutting live audio into utterances for the live transcriber: one channel at a time, by energy.

Live text must not flicker: an utterance is sent to Whisper once, when it has ended (a pause of
``END_PAUSE`` seconds after speech) or grown to ``MAX_SECONDS`` — so what is shown is final.
The level that counts as speech adapts to the channel's noise floor (a phone line hisses, a
room microphone hums), so no setting is needed per set-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

RATE = 16000
FRAME = 480  # 30 ms
END_PAUSE = 0.6
MAX_SECONDS = 12.0
MIN_SPEECH = 0.35
"""Shorter bursts (a click, a cough) are not sent."""
ABOVE_FLOOR_DB = 12.0
ABSOLUTE_FLOOR_DB = -55.0


@dataclass
class Utterance:
    channel: int
    start: float
    """Call time (seconds since the recording started) of the first sample."""
    audio: np.ndarray

    @property
    def end(self) -> float:
        return self.start + len(self.audio) / RATE


@dataclass
class UtteranceCutter:
    channel: int
    started_at: float = 0.0
    """Call time of the first sample fed."""
    _pending: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    _speech: list[np.ndarray] = field(default_factory=list)
    _speech_start: float | None = None
    _silent_frames: int = 0
    _voiced_frames: int = 0
    _fed: int = 0
    _floor_db: float = -70.0

    def feed(self, samples: np.ndarray) -> list[Utterance]:
        """16 kHz mono samples in; the utterances that ended in them out."""
        done: list[Utterance] = []
        data = np.concatenate([self._pending, samples.astype(np.float32)])
        usable = len(data) // FRAME * FRAME
        self._pending = data[usable:]
        for start in range(0, usable, FRAME):
            frame = data[start: start + FRAME]
            at = self.started_at + (self._fed + start) / RATE
            level = 20 * np.log10(float(np.sqrt(np.mean(frame ** 2))) + 1e-9)
            voiced = level > max(self._floor_db + ABOVE_FLOOR_DB, ABSOLUTE_FLOOR_DB)
            if not voiced:  # the floor follows the quiet frames, slowly
                self._floor_db = 0.95 * self._floor_db + 0.05 * level
            if voiced:
                if self._speech_start is None:
                    self._speech_start = at
                self._voiced_frames += 1
                self._silent_frames = 0
            elif self._speech_start is not None:
                self._silent_frames += 1
            if self._speech_start is not None:
                self._speech.append(frame)
                length = len(self._speech) * FRAME / RATE
                if self._silent_frames * FRAME / RATE >= END_PAUSE or length >= MAX_SECONDS:
                    finished = self._close()
                    if finished is not None:
                        done.append(finished)
        self._fed += usable
        return done

    def flush(self) -> list[Utterance]:
        finished = self._close() if self._speech_start is not None else None
        return [finished] if finished is not None else []

    def _close(self) -> Utterance | None:
        audio = np.concatenate(self._speech) if self._speech else np.zeros(0, np.float32)
        start, voiced = self._speech_start, self._voiced_frames
        self._speech, self._speech_start, self._silent_frames, self._voiced_frames = [], None, 0, 0
        if voiced * FRAME / RATE < MIN_SPEECH or start is None:
            return None
        trailing = int(max(0.0, END_PAUSE - 0.25) * RATE)  # keep a little of the pause, not all
        return Utterance(self.channel, start, audio[: max(len(audio) - trailing, 1)])


def to_16k(block: np.ndarray, rate: int) -> np.ndarray:
    """A recorder block (any rate) as 16 kHz; 48 kHz and 32 kHz by averaging, others by interpolation."""
    if rate == RATE:
        return block.astype(np.float32)
    if rate % RATE == 0:
        factor = rate // RATE
        usable = len(block) // factor * factor
        return block[:usable].reshape(-1, factor).mean(axis=1).astype(np.float32)
    count = int(len(block) * RATE / rate)
    return np.interp(np.arange(count) * rate / RATE, np.arange(len(block)), block).astype(np.float32)
