"""The interviewer's keys while live coverage runs: does the transcriber ever hold up a key?

The app itself (Textual, driven by Pilot in this process) records a two-channel interview played
into the PulseAudio null sink in real time, with the live transcriber on; every ``--every``
seconds a key is pressed — moving through the guide (down / up) and marking an item asked then
undoing it (a session write). The latency of a key is from the press until the app has handled it
— its effect is in the session (the item shown, the mark made); the screen
shows it at the next refresh (Textual refreshes at up to 60 frames a second). The same run repeats with live
transcription off, on the same machine, as the baseline.

Goal on a 2-core machine: keys <= 100 ms (p90) with live on; 0 recorder overflows.

    eval "$(scripts/pulse.sh)"
    python benchmarks/live_keys.py [--seconds 90] [--voice piper] [--audio call.wav --guide guide.yaml]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

KEYS = ("down", "up", "a", "u")
"""Move down, back up, mark asked, undo: the keys an interviewer uses most during a call."""


def interview_audio(work: Path, voice: str, seconds: float) -> tuple[Path, Path]:
    import soundfile as sf

    from benchmarks.live import default_call

    audio, guide, _ = default_call(work / "voices", voice)
    data, rate = sf.read(audio, dtype="float32", always_2d=True)
    clipped = work / "clip.wav"
    sf.write(clipped, data[: int(seconds * rate)], rate)
    return clipped, guide


async def press_during_call(study: Path, guide_path: Path, audio: Path, live: bool, every: float) -> dict:
    import shutil

    from interview_tui.settings import Settings
    from interview_tui.study import Study
    from interview_tui.ui.app import InterviewApp

    (study / "guides").mkdir(parents=True)
    shutil.copy(guide_path, study / "guides" / guide_path.name)  # the study's one guide: the app picks it
    project = Study.at(study).ensure()
    settings = Settings(mic_device="pulse:1", line_device="pulse:2", live=live)
    app = InterviewApp(project, settings, audio=True)
    latencies: dict[str, list[float]] = {key: [] for key in KEYS}
    live_states: list[str] = []
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        await pilot.click("#pseudonym")
        await pilot.press(*"Bench A", "ctrl+s")
        await pilot.pause()
        guide = app.store.session.guide
        for _ in range([i.id for i in guide.briefing].index(guide.consent_item().id)):
            await pilot.press("down")
        await pilot.press("space", "ctrl+n")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (app.recorder is None or app.recorder.position < 1.0 or (
                live and (app.interview.live is None or app.interview.live.status.state != "on"))):
            await pilot.pause(0.1)
        player = subprocess.Popen(["paplay", "-d", "adapter", str(audio)])
        turn, lost = 0, 0
        session = app.interview.session
        while player.poll() is None:
            key = KEYS[turn % len(KEYS)]
            before = session.current_item
            done = {"down": lambda: session.current_item != before, "up": lambda: session.current_item != before,
                    "a": lambda: _state(session, before) == "asked", "u": lambda: _state(session, before) != "asked"}[key]
            latency = await _handled_after(app, key, done)
            if latency is not None:
                latencies[key].append(latency)
            else:
                lost += 1
            turn += 1
            if app.interview.live is not None:
                live_states.append(app.interview.live.status.state)
            await pilot.pause(every)
        overflows = app.recorder.overflows if app.recorder is not None else None
        suggestions = len(app.interview.session.suggestions)
    return {"latencies": latencies, "lost": lost, "overflows": overflows, "suggestions": suggestions,
            "live": sorted(set(live_states))}


def _state(session, item_id: str | None) -> str | None:
    record = session.items.get(item_id) if item_id else None
    mark = record.latest("interviewer") if record is not None else None
    return mark.state if mark is not None else None


async def _handled_after(app, key: str, done, timeout: float = 5.0) -> float | None:
    """From the key arriving (posted to the app as the terminal driver posts it) until its effect is
    in the session. Pilot's own press waits for the whole app to be idle, which a recording app
    with a level meter never quite is, so it measures that wait instead."""
    from textual import events

    began = time.perf_counter()
    app.post_message(events.Key(key, key if len(key) == 1 else None))
    while not done():
        if time.perf_counter() - began > timeout:
            return None
        await asyncio.sleep(0.001)
    return time.perf_counter() - began


def describe(label: str, result: dict) -> None:
    every = sorted(x for values in result["latencies"].values() for x in values)
    lost = result.get("lost", 0)
    if not every:
        print(f"{label}: no keys pressed")
        return
    p90 = every[min(len(every) - 1, int(len(every) * 0.9))]
    per_key = ", ".join(f"{key} {statistics.median(v) * 1000:.0f}" for key, v in result["latencies"].items() if v)
    print(f"{label}: {len(every)} keys ({lost} with no effect within 5 s), median {statistics.median(every) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms, "
          f"max {every[-1] * 1000:.0f} ms (median per key, ms: {per_key}); recorder overflows: {result['overflows']}; "
          f"live states seen: {', '.join(result['live']) or 'off'}; suggestions: {result['suggestions']}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=90.0, help="how much of the interview to play (each run)")
    parser.add_argument("--every", type=float, default=0.3, help="seconds between key presses")
    parser.add_argument("--voice", choices=("espeak", "piper"), default="espeak")
    parser.add_argument("--audio", type=Path, help="a two-channel recording (interviewer left, informant right)")
    parser.add_argument("--guide", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("PULSE_SOURCE", "adapter.monitor")
    work = Path(tempfile.mkdtemp(prefix="bench-keys-"))
    if args.audio:
        audio, guide = args.audio, args.guide
    else:
        audio, guide = interview_audio(work, args.voice, args.seconds)
    print(f"audio: {audio}; a key every {args.every} s; cores: {os.cpu_count()}")
    for live in (True, False):
        study = work / f"study-{'live' if live else 'baseline'}"
        result = asyncio.run(press_during_call(study, guide, audio, live, args.every))
        describe("live on " if live else "live off", result)


if __name__ == "__main__":
    main()
