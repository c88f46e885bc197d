"""Which sources to record from: the three setups, remembered by device name so that a resumed
session reopens exactly what it recorded with."""

from __future__ import annotations

import difflib
from pathlib import Path

from ..errors import UserError
from ..record.devices import AudioUnavailable, InputDevice, list_input_devices, resolve_input_device
from ..record.recorder import Source
from ..record.wavfile import WavError, repair_wav
from ..session.model import AudioSetup


def parse_device_spec(spec: str | None) -> tuple[str | None, int | None]:
    """``pulse`` → (pulse, None); ``pulse:2`` → (pulse, 2); ``3:1`` → (3, 1)."""
    if spec is None:
        return None, None
    name, sep, channel = spec.rpartition(":")
    if sep and channel.isdigit() and name:
        return name, int(channel)
    return spec, None


def build_sources(mic: str | None, line: str | None) -> list[Source]:
    """The three setups: one mono source, one stereo adapter (two channels), or two devices."""
    if mic is None and line is None:
        return [Source(resolve_input_device(None), [1], ["mixed"])]
    if mic is None or line is None:
        name, channel = parse_device_spec(mic or line)
        return [Source(resolve_input_device(name), [channel or 1], ["mixed"])]
    mic_name, mic_channel = parse_device_spec(mic)
    line_name, line_channel = parse_device_spec(line)
    mic_device: InputDevice = resolve_input_device(mic_name)
    line_device: InputDevice = resolve_input_device(line_name)
    # Two sound-server sources are two devices although PortAudio reaches both through 'pulse':
    # comparing indices alone refused to resume a softphone call ("phone.monitor:1" and
    # "softphone.monitor:1" named the same channel of one device) and the call went on unrecorded.
    same_device = mic_device.index == line_device.index and mic_device.pulse_source == line_device.pulse_source
    if same_device and (mic_channel or line_channel):
        channels = [mic_channel or 1, line_channel or 2]
        if channels[0] == channels[1]:
            raise UserError(f"--mic and --line both name channel {channels[0]} of '{mic_device.name}' — "
                            "give the two channels of the adapter, e.g. --mic DEV:1 --line DEV:2")
        return [Source(mic_device, channels, ["interviewer", "informant"])]
    return [Source(mic_device, [mic_channel or 1], ["interviewer"]),
            Source(line_device, [line_channel or 1], ["informant"])]


def setup_of(sources: list[Source]) -> AudioSetup:
    """The sources as names (not indices, which change when devices come and go)."""
    first = sources[0]
    if len(sources) == 2:
        return AudioSetup(mic=f"{first.device.name}:{first.channels[0]}",
                          line=f"{sources[1].device.name}:{sources[1].channels[0]}")
    if len(first.channels) == 2:
        return AudioSetup(mic=f"{first.device.name}:{first.channels[0]}",
                          line=f"{first.device.name}:{first.channels[1]}")
    return AudioSetup(mic=f"{first.device.name}:{first.channels[0]}")


class DeviceMissing(AudioUnavailable):
    """A device the session recorded with is not there now."""

    def __init__(self, name: str, closest: str | None):
        self.name, self.closest = name, closest
        hint = (f" — the closest now is '{closest}': plug the device back in and press Ctrl+R, "
                "or choose the closest on the start screen" if closest else
                " — plug it back in and press Ctrl+R, or choose another device on the start screen")
        super().__init__(f"the input device '{name}' this session recorded with is not there{hint}")


def setup_with(setup: AudioSetup, missing: str, replacement: str) -> AudioSetup:
    """The same setup (same channels) with one device exchanged for another."""
    def swap(spec: str | None) -> str | None:
        name, channel = parse_device_spec(spec)
        if name != missing:
            return spec
        return replacement if channel is None else f"{replacement}:{channel}"

    return AudioSetup(mic=swap(setup.mic), line=swap(setup.line))


def reopen_sources(setup: AudioSetup) -> list[Source]:
    """The session's own sources again; a device that is gone is named, with the closest match."""
    present = [device.name for device in list_input_devices()]
    used = {parse_device_spec(spec)[0] for spec in (setup.mic, setup.line) if spec}
    for spec in (setup.mic, setup.line):
        name, _ = parse_device_spec(spec)
        if name is not None and name not in present:
            # Never the session's other source: the lost "softphone2.monitor" is closest by name to
            # the line's "softphone.monitor", and taking it records the informant on both channels.
            closest = difflib.get_close_matches(name, [p for p in present if p not in used], n=1, cutoff=0.0)
            raise DeviceMissing(name, closest[0] if closest else None)
    return build_sources(setup.mic, setup.line)


def repair_unfinished(recordings_dir: Path) -> list[tuple[Path, float]]:
    """Repair every recording a crash left with a stale header; returns (file, seconds) fixed."""
    repaired = []
    for path in sorted(Path(recordings_dir).glob("*.wav")):
        if not path.is_file():
            continue
        try:
            info = repair_wav(path)
        except (WavError, OSError):
            continue  # not one of ours, or not writable: leave it alone
        if info is not None:
            repaired.append((path, info.seconds))
    return repaired


def start_level_preview(setup: AudioSetup, on_event):
    """Meters before the call, no file. No silence warning: nobody speaks before the call."""
    from ..record.recorder import Recorder

    preview = Recorder(build_sources(setup.mic, setup.line), None, on_event=on_event,
                       silence_warning_seconds=float("inf"))
    preview.start()
    return preview
