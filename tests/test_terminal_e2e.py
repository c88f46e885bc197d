"""The whole flow in a real terminal (tmux), as a researcher runs it, with real audio and a real model.

A headless Pilot test has ordinary stdio; "Transcribe now" once failed only in a real terminal.
Start → consent → marks → kill -9 → resume (recording goes on in the same file, both channels) →
end → "Transcribe now" completes → the summary shows the transcript.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time

import pytest
import soundfile as sf

from interview_tui.model.transcript import load_transcript
from interview_tui.session.store import load_session

from .audio_helpers import needs_pulse, play

from .speech_fixtures import ENGLISH_INTERVIEW, speak_interview

pytestmark = [pytest.mark.audio, pytest.mark.whisper, needs_pulse,
              pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed: use ./scripts/test.sh")]


class Terminal:
    """One tmux session running the app: type, read the screen, wait for text."""

    def __init__(self, name: str, study_root, width: int = 100, height: int = 30):
        self.name = name
        # A tmux server that is already running gives new sessions its own environment, not
        # ours: the sound server's address is passed on explicitly.
        pulse = " ".join(f"{key}={shlex.quote(value)}" for key, value in os.environ.items()
                         if key == "XDG_RUNTIME_DIR" or key.startswith("PULSE_") and key != "PULSE_SOURCE")
        command = (f"cd {study_root} && {pulse} PULSE_SOURCE=adapter.monitor HF_HUB_OFFLINE=1 "
                   f"exec {sys.executable} -m interview_tui")
        subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), command],
                       check=True)

    def keys(self, *keys: str, pause: float = 0.5) -> None:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True)
            time.sleep(pause)

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True,
                              text=True).stdout

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.3)
        raise AssertionError(f"'{text}' did not appear within {timeout:.0f} s; the screen:\n{self.screen()}")

    def kill_app(self) -> None:
        pid = int(subprocess.run(["tmux", "display-message", "-p", "-t", self.name, "#{pane_pid}"],
                                 capture_output=True, text=True).stdout)
        os.kill(pid, signal.SIGKILL)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def test_interview_crash_resume_and_transcribe_now_in_a_real_terminal(study, tmp_path):
    (study.root / "settings.yaml").write_text("model: tiny.en\nlanguage: en\n")
    first_half = speak_interview(ENGLISH_INTERVIEW[:2], tmp_path / "first", stereo=True)
    second_half = speak_interview(ENGLISH_INTERVIEW[2:4], tmp_path / "second", stereo=True)
    name = f"e2e{os.getpid()}"

    app = Terminal(name, study.root)
    try:
        app.wait_for("Start interview")
        app.keys(*"Kari")
        app.keys("Tab", "Tab", "Enter", "Down", "Enter")  # phone line: channel 2 of the adapter
        app.wait_for("Phone")
        app.keys("C-s")
        app.wait_for("Briefing")
        app.keys("Down", "Down", "Space", "C-n")  # consent, then the guide
        app.wait_for("Still open")
        assert "● REC" in app.screen()
        play(first_half.path, sink="adapter")
        app.keys("c")
        time.sleep(0.5)
        app.kill_app()
    finally:
        app.close()

    session_file = next(study.recordings_dir.glob("*.session.json"))
    crashed = load_session(session_file)
    assert crashed.item_state("1.1") == "covered" and not crashed.ended
    assert crashed.audio_channels == ["interviewer", "informant"] and crashed.audio_setup.line.endswith(":2")

    app = Terminal(name, study.root)
    try:
        app.wait_for("Unfinished interviews")
        app.keys("C-r")
        shown = app.wait_for("● REC")
        assert "NO RECORDING" not in shown and "NOT RECORDING" not in shown
        play(second_half.path, sink="adapter")
        app.keys("Down", "a")
        app.keys("C-e")
        app.wait_for("Go to the debriefing anyway?")  # must-cover questions are still open
        app.keys("y")
        app.wait_for("Debriefing — closing questions")
        app.keys("C-e")
        app.keys("y")
        app.wait_for("Transcribe (t)")
        app.keys("t")
        shown = app.wait_for("✓", timeout=240)
        assert f"{crashed.id}.json" in shown
    finally:
        app.close()

    session = load_session(session_file)
    assert session.ended and session.transcript_file == f"{session.id}.json"
    assert len(session.audio_files) == 1  # the resumed recording went on in the same file
    audio, rate = sf.read(study.recordings_dir / session.audio_files[0], dtype="float32")
    assert audio.shape[1] == 2
    played = sf.info(first_half.path).duration + sf.info(second_half.path).duration
    assert len(audio) / rate >= played - 1.0
    transcript = load_transcript(study.transcripts_dir / session.transcript_file)
    assert {segment.speaker for segment in transcript.segments} == {"Interviewer", "Informant"}
    text = transcript.text.lower()
    assert "clients" in text  # from before the crash
    assert "digital" in text and "office" in text  # from after it, both channels
