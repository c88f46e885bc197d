"""What a transcription is asked for (``TranscribeOptions``), what it reports as it goes
(``Progress``), and how speech is found in a channel (Silero VAD's settings)."""

from __future__ import annotations

from dataclasses import dataclass

from .speech_regions import CHUNK_MAX_SECONDS
from .windows import WINDOW_SECONDS

# Phone voices score lower in Silero than studio voices; a low threshold and generous padding
# keep quiet, band-limited speech (dropped words are lost data), while silence still scores ~0.
VAD_THRESHOLD = 0.25
VAD_MIN_SILENCE_MS = 600
VAD_SPEECH_PAD_MS = 300
GPU_BATCH_SIZE = 4
"""On a CPU a decoder takes a chunk per thread it has (``_batch_size``): on 2 cores (a thread each,
tiny.en) a batch of 1 took the time of 4 (3 minutes of espeak 4.9 s against 5.0, the readers 7.2–7.4
against 7.0–7.6, 20 minutes 26.9 against 27.4–27.7) with the same words, and 60–110 MiB less. The
parts of a window that the decoders share out are a batch each."""


@dataclass(frozen=True)
class TranscribeOptions:
    model: str = "auto"
    """A model name or folder; ``auto``: the best on this computer (``models.auto_model``)."""
    language: str | None = "no"
    device: str = "auto"
    compute_type: str = "default"
    speakers: tuple[str, ...] = ("Interviewer", "Informant")
    vocabulary: str | None = None
    """The guide's keywords, Whisper's prompt (measured: better than ``hotwords``, which made
    tiny.en drop words of a phone voice); on one channel they also tell who asked."""
    terms: str | None = None
    """The guide's ``terms`` (names of services and places), for the prompt only."""
    beam_size: int = 5
    batch_size: int = 0
    """Chunks a decoder takes at once; 0: a chunk per thread on a CPU, GPU_BATCH_SIZE on a GPU."""
    cpu_threads: int = 0
    window_seconds: float = WINDOW_SECONDS

    def as_settings(self) -> dict:
        return {"language": self.language, "speakers": list(self.speakers), "vocabulary": self.vocabulary,
                **({"terms": self.terms} if self.terms else {}),
                "beam_size": self.beam_size, "vad_threshold": VAD_THRESHOLD,
                "condition_on_previous_text": False, "word_timestamps": True}


@dataclass(frozen=True)
class Progress:
    fraction: float
    done_seconds: float
    total_seconds: float
    segments: int
    message: str = ""


def vad_options():
    from faster_whisper.vad import VadOptions

    return VadOptions(threshold=VAD_THRESHOLD, min_silence_duration_ms=VAD_MIN_SILENCE_MS,
                      speech_pad_ms=VAD_SPEECH_PAD_MS, max_speech_duration_s=CHUNK_MAX_SECONDS)
