"""Cutting live audio into utterances for the live transcriber: one channel at a time, by energy.

Live text must not flicker: an utterance is sent to Whisper once, when it has ended (a pause of
``END_PAUSE`` seconds after speech) or grown to ``MAX_SECONDS`` — so what is shown is final.
The level that counts as speech adapts to the channel's noise floor (a phone line hisses, a
room microphone hums), so no setting is needed per set-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .band_roles import high_band_level
from .speakers import PHONE_BAND_GAP_DB

RATE = 16000
FRAME = 480  # 30 ms
END_PAUSE = 0.6
MAX_SECONDS = 12.0
MIN_SPEECH = 0.35
"""Shorter bursts (a click, a cough) are not sent."""
ABOVE_FLOOR_DB = 12.0
ABSOLUTE_FLOOR_DB = -55.0
TURN_GAP = 0.12
"""On one channel, a pause this long inside an utterance may be a change of speaker (a speakerphone
answer often follows its question within 0.2–0.4 s, under ``END_PAUSE``)."""
TURN_CHECK = 0.4
"""Speech after such a pause, in seconds, before its voice is compared with the voice before it."""


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
    voice_began: float | None = None
    """Call time the latest stretch of speech on this channel began (kept after it ended): live
    coverage reads it to know a turn on another channel is over before its text arrives."""
    band_turns: bool = False
    """One channel (a speakerphone): end the utterance at a short pause where the voice changes
    side of the telephone band. Cut only at ``END_PAUSE``, a question and the answer that followed
    it 0.3 s later went to Whisper as one utterance, of no one's (seen in tmux): neither a question
    asked nor an answer given could be told."""
    _gap: tuple[int, int] | None = None  # the latest short pause inside the utterance, in frames
    _after_gap: int = 0  # voiced frames since it

    @property
    def speaking(self) -> bool:
        return self._speech_start is not None

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
                    self._speech_start = self.voice_began = at
                elif self.band_turns and self._silent_frames * FRAME / RATE >= TURN_GAP:
                    self._gap, self._after_gap = (len(self._speech) - self._silent_frames, len(self._speech)), 0
                self._voiced_frames += 1
                self._silent_frames = 0
            elif self._speech_start is not None:
                self._silent_frames += 1
            if self._speech_start is not None:
                self._speech.append(frame)
                if voiced and self._gap is not None:
                    self._after_gap += 1
                    if self._after_gap * FRAME / RATE >= TURN_CHECK:
                        done += self._cut_at_a_change_of_voice()
                length = len(self._speech) * FRAME / RATE
                if self._silent_frames * FRAME / RATE >= END_PAUSE or length >= MAX_SECONDS:
                    finished = self._close()
                    if finished is not None:
                        done.append(finished)
        self._fed += usable
        return done

    def _cut_at_a_change_of_voice(self) -> list[Utterance]:
        """The utterance so far, ended at the latest short pause, when the voice after it lies on
        the other side of the telephone band than the voice before it; the rest goes on."""
        (pause, resumed), self._gap = self._gap, None
        before, after = np.concatenate(self._speech[:pause]), np.concatenate(self._speech[resumed:])
        levels = high_band_level(before), high_band_level(after)
        if None in levels or abs(levels[0] - levels[1]) < PHONE_BAND_GAP_DB:
            return []
        first = Utterance(self.channel, self._speech_start, before)
        self._speech_start = self.voice_began = self._speech_start + resumed * FRAME / RATE
        self._speech, self._voiced_frames = self._speech[resumed:], self._after_gap
        return [first] if len(before) / RATE >= MIN_SPEECH else []

    def flush(self) -> list[Utterance]:
        finished = self._close() if self._speech_start is not None else None
        return [finished] if finished is not None else []

    def _close(self) -> Utterance | None:
        audio = np.concatenate(self._speech) if self._speech else np.zeros(0, np.float32)
        start, voiced = self._speech_start, self._voiced_frames
        self._speech, self._speech_start, self._silent_frames, self._voiced_frames = [], None, 0, 0
        self._gap = None
        if voiced * FRAME / RATE < MIN_SPEECH or start is None:
            return None
        trailing = int(max(0.0, END_PAUSE - 0.25) * RATE)  # keep a little of the pause, not all
        return Utterance(self.channel, start, audio[: max(len(audio) - trailing, 1)])


class To16k:
    """A channel's recorder blocks (any rate, any block length) as one continuous 16 kHz stream.

    Blocks arrive in whatever lengths the sound server hands over. Resampling each block on its
    own restarts the sample grid at every block: at 44.1 kHz (most laptops) that put a click
    every block, and the clicks' energy above 3.4 kHz hid the telephone band that tells the
    informant from the interviewer on one channel. So the position on the input grid, and at
    48/32 kHz the samples left over from the last block, carry from block to block.
    """

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._left = np.zeros(0, np.float32)
        """Integer ratio: input samples not yet averaged into an output sample."""
        self._previous: float | None = None
        self._position = 0.0
        """Other ratios: where the next output sample falls, in input samples from the block's start."""

    def __call__(self, block: np.ndarray) -> np.ndarray:
        block = np.asarray(block, dtype=np.float32)
        if self.rate == RATE:
            return block
        if self.rate % RATE == 0:
            factor = self.rate // RATE
            data = np.concatenate([self._left, block])
            usable = len(data) // factor * factor
            self._left = data[usable:]
            return data[:usable].reshape(-1, factor).mean(axis=1).astype(np.float32)
        step = self.rate / RATE
        data = block if self._previous is None else np.concatenate([[self._previous], block]).astype(np.float32)
        offset = 0 if self._previous is None else 1  # data[0] is the last sample of the previous block
        if len(block) == 0:
            return np.zeros(0, np.float32)
        count = max(0, int(np.floor((len(block) - 1 - self._position) / step)) + 1)
        where = self._position + step * np.arange(count) + offset
        out = np.interp(where, np.arange(len(data)), data).astype(np.float32)
        self._position = self._position + step * count - len(block)
        self._previous = float(block[-1])
        return out
