"""``interview-tui devices | record | repair``: the recorder without the terminal app."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

from ..errors import UserError


def _seconds(text: str) -> float:
    import argparse
    import math

    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds above 0")
    return value


def add_parser(subparsers) -> None:
    devices = subparsers.add_parser("devices", help="list the audio input devices")
    devices.set_defaults(handler=run_devices)

    record = subparsers.add_parser(
        "record", help="record a session without the terminal app (to check a setup, or for tests)",
        description="Record from the system's default input, from one device (a microphone near a "
                    "phone on speaker), from one stereo adapter (--mic DEV:1 --line DEV:2), or from "
                    "two devices (--mic MIC --line LOOPBACK). Ctrl+C stops and keeps the file.")
    record.add_argument("--mic", metavar="DEV[:CH]", help="the interviewer's microphone (device name or index)")
    record.add_argument("--line", metavar="DEV[:CH]", help="the phone line (device name or index)")
    record.add_argument("--seconds", type=_seconds, help="stop after this many seconds")
    record.add_argument("--session", metavar="ID", help="record into this session (resumes it)")
    record.add_argument("--guide", type=Path, help="guide for a new session (default: the study's first)")
    record.add_argument("--pseudonym", help="informant's pseudonym for a new session (without --guide, "
                        "--pseudonym or --live the session is a set-up check, listed apart from the interviews)")
    record.add_argument("--live", action="store_true",
                        help="transcribe during the call and suggest the guide items asked (as the app does)")
    record.add_argument("--live-model", metavar="MODEL",
                        help="the live transcriber's model (default: tiny.en for English guides, else base)")
    record.set_defaults(handler=run_record)

    repair = subparsers.add_parser("repair", help="repair recordings left unfinished by a crash")
    repair.add_argument("files", nargs="*", type=Path, help="WAV files (default: all in recordings/)")
    repair.set_defaults(handler=run_repair)


def run_devices(args) -> int:
    from ..record.devices import list_input_devices

    devices = list_input_devices()
    if not devices:
        print("no audio input devices found — plug in the phone adapter or microphone, and check "
              "that the sound system runs", file=sys.stderr)
        return 1
    print(f"{'':2}{'index':>5}  {'name':<32} {'host API':<12} {'channels':>8} {'rate':>8}")
    for device in devices:
        mark = "* " if device.is_default else "  "
        index = "—" if device.pulse_source else str(device.index)
        print(f"{mark}{index:>5}  {device.name:<32.32} {device.host_api:<12.12} "
              f"{device.channels:>8} {device.default_rate:>8.0f}")
    print("* = default input. Use a name (or an index) with --mic / --line; DEV:2 picks channel 2. "
          "Sound-server sources (monitors, headsets) are chosen by name.")
    return 0


def _open_interview(args, study, settings, on_event):
    from ..core.interview import Interview

    if args.session:
        return Interview.open(study, args.session, settings, on_event=on_event)
    guide_path = args.guide or study.default_guide()
    if guide_path is None:
        raise UserError(f"no guide in {study.guides_dir} — copy guides/template.yaml there, or pass --guide")
    check = not (args.guide or args.pseudonym or args.live)
    return Interview.new(study, guide_path, settings, pseudonym=args.pseudonym or "Informant",
                         on_event=on_event, setup_check=check)


def _start_live(interview, args):
    from ..core.live import LiveStatus, LiveSuggested, LiveTurn
    from ..model.timefmt import hms

    def show(event) -> None:
        if isinstance(event, LiveTurn):
            print(f"[{hms(event.segment.start)}] {event.segment.speaker}: {event.segment.text}", flush=True)
        elif isinstance(event, LiveSuggested):
            s = event.suggestion
            print(f"  ◇ suggested {s.item_id} at {hms(s.call_time)} ({s.role}, score {s.score:.2f})", flush=True)
        elif isinstance(event, LiveStatus):
            print(f"live transcription: {event.state}" + (f" — {event.detail}" if event.detail else ""),
                  file=sys.stderr, flush=True)

    return interview.start_live(show, model=args.live_model)


def _live_summary(interview, live) -> None:
    suggestions = interview.session.suggestions
    print(f"live: {len(live.turns)} turns transcribed, {len(suggestions)} items suggested "
          f"({', '.join(s.item_id for s in suggestions) or 'none'}), {live.skipped_seconds:.0f} s skipped to keep up; "
          f"draft in {live.draft_path}")
    open_items = live.summary()
    if open_items:
        print("must-cover, neither marked covered nor suggested: " + "; ".join(open_items))


def run_record(args) -> int:
    from ..core.audio import build_sources, repair_unfinished
    from ..core.events import SaveFailed
    from ..record.events import LevelEvent, RecorderStopped, RecorderWarning
    from ..session.model import AudioSetup
    from ..session.roles import speaker_label
    from ..settings import load_settings
    from ..study import Study

    study = Study.at(args.project).ensure()
    settings = load_settings(study.root)
    interactive = sys.stderr.isatty()
    done = threading.Event()
    loudest: dict[str, float] = {}  # per channel: was anything heard at all?

    def show(event) -> None:
        if isinstance(event, LevelEvent):
            for level in event.levels:
                loudest[level.role] = max(loudest.get(level.role, -200.0), level.rms_db)
        if isinstance(event, RecorderStopped):
            done.set()
        elif isinstance(event, SaveFailed) and event.message:
            print(f"\nwarning: {event.message}", file=sys.stderr)
        elif isinstance(event, RecorderWarning):
            print(f"\nwarning: {event.message}", file=sys.stderr)
        elif isinstance(event, LevelEvent) and interactive:
            meters = "  ".join(f"{speaker_label(lvl.role)}: {lvl.rms_db:6.1f} dBFS" for lvl in event.levels)
            print(f"\r{event.position:7.1f} s  {meters}", end="", file=sys.stderr)

    for path, seconds in repair_unfinished(study.recordings_dir):
        print(f"repaired {path} ({seconds:.1f} s) left unfinished by a crash", file=sys.stderr)
    mic, line = args.mic or settings.mic_device, args.line or settings.line_device
    chosen = AudioSetup(mic=mic, line=line)
    build_sources(chosen.mic, chosen.line)  # a wrong device is named before any session is made
    interview = _open_interview(args, study, settings, show)
    try:
        if args.session and not (args.mic or args.line) and interview.session.audio_setup is not None:
            recorder = interview.resume_recording(None, max_seconds=args.seconds)  # its own devices
        else:
            recorder = interview.start_recording(chosen, max_seconds=args.seconds)
    except UserError:
        if not args.session:
            interview.discard()
        raise
    roles = " + ".join(speaker_label(role) for role in recorder.roles)
    print(f"recording session {interview.session.id} ({roles}, {recorder.rate} Hz) into {recorder.path} "
          "— Ctrl+C stops", file=sys.stderr)
    live = _start_live(interview, args) if args.live else None
    previous = signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        while not done.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    if live is not None:
        interview.live = None  # this command waits for the last words itself, below
    result = interview.stop_recording() or recorder.result
    if live is not None:
        live.stop()
        _live_summary(interview, live)
    if not args.session and result.reason in ("stopped", "seconds_reached"):
        interview.end()  # a setup check is finished; an interrupted one stays resumable
    interview.close()
    if interactive:
        print(file=sys.stderr)
    print(f"{result.path}: {result.seconds:.1f} s, {result.overflows} overflows, stopped: {result.reason}"
          + (f" — {result.message}" if result.message else ""))
    _say_what_was_heard(loudest, recorder)
    print(f"session {interview.session.id}: {interview.store.path}"
          + (" (a set-up check, listed apart from the interviews; record a call with --pseudonym)"
             if interview.session.setup_check else ""))
    return 0 if result.reason in ("stopped", "seconds_reached") else 1


def _say_what_was_heard(loudest: dict[str, float], recorder) -> None:
    """A set-up check that recorded silence must say so: its meters scroll past, and a muted
    microphone or an adapter cable in the wrong socket read "-120.0 dBFS" and "stopped" as if all
    were well (the silence warning waits longer than a check lasts)."""
    from ..record.levels import SILENCE_RMS_DB
    from ..session.roles import speaker_label

    heard = []
    for role in recorder.roles:
        level = loudest.get(role)
        if level is None:
            continue
        heard.append(f"{speaker_label(role)} {'silent' if level < SILENCE_RMS_DB else f'up to {level:.0f} dBFS'}")
    if heard:
        print("heard: " + ", ".join(heard))
    silent = [speaker_label(role) for role in recorder.roles if loudest.get(role, 0.0) < SILENCE_RMS_DB]
    if silent:
        print(f"warning: nothing was heard on {' and '.join(silent)} (below {SILENCE_RMS_DB:.0f} dBFS the whole "
              "time) — speak, or play sound on the phone line, while it records; if it stays silent, check "
              "the device (`interview-tui devices`), its volume and mute, and the adapter's cable", file=sys.stderr)


def run_repair(args) -> int:
    from ..core.audio import repair_unfinished
    from ..record.wavfile import WavError, repair_wav, unfinished_by_us
    from ..study import Study

    repaired, untouched = [], []
    if not args.files:
        repaired = repair_unfinished(Study.at(args.project).require().recordings_dir)
    for path in args.files:
        if path.is_dir():
            repaired += repair_unfinished(path)
        elif not path.is_file():
            raise UserError(f"{path}: no such recording")
        elif not unfinished_by_us(path):
            untouched.append(path)
        else:
            try:
                info = repair_wav(path)
            except WavError as exc:
                raise UserError(str(exc))
            if info is not None:
                repaired.append((path, info.seconds))
    for path, seconds in repaired:
        print(f"repaired {path}: {seconds:.1f} s of audio")
    for path in untouched:
        print(f"{path}: not a recording interview-tui left unfinished (or one still being recorded) — left as it is")
    if not repaired and not untouched:
        print("nothing to repair: every recording was closed properly")
    return 0
