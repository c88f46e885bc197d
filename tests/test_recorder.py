"""The recorder against a real audio server (PulseAudio null sinks), with real speech."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile as sf

from interview_tui.guide.loader import load_guide
from interview_tui.record.devices import AudioUnavailable, resolve_input_device
from interview_tui.record.events import RecorderWarning
from interview_tui.record.recorder import Recorder
from interview_tui.core.audio import build_sources
from interview_tui.core.interview import Interview
from interview_tui.session.model import AudioSetup
from interview_tui.settings import Settings
from interview_tui.record.wavfile import read_wav_info
from interview_tui.session.store import SessionStore, load_session

from .audio_helpers import (best_lag, envelope, needs_pulse, play, pulse_env, restart_pulse, speak,
                            stereo, telephone_band, wait_for_file_audio, wait_for_position)
from .conftest import REPO, SEED_GUIDE_NB

pytestmark = [needs_pulse, pytest.mark.audio]

INTERVIEWER = "Can you tell me how you get in contact with your clients?"
INFORMANT = "Mostly by phone, and sometimes through the chat in the activity plan."


def record_cli(study, *args, env=None, seconds=None):
    cmd = [sys.executable, "-m", "interview_tui", "--project", str(study.root), "record", *args]
    if seconds is not None:
        cmd += ["--seconds", str(seconds)]
    return subprocess.Popen(cmd, cwd=REPO, env=env or os.environ.copy(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def only_session(study):
    sessions = list(study.recordings_dir.glob("*.session.json"))
    assert len(sessions) == 1
    return load_session(sessions[0])


def test_a_silent_set_up_check_says_nothing_was_heard(study):
    """The check's meters scroll past; a muted microphone read "-120.0 dBFS … stopped:
    seconds_reached" as if all were well."""
    proc = record_cli(study, seconds=3)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "heard: Speaker silent" in out
    assert "warning: nothing was heard on Speaker" in err and "check the device" in err


def test_mono_recording_has_the_speech_and_the_right_length(study, tmp_path):
    speech = speak(INTERVIEWER, tmp_path / "speech.wav")
    proc = record_cli(study, seconds=8)
    wait_for_file_audio(study.recordings_dir, 1.0)
    play(speech)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    session = only_session(study)
    assert session.setup_check and "a set-up check, listed apart from the interviews" in out
    assert "heard: Speaker up to" in out and "nothing was heard" not in err
    wav = study.recordings_dir / session.audio_files[0]
    assert stat.S_IMODE(wav.stat().st_mode) == 0o600
    data, rate = sf.read(wav, dtype="float32")
    assert abs(len(data) / rate - 8.0) <= 0.08  # within 1 %
    played, played_rate = sf.read(speech, dtype="float32")
    lag, corr = best_lag(envelope(played, played_rate), envelope(data, rate))
    assert corr > 0.8, f"the played speech is not in the recording (correlation {corr:.2f})"
    assert 0.9 <= lag * 0.01 <= 4.0
    assert session.audio_channels == ["mixed"]
    assert session.audio_setup is not None and session.audio_setup.line is None
    assert [n.kind for n in session.notes][:1] == ["event"]


def test_stereo_adapter_keeps_interviewer_and_informant_apart(study, tmp_path):
    left = speak(INTERVIEWER, tmp_path / "q.wav")
    right = telephone_band(speak(INFORMANT, tmp_path / "a.wav", voice="en-us"), tmp_path / "a8k.wav")
    call = tmp_path / "call.wav"
    # interviewer on the left first, then the informant on the right
    q, rate = sf.read(stereo(left, None, tmp_path / "l.wav"), dtype="float32")
    a, _ = sf.read(stereo(None, right, tmp_path / "r.wav"), dtype="float32")
    sf.write(call, np.concatenate([q, np.zeros((rate // 2, 2), np.float32), a]), rate)
    proc = record_cli(study, "--mic", "pulse:1", "--line", "pulse:2",
                      env=pulse_env("adapter.monitor"), seconds=len(q) / rate + len(a) / rate + 4)
    wait_for_file_audio(study.recordings_dir, 0.5)
    play(call, sink="adapter")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    session = only_session(study)
    assert session.audio_channels == ["interviewer", "informant"]
    data, rec_rate = sf.read(study.recordings_dir / session.audio_files[0], dtype="float32")
    assert data.shape[1] == 2
    energy = (data ** 2).sum(axis=0)
    assert energy[0] > 0 and energy[1] > 0
    lag_q, corr_q = best_lag(envelope(q[:, 0], rate), envelope(data[:, 0], rec_rate))
    lag_a, corr_a = best_lag(envelope(a[:, 1], rate), envelope(data[:, 1], rec_rate))
    assert corr_q > 0.8 and corr_a > 0.8
    assert lag_a > lag_q  # the informant answered after the question
    # while the interviewer speaks, the informant's channel is silent (no crosstalk)
    start, end = int(lag_q * 0.01 * rec_rate), int((lag_q * 0.01 + len(q) / rate) * rec_rate)
    assert np.abs(data[start:end, 1]).max() < 0.01


def test_two_devices_stay_aligned(study, tmp_path):
    clicks = np.zeros(48000 * 6, dtype=np.float32)
    for second in (0.5, 1.7, 3.1, 4.4, 5.5):
        at = int(second * 48000)
        clicks[at: at + 480] = 0.8 * np.sin(np.arange(480) * 2 * np.pi * 1000 / 48000)
    path = tmp_path / "clicks.wav"
    sf.write(path, clicks, 48000)
    proc = record_cli(study, "--mic", "pulse", "--line", "default", seconds=10)
    wait_for_file_audio(study.recordings_dir, 0.5)
    play(path)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    session = only_session(study)
    assert session.audio_channels == ["interviewer", "informant"]
    data, rate = sf.read(study.recordings_dir / session.audio_files[0], dtype="float32")
    onsets = []
    for column in range(2):
        loud = np.flatnonzero(np.abs(data[:, column]) > 0.3)
        starts = loud[np.insert(np.diff(loud) > rate // 10, 0, True)]
        onsets.append(starts / rate)
    assert len(onsets[0]) == len(onsets[1]) == 5
    assert np.abs(onsets[0] - onsets[1]).max() <= 0.020


def test_kill_minus_9_loses_at_most_a_second_and_repair_recovers(study):
    proc = record_cli(study)
    wav = None
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        found = list(study.recordings_dir.glob("*.wav"))
        if found and found[0].stat().st_size > 44:
            wav = found[0]
            first_data = time.monotonic()
            break
        time.sleep(0.01)
    assert wav is not None, "recording never started"
    time.sleep(4.3)
    killed_at = time.monotonic()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    recorded_for = killed_at - first_data
    info = read_wav_info(wav)
    header_seconds = info.header_data_bytes / (info.channels * 2 * info.rate)
    # ordinary tools read what the header says, even before the repair
    data, rate = sf.read(wav, dtype="float32")
    assert len(data) / rate == pytest.approx(header_seconds, abs=0.01)
    assert recorded_for - header_seconds <= 1.0
    sox = subprocess.run(["soxi", "-D", str(wav)], capture_output=True, text=True)
    assert sox.returncode == 0 and float(sox.stdout) > 3.0
    repaired = subprocess.run([sys.executable, "-m", "interview_tui", "--project", str(study.root),
                               "repair"], cwd=REPO, capture_output=True, text=True)
    assert repaired.returncode == 0
    after = read_wav_info(wav)
    assert not after.needs_repair
    assert recorded_for - after.seconds <= 1.0
    assert after.seconds >= header_seconds


def test_resume_appends_to_the_same_recording(study, tmp_path):
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB))
    first = Interview(study, store, Settings())
    first.start_recording(AudioSetup(), max_seconds=2).wait(20)
    first.stop_recording()
    interview = Interview.open(study, store.session.id, Settings())  # as after a restart
    second = interview.resume_recording(None, max_seconds=2)  # the session's own devices
    second.wait(20)
    result = second.result
    interview.stop_recording()
    assert result.seconds == pytest.approx(4.0, abs=0.1)
    session = load_session(store.path)
    assert len(session.audio_files) == 1
    assert [n.text for n in session.notes if n.kind == "event"][:3] == [
        "recording started", session.notes[1].text, "recording resumed"]
    resumed_note = [n for n in session.notes if n.text == "recording resumed"][0]
    assert resumed_note.call_time == pytest.approx(2.0, abs=0.15)


def test_pause_resume_markers_and_the_paused_audio_is_not_kept(study):
    store = SessionStore.create(study.recordings_dir, load_guide(SEED_GUIDE_NB))
    interview = Interview(study, store, Settings())
    recorder = interview.start_recording(AudioSetup())
    wait_for_position(recorder, 2.0)
    assert interview.toggle_pause() == "paused"
    time.sleep(1.5)
    assert interview.toggle_pause() == "rec"
    time.sleep(1.0)
    interview.note("a marker")
    result = interview.stop_recording()
    session = load_session(store.path)
    kinds = [n.kind for n in session.notes]
    assert "pause" in kinds and "resume" in kinds
    pause = next(n for n in session.notes if n.kind == "pause")
    resume = next(n for n in session.notes if n.kind == "resume")
    assert resume.call_time - pause.call_time < 0.3  # call time is audio time: the pause left no gap
    assert result.seconds < 4.5


def test_live_tap_that_nobody_reads_never_slows_the_writer(study, tmp_path):
    recorder = Recorder(build_sources(None, None), tmp_path / "tap.wav", max_seconds=3)
    tap = recorder.tap(max_blocks=2)
    recorder.start()
    recorder.wait(20)
    result = recorder.result
    assert result.reason == "seconds_reached" and result.overflows == 0
    assert recorder.tap_drops > 0 and tap.qsize() == 2
    assert read_wav_info(tmp_path / "tap.wav").seconds == pytest.approx(3.0, abs=0.05)


def test_clipping_and_silence_warnings(tmp_path):
    loud = tmp_path / "loud.wav"
    t = np.arange(48000 * 2) / 48000
    sf.write(loud, np.clip(3 * np.sin(2 * np.pi * 440 * t), -1, 1).astype(np.float32), 48000)
    events = []
    recorder = Recorder(build_sources(None, None), tmp_path / "w.wav", on_event=events.append,
                        silence_warning_seconds=1.0, max_seconds=6)
    recorder.start()
    wait_for_position(recorder, 2.0)  # silence first
    play(loud)
    recorder.wait(20)
    kinds = [e.kind for e in events if isinstance(e, RecorderWarning)]
    assert "silence" in kinds and "clipping" in kinds and "sound_back" in kinds


def test_bad_devices_give_clear_messages(study):
    with pytest.raises(AudioUnavailable, match="input device 'no-such-device' not found — choose one of"):
        resolve_input_device("no-such-device")
    with pytest.raises(AudioUnavailable, match="has 32 channel\\(s\\); channel 40 does not exist"):
        build_sources("pulse:40", None)
    result = subprocess.run([sys.executable, "-m", "interview_tui", "--project", str(study.root),
                             "record", "--mic", "no-such-device", "--seconds", "1"],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "input device 'no-such-device' not found" in result.stderr
    assert not list(study.recordings_dir.glob("*.session.json"))  # nothing half-made
    devices = subprocess.run([sys.executable, "-m", "interview_tui", "devices"], cwd=REPO,
                             capture_output=True, text=True)
    assert devices.returncode == 0 and "pulse" in devices.stdout and "*" in devices.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root (CI runs as root)")
def test_disk_filling_up_stops_cleanly_with_the_file_intact(tmp_path):
    mount = tmp_path / "small-disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24M", "tmpfs", str(mount)], check=True)
    try:
        events = []
        recorder = Recorder(build_sources(None, None), mount / "r.wav", rate=16000, on_event=events.append,
                            disk_reserve_bytes=8 * 2**20, min_free_seconds=60)
        with pytest.raises(AudioUnavailable, match="MB free on the disk"):
            Recorder(build_sources(None, None), mount / "x.wav", disk_reserve_bytes=30 * 2**20).check_disk()
        recorder.start()
        time.sleep(1.5)
        (mount / "filler").write_bytes(b"\0" * (17 * 2**20))
        assert recorder.wait(15), "the recorder did not stop when the disk filled up"
        assert recorder.result.reason == "disk_full"
        info = read_wav_info(mount / "r.wav")
        assert not info.needs_repair and info.seconds > 1.0
        sf.read(mount / "r.wav")
    finally:
        subprocess.run(["umount", "-l", str(mount)])


def test_a_vanishing_device_keeps_what_was_recorded(tmp_path):
    events = []
    recorder = Recorder(build_sources(None, None), tmp_path / "v.wav", on_event=events.append)
    recorder.start()
    wait_for_position(recorder, 1.5)
    try:
        subprocess.run(["pulseaudio", "-k"], check=True)
        assert recorder.wait(15), "the recorder did not notice the device was gone"
    finally:
        restart_pulse()
    assert recorder.result.reason == "device_lost"
    assert "stopped delivering audio" in recorder.result.message
    info = read_wav_info(tmp_path / "v.wav")
    assert not info.needs_repair and info.seconds >= 1.0


def test_two_sound_server_sources_are_recorded_each_on_its_channel(study, tmp_path):
    """PortAudio shows only 'pulse' and 'default'; the sound server's own sources (a monitor, a
    headset) are listed and recorded, two at once, each stream from its own source."""
    rate = 48000
    t = np.arange(rate * 2) / rate
    sf.write(tmp_path / "a.wav", 0.5 * np.sin(2 * np.pi * 440 * t), rate)
    sf.write(tmp_path / "b.wav", 0.5 * np.sin(2 * np.pi * 1000 * t), rate)
    listed = subprocess.run([sys.executable, "-m", "interview_tui", "devices"], cwd=REPO, capture_output=True, text=True)
    assert "phone.monitor" in listed.stdout and "softphone.monitor" in listed.stdout
    proc = record_cli(study, "--mic", "phone.monitor", "--line", "softphone.monitor", seconds=5)
    wait_for_file_audio(study.recordings_dir, 0.5)
    players = [play(tmp_path / "a.wav", sink="phone", wait=False), play(tmp_path / "b.wav", sink="softphone", wait=False)]
    for player in players:
        player.wait(timeout=20)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    session = only_session(study)
    assert session.audio_setup.mic == "phone.monitor:1" and session.audio_setup.line == "softphone.monitor:1"
    data, rec_rate = sf.read(study.recordings_dir / session.audio_files[0], dtype="float32")

    def strength(x, frequency):
        phase = 2 * np.pi * frequency * np.arange(len(x)) / rec_rate
        return abs(np.dot(x, np.exp(-1j * phase))) / len(x)

    assert strength(data[:, 0], 440) > 20 * strength(data[:, 0], 1000)
    assert strength(data[:, 1], 1000) > 20 * strength(data[:, 1], 440)
