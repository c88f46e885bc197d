"""Recording an interview session: file naming, resume after a crash, markers in the session."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import UserError
from ..session.store import SessionStore
from .devices import InputDevice, resolve_input_device
from .events import RecorderEvent, RecorderStopped
from .recorder import Recorder, Source
from .wavfile import WavError, read_wav_info, repair_wav

MIXED_ROLE = "Mixed"


def parse_device_spec(spec: str | None) -> tuple[str | None, int | None]:
    """``pulse`` → (pulse, None); ``pulse:2`` → (pulse, 2); ``3:1`` → (3, 1)."""
    if spec is None:
        return None, None
    name, sep, channel = spec.rpartition(":")
    if sep and channel.isdigit() and name:
        return name, int(channel)
    return spec, None


def build_sources(mic: str | None, line: str | None, *, interviewer: str = "Interviewer",
                  informant: str = "Informant") -> list[Source]:
    """The three setups: one mono source, one stereo adapter (two channels), or two devices."""
    if mic is None and line is None:
        return [Source(resolve_input_device(None), [1], [MIXED_ROLE])]
    if mic is None or line is None:
        name, channel = parse_device_spec(mic or line)
        return [Source(resolve_input_device(name), [channel or 1], [MIXED_ROLE])]
    mic_name, mic_channel = parse_device_spec(mic)
    line_name, line_channel = parse_device_spec(line)
    mic_device: InputDevice = resolve_input_device(mic_name)
    line_device: InputDevice = resolve_input_device(line_name)
    if mic_device.index == line_device.index and (mic_channel or line_channel):
        channels = [mic_channel or 1, line_channel or 2]
        if channels[0] == channels[1]:
            raise UserError(f"--mic and --line both name channel {channels[0]} of '{mic_device.name}' — "
                            "give the two channels of the adapter, e.g. --mic DEV:1 --line DEV:2")
        return [Source(mic_device, channels, [interviewer, informant])]
    return [Source(mic_device, [mic_channel or 1], [interviewer]),
            Source(line_device, [line_channel or 1], [informant])]


def recording_path(store: SessionStore) -> Path:
    return store.folder / f"{store.session.id}.wav"


def repair_unfinished(recordings_dir: Path) -> list[tuple[Path, float]]:
    """Repair every recording a crash left with a stale header; returns (file, seconds) fixed."""
    repaired = []
    for path in sorted(Path(recordings_dir).glob("*.wav")):
        try:
            info = repair_wav(path)
        except WavError:
            continue  # not one of ours: leave it alone
        if info is not None:
            repaired.append((path, info.seconds))
    return repaired


def start_session_recording(store: SessionStore, sources: list[Source], *,
                            on_event: Callable[[RecorderEvent], None] | None = None,
                            max_seconds: float | None = None,
                            silence_warning_seconds: float = 20.0) -> Recorder:
    """Start (or, after a crash or a lost device, continue) the session's recording."""
    path = recording_path(store)
    append = path.exists()
    rate = None
    if append:
        repair_wav(path)
        info = read_wav_info(path)
        if info.channels != sum(len(s.channels) for s in sources):
            raise UserError(f"{path}: recorded with {info.channels} channel(s); choose the same "
                            "setup to continue this session, or start a new session")
        rate = info.rate
        offset_limit = None if max_seconds is None else info.seconds + max_seconds
    else:
        offset_limit = max_seconds

    recorder = Recorder(sources, path, rate=rate, append=append, on_event=on_event,
                        max_seconds=offset_limit, silence_warning_seconds=silence_warning_seconds)
    recorder.start()
    store.start_clock()
    store.add_audio_file(path.name, recorder.roles)
    store.clock = lambda: recorder.position
    store.add_note("recording resumed" if append else "recording started", kind="event")
    return recorder


def pause_recording(store: SessionStore, recorder: Recorder) -> None:
    recorder.pause()
    store.add_note("recording paused", kind="pause")


def resume_recording(store: SessionStore, recorder: Recorder) -> None:
    recorder.resume()
    store.add_note("recording resumed", kind="resume")


def stop_session_recording(store: SessionStore, recorder: Recorder) -> RecorderStopped:
    result = recorder.stop()
    store.add_note(f"recording stopped ({result.reason}, {result.seconds:.1f} s, "
                   f"{result.overflows} overflows)", kind="event")
    store.clock = None
    return result
