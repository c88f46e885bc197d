"""Coverage quality and speed on the development set (tests/coverage_devset/).

Prints precision, recall and F1 for "covered" (questions; follow-ups apart) on:
  1. the gold text transcripts,
  2. ASR transcripts of the same interviews spoken by espeak-ng (interviewer on the left
     channel, informant through a telephone band on the right), made by our transcriber —
     English with tiny.en, Norwegian with the multilingual base model (the models on PyPI);
and the time to check an hour-long transcript (1,000 segments) against a 40-item guide.
Goals: F1 >= 0.95 on text, >= 0.9 on English ASR, >= 0.8 on Norwegian ASR.

    python benchmarks/coverage.py [--no-asr]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from interview_tui.coverage.matcher import CoverageMatcher  # noqa: E402
from interview_tui.coverage.plain_text import parse_plain_text  # noqa: E402
from interview_tui.guide.loader import parse_guide_yaml  # noqa: E402
from interview_tui.transcribe.pipeline import TranscribeOptions, TranscriptionJob  # noqa: E402
from interview_tui.model.transcript import Segment, Transcript  # noqa: E402
from tests.devset import load_devset, precision_recall_f1  # noqa: E402
from tests.speech_fixtures import speak_interview  # noqa: E402

MODELS = {"en": "tiny.en", "nb": "base"}


def score(rows, label):
    for kind, index in (("questions", 0), ("follow-ups", 1)):
        pairs = [row[index] for row in rows]
        if pairs:
            p, r, f = precision_recall_f1(pairs)
            print(f"{label:<34} {kind:<10}  P {p:.3f}  R {r:.3f}  F1 {f:.3f}  ({len(pairs)} interviews)")


def evaluate(interview, transcript):
    report = CoverageMatcher(interview.guide).match(transcript)
    questions = {i.id for i in report.items if i.kind == "question"}
    followups = {i.id for i in report.items if i.kind == "followup"}
    return ((report.covered_ids(("question",)), interview.covered, questions),
            (report.covered_ids(("followup",)), interview.covered_followups, followups))


def speed() -> None:
    themes = []
    for t in range(5):
        questions = [{"text": f"Question {t}.{q} about topic{t}{q} and subject{t}{q} in context{q}?",
                      "keywords": [f"topic{t}{q}"], "followups": [f"Probe about detail{t}{q}?"]}
                     for q in range(4)]
        themes.append({"title": f"Theme {t}", "questions": questions})
    import yaml

    guide = parse_guide_yaml(yaml.safe_dump({"title": "speed", "language": "en", "themes": themes}))
    items = sum(1 for item in guide.items() if item.kind != "theme")
    words = "we talked about the office and the phone and how the clients manage their week".split()
    segments = [Segment(start=i * 3.6, end=i * 3.6 + 3, speaker="Interviewer" if i % 2 == 0 else "Informant",
                        text=" ".join(words[(i + k) % len(words)] for k in range(14)) + f" topic{i % 5}{i % 4}")
                for i in range(1000)]
    transcript = Transcript(segments=segments)
    started = time.perf_counter()
    CoverageMatcher(guide).match(transcript)
    print(f"speed: 1,000 segments (1 h) × {items} items: {time.perf_counter() - started:.3f} s (goal well under 1 s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-asr", action="store_true", help="text transcripts only (fast)")
    args = parser.parse_args()
    devset = [iv for iv in load_devset() if not iv.wrong_guide]
    tuned = [iv for iv in devset if not iv.held_out]
    held_out = [iv for iv in devset if iv.held_out]
    score([evaluate(iv, parse_plain_text(iv.text_transcript())) for iv in tuned], "gold text (tuned on)")
    score([evaluate(iv, parse_plain_text(iv.text_transcript())) for iv in held_out], "gold text (held out)")
    score([evaluate(iv, parse_plain_text(iv.text_transcript())) for iv in devset], "gold text (all)")
    speed()
    if args.no_asr:
        return
    work = Path(tempfile.mkdtemp(prefix="bench-coverage-"))
    for language in ("en", "nb"):
        rows = []
        for interview in (iv for iv in devset if iv.language == language):
            script = [("Interviewer" if who == "I" else "Informant", text) for who, text in interview.turns]
            spoken = speak_interview(script, work / interview.name, language="en" if language == "en" else "no",
                                     name=interview.name)
            vocabulary = ", ".join(interview.guide.vocabulary()) or None
            job = TranscriptionJob(spoken.path, work / f"{interview.name}.json",
                                   TranscribeOptions(model=MODELS[language], language="en" if language == "en" else "no",
                                                     vocabulary=vocabulary))
            for _ in job.run():
                pass
            rows.append(evaluate(interview, job.transcript))
        score(rows, f"ASR ({MODELS[language]}, {language}, espeak voices)")


if __name__ == "__main__":
    main()
