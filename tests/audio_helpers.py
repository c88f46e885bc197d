"""Real audio for tests: espeak-ng speech played into PulseAudio null sinks and recorded back."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from .conftest import REPO


def pulse_running() -> bool:
    return shutil.which("pactl") is not None and subprocess.run(
        ["pactl", "info"], capture_output=True).returncode == 0


needs_pulse = pytest.mark.skipif(not pulse_running(),
                                 reason="PulseAudio is not running: use ./scripts/test.sh")


def restart_pulse() -> None:
    subprocess.run([str(REPO / "scripts" / "pulse.sh")], check=True, capture_output=True)


def speak(text: str, path: Path, voice: str = "en", speed: int = 160) -> Path:
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text], check=True)
    return path


def telephone_band(source: Path, target: Path) -> Path:
    """What a phone line does to a voice: 300–3400 Hz at 8 kHz."""
    subprocess.run(["sox", str(source), "-r", "8000", str(target), "sinc", "300-3400"], check=True)
    return target


def stereo(left: Path | None, right: Path | None, target: Path, rate: int = 48000) -> Path:
    """A two-channel file with one voice per side (silence where a side is None)."""
    sides = []
    for part in (left, right):
        if part is None:
            sides.append(None)
        else:
            data, file_rate = sf.read(part, dtype="float32", always_2d=True)
            sides.append(resample(data[:, 0], file_rate, rate))
    length = max(len(s) for s in sides if s is not None)
    out = np.zeros((length, 2), dtype=np.float32)
    for column, side in enumerate(sides):
        if side is not None:
            out[: len(side), column] = side
    sf.write(target, out, rate, subtype="PCM_16")
    return target


def resample(samples: np.ndarray, rate: int, target_rate: int) -> np.ndarray:
    if rate == target_rate:
        return samples.astype(np.float32)
    duration = len(samples) / rate
    new_times = np.arange(int(duration * target_rate)) / target_rate
    return np.interp(new_times, np.arange(len(samples)) / rate, samples).astype(np.float32)


def play(path: Path, sink: str = "phone", wait: bool = True) -> subprocess.Popen:
    proc = subprocess.Popen(["paplay", "-d", sink, str(path)])
    if wait:
        proc.wait(timeout=120)
    return proc


def envelope(samples: np.ndarray, rate: int, hop: float = 0.01) -> np.ndarray:
    step = max(1, int(rate * hop))
    usable = len(samples) // step * step
    frames = samples[:usable].reshape(-1, step)
    return np.sqrt((frames.astype(np.float64) ** 2).mean(axis=1))


def best_lag(reference: np.ndarray, recorded: np.ndarray) -> tuple[int, float]:
    """Lag (in envelope hops) where ``reference`` best matches inside ``recorded``, and the correlation."""
    a = (reference - reference.mean()) / (reference.std() + 1e-12)
    b = (recorded - recorded.mean()) / (recorded.std() + 1e-12)
    corr = np.correlate(b, a, mode="valid") / len(a)
    lag = int(np.argmax(corr))
    return lag, float(corr[lag])


def pulse_env(source: str) -> dict:
    """Environment that makes PortAudio's `pulse`/`default` devices record ``source``."""
    return {**os.environ, "PULSE_SOURCE": source}


def wait_for_position(recorder, seconds: float, timeout: float = 15.0) -> None:
    """Wait until the recorder has written ``seconds`` of audio (a fresh server starts slowly)."""
    import time

    deadline = time.monotonic() + timeout
    while recorder.position < seconds and time.monotonic() < deadline:
        time.sleep(0.05)
    assert recorder.position >= seconds, "the recording did not start"


def wait_for_file_audio(folder: Path, seconds: float = 0.5, timeout: float = 15.0) -> Path:
    """Wait until a recorder in another process has written ``seconds`` of audio into a WAV."""
    import time

    from interview_tui.record.wavfile import read_wav_info

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for wav in Path(folder).glob("*.wav"):
            try:
                if read_wav_info(wav).seconds >= seconds:
                    return wav
            except Exception:
                pass
        time.sleep(0.02)
    raise AssertionError("the recording did not start")
