"""Our pipeline against plain faster-whisper (its defaults) on the same two-channel interview.

Prints wall time, the ratio (goal <= 0.6), WER for each (goal: ours <= plain + 1 point),
speaker-attributed WER for ours (each speaker's words against what we attribute to that
speaker), and peak RSS. The interview is spoken by espeak-ng: the interviewer on the left
channel, the informant through a telephone band on the right.

    python benchmarks/transcribe.py [--model tiny.en|base|DIR] [--language en|no] [--minutes 4]
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import jiwer  # noqa: E402
from faster_whisper import WhisperModel  # noqa: E402

from interview_tui.transcribe.models import resolve_model  # noqa: E402
from interview_tui.transcribe.pipeline import TranscribeOptions, TranscriptionJob  # noqa: E402
from tests.speech_fixtures import ENGLISH_INTERVIEW, NORWEGIAN_INTERVIEW, speak_interview  # noqa: E402

EXTRA_EN = [
    ("Interviewer", "Do you find that the digital services have freed up more time for you?"),
    ("Informant", "Not really. We spend the time we save on following up the messages."),
    ("Interviewer", "What do you lose with digital services compared with meeting face to face?"),
    ("Informant", "You lose the body language. On the phone you cannot see how the client is doing."),
]
EXTRA_NO = [
    ("Interviewer", "Opplever du at digitale tjenester har frigjort mer tid?"),
    ("Informant", "Egentlig ikke. Tiden vi sparer bruker vi på å følge opp meldingene."),
]


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


def wer(reference: str, hypothesis: str) -> float:
    return jiwer.wer(normalise(reference), normalise(hypothesis) or "∅")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--language", default="en")
    parser.add_argument("--minutes", type=float, default=4.0)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the median time counts")
    args = parser.parse_args()
    base = (ENGLISH_INTERVIEW + EXTRA_EN) if args.language == "en" else (NORWEGIAN_INTERVIEW + EXTRA_NO)
    script = []
    while sum(len(text) for _, text in script) / 14.0 < args.minutes * 60:  # ~14 characters a second
        script += base
    work = Path(tempfile.mkdtemp(prefix="bench-transcribe-"))
    spoken = speak_interview(script, work, language="en" if args.language == "en" else "no", gap=1.2)
    reference = " ".join(text for _, text in script)
    by_speaker = {s: " ".join(t for sp, t in script if sp == s) for s in ("Interviewer", "Informant")}
    duration = spoken.turns[-1][3] + 1.0
    model = WhisperModel(resolve_model(args.model), device="cpu", compute_type="int8", cpu_threads=args.threads)

    options = TranscribeOptions(model=args.model, language=args.language, cpu_threads=args.threads)
    plain_times, ours_times = [], []
    for _ in range(args.repeat):  # alternate, so both see the same machine state
        started = time.perf_counter()
        segments, _ = model.transcribe(str(spoken.path), language=args.language)  # faster-whisper defaults
        plain_text = " ".join(segment.text for segment in segments)
        plain_times.append(time.perf_counter() - started)

        started = time.perf_counter()
        job = TranscriptionJob(spoken.path, work / "ours.json", options, model=model)
        for _ in job.run():
            pass
        ours_times.append(time.perf_counter() - started)
    plain_seconds, ours_seconds = statistics.median(plain_times), statistics.median(ours_times)
    transcript = job.transcript
    ours_text = " ".join(segment.text for segment in transcript.segments)

    plain_wer, ours_wer = wer(reference, plain_text), wer(reference, ours_text)
    print(f"audio               {duration / 60:.1f} min, 2 channels, model {args.model}, language {args.language}, "
          f"CPU, median of {args.repeat} runs each")
    print(f"plain faster-whisper {plain_seconds:7.1f} s  (RTF {plain_seconds / duration:.3f})  WER {plain_wer:.3f}")
    print(f"interview-tui        {ours_seconds:7.1f} s  (RTF {ours_seconds / duration:.3f})  WER {ours_wer:.3f}")
    print(f"time ratio          {ours_seconds / plain_seconds:.2f}  (goal <= 0.60)")
    print(f"WER difference      {100 * (ours_wer - plain_wer):+.1f} points  (goal <= +1.0)")
    for speaker, text in by_speaker.items():
        attributed = " ".join(s.text for s in transcript.segments if s.channel == (0 if speaker == "Interviewer" else 1))
        print(f"speaker WER         {speaker:<12} {wer(text, attributed):.3f}")
    print(f"peak RSS            {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
