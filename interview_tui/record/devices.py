"""Finding audio input devices, with messages that say how to fix what is missing."""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass

from ..errors import UserError
from .alsa_messages import keep_alsa_messages


class AudioUnavailable(UserError):
    pass


PORTAUDIO_LOCK = threading.RLock()
"""PortAudio's device calls are not thread-safe: a level preview opening a device while a resumed
session listed the devices once found the session's own device missing. Every query, open and
close goes through this lock (the audio callbacks do not: they never call PortAudio)."""


def sounddevice_module():
    """Import sounddevice, turning a missing PortAudio into advice instead of a traceback."""
    keep_alsa_messages()  # before PortAudio starts: its search for devices is the noisiest part
    try:
        import sounddevice
    except OSError as exc:
        raise AudioUnavailable(
            f"the PortAudio library is missing ({exc}) — install it: Debian/Ubuntu "
            "`sudo apt install libportaudio2`, Fedora `sudo dnf install portaudio`; "
            "on macOS and Windows it comes with the sounddevice package")
    return sounddevice


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    host_api: str
    channels: int
    default_rate: float
    is_default: bool
    pulse_source: str | None = None
    """A PulseAudio/PipeWire source (a monitor, a headset) reached through PortAudio's 'pulse'
    device: PortAudio lists only 'pulse' and 'default', so the sources come from the sound server."""


def pulse_sources() -> list[tuple[str, int, int]]:
    """(name, channels, rate) of each source the sound server has, or [] without one."""
    import shutil
    import subprocess

    if shutil.which("pactl") is None:
        return []
    try:
        listed = subprocess.run(["pactl", "list", "short", "sources"], capture_output=True, text=True, timeout=3)
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in listed.stdout.splitlines():
        fields = line.split("\t")
        if len(fields) >= 4:
            spec = fields[3].split()
            channels = next((int(p[:-2]) for p in spec if p.endswith("ch") and p[:-2].isdigit()), 2)
            rate = next((int(p[:-2]) for p in spec if p.endswith("Hz") and p[:-2].isdigit()), 48000)
            found.append((fields[1], channels, rate))
    return found


@contextlib.contextmanager
def pulse_source_selected(source: str | None):
    """Open a stream on one sound-server source: libpulse reads PULSE_SOURCE when the stream
    connects, so it is set around the opening only (two sources, two openings)."""
    if source is None:
        yield
        return
    before = os.environ.get("PULSE_SOURCE")
    os.environ["PULSE_SOURCE"] = source
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PULSE_SOURCE", None)
        else:
            os.environ["PULSE_SOURCE"] = before


def list_input_devices() -> list[InputDevice]:
    sd = sounddevice_module()
    try:
        with PORTAUDIO_LOCK:
            devices = sd.query_devices()
            host_apis = sd.query_hostapis()
            default_input = sd.default.device[0]
    except sd.PortAudioError as exc:
        raise AudioUnavailable(f"cannot list audio devices ({exc}) — is the sound system running?")
    found = []
    for index, device in enumerate(devices):
        if device["max_input_channels"] > 0:
            found.append(InputDevice(index=index, name=device["name"],
                                     host_api=host_apis[device["hostapi"]]["name"],
                                     channels=device["max_input_channels"],
                                     default_rate=device["default_samplerate"],
                                     is_default=index == default_input))
    pulse = next((d for d in found if d.name == "pulse"), None)
    if pulse is not None:
        for name, channels, rate in pulse_sources():
            found.append(InputDevice(index=pulse.index, name=name, host_api="sound server source",
                                     channels=channels, default_rate=rate, is_default=False, pulse_source=name))
    return found


def resolve_input_device(spec: str | int | None) -> InputDevice:
    """A device given by index, exact name or unique part of its name; None = system default."""
    devices = list_input_devices()
    if not devices:
        raise AudioUnavailable("no audio input device found — plug in the phone adapter or "
                               "microphone, or check that the sound system (PulseAudio/PipeWire) runs; "
                               "`interview-tui devices` lists what is there")
    if spec is None or spec == "":
        default = next((d for d in devices if d.is_default), None)
        return default or devices[0]
    text = str(spec).strip()
    if text.isdigit():
        match = [d for d in devices if d.index == int(text) and d.pulse_source is None]
    else:
        match = [d for d in devices if d.name == text] or \
                [d for d in devices if text.lower() in d.name.lower()]
    if len(match) == 1:
        return match[0]
    names = ", ".join(f"{d.index}: {d.name}" for d in devices)
    if not match:
        raise AudioUnavailable(f"input device '{text}' not found — choose one of: {names}")
    raise AudioUnavailable(f"input device '{text}' matches several ({', '.join(d.name for d in match)}) "
                           "— give its index from `interview-tui devices`")


def supported_rate(device: InputDevice, channels: int, preferred: tuple[int, ...] = ()) -> int:
    """The first rate the device accepts, trying its default first."""
    sd = sounddevice_module()
    candidates = list(preferred) + [int(device.default_rate), 48000, 44100, 32000, 16000, 8000]
    for rate in dict.fromkeys(candidates):
        try:
            with PORTAUDIO_LOCK:
                sd.check_input_settings(device=device.index, channels=channels, samplerate=rate, dtype="float32")
            return rate
        except Exception:
            continue
    raise AudioUnavailable(f"input device '{device.name}' accepts none of the usual sample rates "
                           f"with {channels} channel(s) — pick another device")
