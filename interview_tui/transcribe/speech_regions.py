"""Where a channel has speech: Silero VAD and the channel's own energy, together.

Why both: Silero alone dropped whole phrases of a band-limited neural voice (a 2–3 s answer at
-25 dBFS scored 0.00 after a long digital silence), and what the VAD drops is lost for good.
The energy of a phone channel is the plainer cue — the line is quiet between turns — so a stretch
clearly louder than the channel's own floor is decoded even where Silero scored it low. Noise
that this lets through is handled after decoding (Whisper's own no-speech and log-probability
test), not by guessing here.

The speech is decoded the way faster-whisper's batched pipeline does it — the regions laid end to
end in chunks of up to ``CHUNK_MAX_SECONDS`` — but with these regions, and the times mapped back.
``audio`` here is an array or a ``WindowAudio`` (read from the file by slices): only slices of it
are ever taken, so a window is never held whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .audio_input import SAMPLE_RATE

FRAME_SECONDS = 0.03
ENERGY_OVER_FLOOR_DB = 15.0
"""A frame is loud when it is this much above the channel's floor (its quietest tenth)."""
ENERGY_MIN_DBFS = -50.0
"""…and above this, so hiss on a very clean line never counts."""
MIN_SPEECH_SECONDS = 0.2
JOIN_GAP_SECONDS = 0.6
PAD_SECONDS = 0.3
CHUNK_MAX_SECONDS = 28.0
SILERO_PIECE_SECONDS = 30.0
"""faster-whisper runs Silero over all of its input at once, and its memory grows with it
(+146 MB for a five-minute window): pieces of this length, overlapping by a second, keep it flat."""


@dataclass(frozen=True)
class Region:
    start: float
    end: float


def frame_levels_db(audio) -> np.ndarray:
    """The level of each 30-ms frame. ``audio``: an array, or a ``WindowAudio`` read from the file
    as it goes — 30 s at a time (a whole number of frames), so the window is never held whole."""
    hop = int(FRAME_SECONDS * SAMPLE_RATE)
    piece = int(SILERO_PIECE_SECONDS * SAMPLE_RATE) // hop * hop
    usable = len(audio) // hop * hop
    levels = [_levels(np.asarray(audio[start: min(start + piece, usable)], dtype=np.float32), hop)
              for start in range(0, usable, piece)]
    return np.concatenate(levels) if levels else np.zeros(0)


def _levels(samples: np.ndarray, hop: int) -> np.ndarray:
    frames = samples.reshape(-1, hop)
    # einsum squares and sums frame by frame: no copy (five minutes in float64 and its squares
    # held 77 MB at once, beside the decoder's own memory)
    power = np.einsum("ij,ij->i", frames, frames, dtype=np.float64) / hop
    return 10 * np.log10(power + 1e-18)


def energy_regions(audio: np.ndarray) -> list[Region]:
    levels = frame_levels_db(audio)
    if len(levels) == 0:
        return []
    floor = float(np.percentile(levels, 10))
    loud = levels > max(floor + ENERGY_OVER_FLOOR_DB, ENERGY_MIN_DBFS)
    regions, start = [], None
    for index, is_loud in enumerate(np.append(loud, False)):
        if is_loud and start is None:
            start = index
        elif not is_loud and start is not None:
            regions.append(Region(start * FRAME_SECONDS, index * FRAME_SECONDS))
            start = None
    return [r for r in _join(regions, JOIN_GAP_SECONDS) if r.end - r.start >= MIN_SPEECH_SECONDS]


def silero_regions(audio: np.ndarray, vad_options) -> list[Region]:
    from faster_whisper.vad import get_speech_timestamps

    piece, overlap = int(SILERO_PIECE_SECONDS * SAMPLE_RATE), SAMPLE_RATE
    regions = []
    for start in range(0, max(len(audio) - overlap, 1), piece - overlap):
        offset = start / SAMPLE_RATE
        regions += [Region(offset + span["start"] / SAMPLE_RATE, offset + span["end"] / SAMPLE_RATE)
                    for span in get_speech_timestamps(audio[start: start + piece], vad_options)]
    return _join(regions, 0.0)


def _join(regions: list[Region], gap: float) -> list[Region]:
    joined: list[Region] = []
    for region in sorted(regions, key=lambda r: r.start):
        if joined and region.start - joined[-1].end <= gap:
            joined[-1] = Region(joined[-1].start, max(joined[-1].end, region.end))
        else:
            joined.append(region)
    return joined


def _split_long(region: Region, audio: np.ndarray) -> list[Region]:
    """A region longer than a chunk is cut at its quietest moment (not mid-word), recursively."""
    if region.end - region.start <= CHUNK_MAX_SECONDS:
        return [region]
    levels = frame_levels_db(audio[int(region.start * SAMPLE_RATE): int(region.end * SAMPLE_RATE)])
    margin = int(2.0 / FRAME_SECONDS)
    middle = levels[margin: len(levels) - margin] if len(levels) > 2 * margin else levels
    cut = region.start + (int(np.argmin(middle)) + (margin if len(levels) > 2 * margin else 0)) * FRAME_SECONDS
    cut = min(max(cut, region.start + 1.0), region.start + CHUNK_MAX_SECONDS)
    return _split_long(Region(region.start, cut), audio) + _split_long(Region(cut, region.end), audio)


def speech_regions(audio: np.ndarray, vad_options) -> list[Region]:
    """Every stretch either detector calls speech, padded, joined over short pauses, none
    longer than a chunk."""
    total = len(audio) / SAMPLE_RATE
    loud = [Region(max(0.0, r.start - PAD_SECONDS), min(total, r.end + PAD_SECONDS))
            for r in energy_regions(audio)]  # Silero's regions come padded already
    found = silero_regions(audio, vad_options) + loud
    return [piece for region in _join(found, 0.0) for piece in _split_long(region, audio)]


def uncovered(regions: list[Region], words: list[tuple[float, float]], shortest: float) -> list[Region]:
    """The parts of ``regions`` at least ``shortest`` seconds long in which no word (start, end)
    lies: speech the decoder passed over, or noise it rightly left out."""
    words = sorted(words)
    gaps = []
    for region in regions:
        cursor = region.start
        for start, end in words:
            if end <= region.start or start >= region.end:
                continue
            if start - cursor >= shortest:
                gaps.append(Region(cursor, start))
            cursor = max(cursor, end)
        if region.end - cursor >= shortest:
            gaps.append(Region(cursor, region.end))
    return gaps


@dataclass(frozen=True)
class SpeechOnly:
    """The regions laid end to end, with the way back to the channel's time."""

    audio: np.ndarray
    regions: list[Region]
    chunks: list[dict]
    """Clips of the joined audio (seconds) of at most CHUNK_MAX_SECONDS, each whole regions."""
    _offsets: np.ndarray  # where each region starts in the joined audio

    def original_time(self, joined_time: float, region_index: int) -> float:
        return round(self.regions[region_index].start + joined_time - self._offsets[region_index], 3)

    def chunk_at(self, joined_time: float) -> dict:
        return next((c for c in self.chunks if c["start"] <= joined_time < c["end"]), self.chunks[-1])

    def region_of(self, joined_time: float) -> int:
        return max(0, int(np.searchsorted(self._offsets, joined_time, side="right")) - 1)


def lay_end_to_end(audio: np.ndarray, regions: list[Region], chunk_max: float = CHUNK_MAX_SECONDS) -> SpeechOnly:
    """``chunk_max`` 0: every region a chunk of its own."""
    pieces, offsets, chunks = [], [], []
    position, chunk_start = 0.0, 0.0
    for region in regions:
        piece = audio[int(region.start * SAMPLE_RATE): int(region.end * SAMPLE_RATE)]
        seconds = len(piece) / SAMPLE_RATE
        if position + seconds - chunk_start > chunk_max and position > chunk_start:
            chunks.append({"start": chunk_start, "end": position})
            chunk_start = position
        pieces.append(piece)
        offsets.append(position)
        position += seconds
    if position > chunk_start:
        chunks.append({"start": chunk_start, "end": position})
    joined = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    return SpeechOnly(joined.astype(np.float32, copy=False), regions, chunks, np.asarray(offsets))
