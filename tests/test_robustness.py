"""Bad inputs and faults: nothing may leak, be lost, or end in a traceback (the robustness issue).

Each case is one a probe of the landed build found failing. Property-based cases use hypothesis;
the bounded campaign here runs in CI, ``benchmarks/robustness.py`` runs the long one and prints a
table of fault class → tries → failures.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile as sf

from interview_tui.core.interview import Interview
from interview_tui.errors import UserError
from interview_tui.guide.loader import load_guide
from interview_tui.session.lock import SessionLocked
from interview_tui.session.store import SessionStore, load_session
from interview_tui.settings import Settings

from .audio_helpers import needs_pulse, wait_for_file_audio
from .conftest import REPO, SEED_GUIDE_NB, run_cli


def cli(study, *args, timeout=120):
    return run_cli("--project", str(study.root), *args, timeout=timeout)


# --- one writer per session ------------------------------------------------------------------
def test_a_second_writer_is_refused_and_a_dead_ones_lock_is_taken_over(study):
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym="A")
    store.close()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from interview_tui.core.interview import Interview; "
        "from interview_tui.study import Study; from interview_tui.settings import Settings; "
        f"i = Interview.open(Study.at({str(study.root)!r}), {store.session.id!r}, Settings()); "
        "i.mark('1.1', 'covered'); print('held', flush=True); time.sleep(60)")],
        cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(SessionLocked, match=rf"open in another interview-tui \(process {holder.pid}\)"):
            Interview.open(study, store.session.id, Settings())
        refused = cli(study, "record", "--session", store.session.id, "--seconds", "1")
        assert refused.returncode == 1 and "open in another interview-tui" in refused.stderr
        assert "Traceback" not in refused.stderr
        holder.send_signal(signal.SIGKILL)  # a crash: the lock's holder never closes it
        holder.wait()
        taken = Interview.open(study, store.session.id, Settings())
        assert f"took over {store.path.name} from process {holder.pid}" in taken.takeover_note
        assert taken.session.item_state("1.1") == "covered"  # what the dead writer saved is there
        taken.close()
    finally:
        holder.kill()


@pytest.mark.audio
@needs_pulse
def test_two_record_commands_on_one_session_lose_nothing(study):
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB), pseudonym="A")
    store.close()
    first = subprocess.Popen([sys.executable, "-m", "interview_tui", "--project", str(study.root), "record",
                              "--session", store.session.id, "--seconds", "4"], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_file_audio(study.recordings_dir, 0.5)
    second = cli(study, "record", "--session", store.session.id, "--seconds", "2")
    assert second.returncode == 1 and "open in another interview-tui" in second.stderr
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    audio, rate = sf.read(study.recordings_dir / f"{store.session.id}.wav")
    assert len(audio) / rate == pytest.approx(4.0, abs=0.1)
