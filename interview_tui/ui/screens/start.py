"""Start: pick the guide, name the informant, choose the audio, see the line is live — or resume."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from ...errors import UserError
from ...core.interview import discard_false_start
from ...core.last_setup import LastSetup, load_last_setup
from ...session.model import AudioSetup
from ..widgets.level_meter import LevelMeters

NO_RECORDING = "none"
MONO = "mono"
SECOND_CHANNEL = "channel-2"
BROUGHT = "brought:"
"""The earlier-list's id for an interview of no session (its name follows)."""
TO_TRANSCRIBE = "transcribe:"
"""The earlier-list's id for a recording brought in without a session, not transcribed yet."""


def typed_notes(session) -> str:
    """The notes the interviewer typed: "recording started" and other events are the app's own."""
    count = sum(1 for note in session.notes if note.kind == "note")
    return f"{count} note" + ("" if count == 1 else "s")


class StartScreen(Screen):
    BINDINGS = [("ctrl+s", "start", "Start interview"), ("ctrl+r", "resume", "Resume selected"),
                ("delete", "discard", "Discard false start"),
                ("ctrl+o", "overview", "Matrix, answers, .qdpx"),
                ("question_mark", "app.help", "Keys")]
    covered = False
    """Another screen (a review opened from the earlier list) lies over this one."""
    channels: dict[str, int] = {}
    """Each input device's number of channels, by name."""

    def compose(self) -> ComposeResult:
        app = self.app
        yield Header()
        with VerticalScroll(id="start-form"):
            unfinished = app.unfinished()
            if unfinished:
                yield Label("Unfinished interviews — Ctrl+R resumes, Delete discards a false start:",
                            classes="section", id="resume-heading")
                yield OptionList(*[Option(Text(f"{s.id}  {s.pseudonym}  ({s.phase}, {s.counts()['covered']} covered, "
                                               f"{typed_notes(s)})"), id=str(p))
                                   for p, s in unfinished], id="resume-list")
            yield Label("Guide", classes="section")
            guides = app.study.guide_files()
            last = load_last_setup(app.study.root)
            default = next((p for p in guides if p.name == last.guide), None) or app.study.default_guide()
            yield Select([(p.name, str(p)) for p in guides], value=str(default) if default else Select.BLANK,
                         allow_blank=not guides, id="guide")
            yield Label("Informant's pseudonym (never the real name)", classes="section")
            yield Input(value="", placeholder="e.g. Veileder A", id="pseudonym")
            yield Label("Audio", classes="section")
            mic_options, line_options, note = self._device_options()
            self.audio_note = note
            mic_value, line_value = self._remembered(last, mic_options, line_options)
            with Horizontal(classes="row"):
                yield Select(mic_options, value=mic_value, allow_blank=False, id="mic",
                             prompt="Interviewer / microphone")
                yield Select(line_options, value=line_value, allow_blank=False, id="line", prompt="Phone line")
            yield Static(note, id="audio-note")
            yield LevelMeters("(levels appear here)", id="preview-meters")
            with Horizontal(classes="row"):
                yield Button("Start interview (Ctrl+S)", variant="primary", id="start")
                if unfinished:
                    yield Button("Resume selected (Ctrl+R)", id="resume")
            earlier = self._earlier_options()
            if earlier:
                # Coming back the next day: transcribe, review and export from here, not the CLI —
                # also a dictaphone file or a noScribe transcript brought in without a session.
                yield Label("Earlier interviews — Enter opens one to transcribe, review and export:", classes="section")
                yield OptionList(*earlier, id="earlier-list")
        yield Footer()

    def _earlier_options(self) -> list[Option]:
        """The finished sessions, then the interviews brought in without one. Text, not markup: a
        pseudonym such as "[a]" is shown as written."""
        app = self.app
        options = [Option(Text(self._describe(s)), id=str(p)) for p, s in app.finished()]
        for brought in app.brought():
            if brought.transcript is not None:
                label, option_id = f"{brought.name} — brought in without a session: review and export", BROUGHT
            else:
                label, option_id = (f"{brought.name} — a recording brought in ({brought.audio.name}), not transcribed "
                                    "yet: Enter transcribes it", TO_TRANSCRIBE)
            options.append(Option(Text(label), id=f"{option_id}{brought.name}"))
        return options

    def refresh_earlier(self) -> None:
        """The earlier list again: a brought recording transcribed (or its transcription failed)."""
        for listed in self.query("#earlier-list").results(OptionList):
            highlighted = listed.highlighted
            listed.clear_options()
            listed.add_options(self._earlier_options())
            if highlighted is not None and listed.option_count:
                listed.highlighted = min(highlighted, listed.option_count - 1)

    def show_transcribing(self, name: str, fraction: float) -> None:
        """How far a brought recording's transcription is, on its line (the list is not read again)."""
        for listed in self.query("#earlier-list").results(OptionList):
            try:
                listed.replace_option_prompt(f"{TO_TRANSCRIBE}{name}", Text(f"{name} — transcribing… {fraction:.0%}"))
            except OptionDoesNotExist:
                pass  # the list was built before the recording came

    def _device_options(self):
        app = self.app
        try:
            devices = app.input_devices()
        except UserError as exc:
            return [("No recording (notes and marks only)", NO_RECORDING)], [("—", MONO)], \
                f"No audio: {exc}. You can go on without recording."
        if not devices:
            return [("No recording (notes and marks only)", NO_RECORDING)], [("—", MONO)], \
                "No audio input device found. You can go on without recording (notes and marks only)."
        # By name, not index: indices change when devices come and go; names are what the session keeps.
        ordered = sorted(devices, key=lambda d: (not d.is_default, d.pulse_source is not None))
        self.channels = {d.name: d.channels for d in ordered}
        mic = [(f"{d.name} ({d.channels} ch){' – default' if d.is_default else ''}", d.name) for d in ordered]
        mic.append(("No recording (notes and marks only)", NO_RECORDING))
        line = [("— one source: mic near a phone on speaker", MONO),
                ("Channel 2 of the same device (phone recording adapter)", SECOND_CHANNEL)]
        line += [(f"{d.name} (separate device: softphone / loopback)", d.name) for d in ordered]
        return mic, line, "Speak and watch the meters: the phone line must move before you dial."

    @staticmethod
    def _describe(session) -> str:
        when = session.started_at.astimezone().strftime("%d %b %Y %H:%M") if session.started_at else "?"
        if session.transcript_file and session.review.get("total"):
            state = f"{session.review.get('checked', 0)}/{session.review['total']} segments checked"
        else:
            state = "transcribed" if session.transcript_file else (
                "not transcribed yet" if session.audio_files else "no recording")
        if session.setup_check:
            return f"{when}  set-up check ({state})"
        return f"{when}  {session.pseudonym}  ({session.counts()['covered']} covered, {state})"

    @staticmethod
    def _remembered(last: LastSetup, mic_options, line_options) -> tuple[str, str]:
        """The last interview's audio, where those devices are still there. Never "No recording"
        when there is a device: an interview not recorded cannot be had again, so one without a
        recording (consent refused, or no device that day) does not make the next one silent —
        seen in tmux: after a notes-only session the next interview was set to record nothing."""
        mics = [value for _, value in mic_options]
        mic_name = (last.mic or "").rpartition(":")[0] or last.mic
        if mic_name not in mics:
            return mics[0], MONO
        line_name, _, line_channel = (last.line or "").rpartition(":")
        if last.line is None:
            line = MONO
        elif line_name == mic_name and line_channel == "2":
            line = SECOND_CHANNEL
        else:
            line = next((value for _, value in line_options if value == (line_name or last.line)), MONO)
        return mic_name, line

    def on_mount(self) -> None:
        self.query_one("#pseudonym", Input).focus()
        self.restart_preview()
        self.refresh_bindings()  # Delete is offered once the resume list is there

    def on_screen_suspend(self) -> None:
        self.covered = True

    def on_screen_resume(self) -> None:
        """Back from the review of an interview brought in without a session (pushed over this
        screen; the levels preview stopped while it played): the meters run again. Not on the
        first showing, which on_mount starts."""
        if self.covered:
            self.covered = False
            self.restart_preview()

    def no_second_channel(self) -> str:
        """Why the chosen set-up cannot record the phone line, or "": channel 2 of a one-channel
        device was offered and taken, and the call then began with nothing recorded."""
        mic, line = self.query_one("#mic", Select).value, self.query_one("#line", Select).value
        if line == SECOND_CHANNEL and self.channels.get(mic, 2) < 2:
            return (f"{mic} has one channel, so no channel 2 for the phone line: choose \"one source\" (a phone "
                    "on speaker) or the phone line's own device.")
        return ""

    @on(Select.Changed, "#mic")
    @on(Select.Changed, "#line")
    def restart_preview(self) -> None:
        problem = self.no_second_channel()
        if problem:
            self.query_one("#audio-note", Static).update(problem)
            self.app.start_preview(None)  # the meters stop: there is nothing to show on channel 2
            return
        choice = self.audio_choice()
        if choice is not None and self.audio_note.startswith("Speak"):  # what to check depends on the set-up
            self.query_one("#audio-note", Static).update(
                "Speak and watch the meters: the phone line must move before you dial." if choice.line else
                "Speak and watch the meter: with the phone on speaker, its voice must move it too.")
        self.app.start_preview(choice)

    def audio_choice(self) -> AudioSetup | None:
        """The chosen sources, or None for no recording."""
        mic = self.query_one("#mic", Select).value
        line = self.query_one("#line", Select).value
        if mic == NO_RECORDING or mic is Select.BLANK:
            return None
        if line == MONO:
            return AudioSetup(mic=mic)
        if line == SECOND_CHANNEL:
            return AudioSetup(mic=f"{mic}:1", line=f"{mic}:2")
        return AudioSetup(mic=mic, line=line)

    def show_levels(self, levels) -> None:
        # A level may arrive before the screen is composed (a recording just ended): no meter yet.
        for meters in self.query("#preview-meters").results(LevelMeters):
            meters.show_levels(levels)

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        guide = self.query_one("#guide", Select).value
        if guide is Select.BLANK:
            self.notify("Add a guide to guides/ first (copy guides/template.yaml).", severity="error")
            return
        problem = self.no_second_channel()
        if problem:
            self.notify(problem, severity="error")
            return
        pseudonym = self.query_one("#pseudonym", Input).value.strip()
        if not pseudonym:
            self.notify("Give the informant a pseudonym first.", severity="warning")
            self.query_one("#pseudonym", Input).focus()
            return
        self.app.begin_session(str(guide), pseudonym, self.audio_choice())

    @on(Button.Pressed, "#resume")
    def action_resume(self) -> None:
        try:
            chosen = self.query_one("#resume-list", OptionList)
        except Exception:
            self.notify("There is no unfinished interview to resume.")
            return
        if chosen.highlighted is None:
            self.notify("Select the interview to resume first.")
            return
        self.app.resume_session(chosen.get_option_at_index(chosen.highlighted).id, self.audio_choice())

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "discard":  # offered only where there is an unfinished interview to discard
            return bool(self.query("#resume-list"))
        return True

    def action_discard(self) -> None:
        """An unfinished interview that holds nothing (a false start) deleted; one that holds
        anything is refused, with what to do (the core decides)."""
        listed = self.query("#resume-list").results(OptionList)
        chosen = next(listed, None)
        if chosen is None or chosen.highlighted is None:
            self.notify("Select the unfinished interview to discard first.")
            return
        try:
            done = discard_false_start(Path(chosen.get_option_at_index(chosen.highlighted).id))
        except UserError as exc:
            self.notify(str(exc), severity="warning", timeout=15)
            return
        chosen.remove_option_at_index(chosen.highlighted)
        if not chosen.option_count:  # nothing left to resume: the list, its heading and button go
            for widget in (*self.query("#resume-heading"), chosen, *self.query("#resume")):
                widget.remove()
            self.refresh_bindings()
        self.notify(done, timeout=10)

    def action_overview(self) -> None:
        """The matrix and every answer sorted by theme, from the app (it was a terminal command only)."""
        study = self.app.study  # handed to the thread, not looked up from it
        self.notify("Checking every transcribed interview against the guide…", timeout=5)
        self.app.run_worker(partial(self._build_overview, study), thread=True, exclusive=True,
                            group="overview", exit_on_error=False, description="The study overview")

    def _build_overview(self, study) -> None:
        from ...core.study_overview import build_study_overview

        try:
            overview = build_study_overview(study, qdpx=True)
        except UserError as exc:  # nothing transcribed yet, a guide that will not load: said as it is
            self.app.call_from_thread(self.notify, str(exc), severity="warning", timeout=20)
            return
        self.app.call_from_thread(self._overview_written, overview)

    def _overview_written(self, overview) -> None:
        folders: dict = {}
        for path in overview.files:  # the .qdpx goes with the exports, the rest with the transcripts
            folders.setdefault(path.parent, []).append(path.name)
        self.notify("Wrote " + "; ".join(f"{', '.join(names)} in {folder}" for folder, names in folders.items()),
                    timeout=20)
        for note in overview.notes:
            self.notify(note, severity="warning", timeout=20)
        if overview.undecided:
            self.notify(overview.undecided_line(), severity="warning", timeout=30)

    @on(OptionList.OptionSelected, "#resume-list")
    def resume_chosen(self) -> None:
        self.action_resume()

    @on(OptionList.OptionSelected, "#earlier-list")
    def open_earlier(self, event: OptionList.OptionSelected) -> None:
        if event.option.id.startswith(BROUGHT):
            self.app.open_brought(event.option.id.removeprefix(BROUGHT))
        elif event.option.id.startswith(TO_TRANSCRIBE):
            self.app.transcribe_brought(event.option.id.removeprefix(TO_TRANSCRIBE))
        else:
            self.app.open_finished(event.option.id)
