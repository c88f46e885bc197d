"""Live coverage during the call: the recorder's tap → utterances → a Whisper process → the guide.

The recorder has priority. This reads the recorder's tap (which drops blocks rather than wait),
cuts each channel into utterances, and hands them to a transcriber in a process of its own. When
the transcriber falls behind by more than ``MAX_LAG`` seconds it skips to live audio — the
informant's channel first, since the interviewer's questions matter most — and says so. Text
comes back per utterance, final when shown (no flicker); utterances are joined into whole turns
(``live_turns``) and each turn is scored against the guide by the semantic tracker at the live
operating point (precision first). On one channel, who speaks comes from the telephone band
(``band_roles``). A suggestion reaches the
session through the interview core, its one writer. The live draft is appended, line by line,
to ``<session>.live.jsonl`` beside the session, so a crash keeps it.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import Callable

from ..coverage.embeddings import load_text_embedder, unavailable_reason
from ..coverage.matcher import CoverageMatcher
from ..coverage.semantic import LIVE, CoverageTracker, Suggestion
from ..fileio import open_private_append
from .live_turns import TurnAssembler
from ..model.transcript import Segment
from ..session.model import LiveSuggestion
from ..session.roles import speaker_label
from ..transcribe.band_roles import BandRoles
from ..transcribe.live_worker import send
from ..transcribe.utterances import To16k, UtteranceCutter

ONE_CHANNEL_UNTOLD = "one channel: questions and answers not told apart (no telephone band heard yet)"
ONE_CHANNEL_TOLD = "one channel: speakers told apart by the telephone band"
SPEAKERS = ["interviewer", "informant", "mixed"]
"""On one channel, the turn keys: who the telephone band says is speaking."""
MAX_LAG = 6.0
"""Seconds behind live audio after which utterances are skipped."""
QUEUE_LIMIT = 4
KEYWORD_SCORE = 0.75
"""A question found by its words alone must carry most of them to be suggested live."""


@dataclass(frozen=True)
class LiveStatus:
    state: str
    """"starting", "on", "catching up", "off"."""
    detail: str = ""
    lag: float = 0.0


@dataclass(frozen=True)
class LiveTurn:
    segment: Segment


@dataclass(frozen=True)
class LiveSuggested:
    index: int
    suggestion: LiveSuggestion


def suggest_live(tracker: CoverageTracker, keywords: CoverageMatcher, segment: Segment, index: int, *,
                 asking: bool) -> list[Suggestion]:
    """Meaning first; the guide's own words when meaning says nothing (they also set the stretch
    of talk the follow-ups are judged in)."""
    by_words = keywords.question_asked_in(segment) if asking else None
    hint = by_words[0] if by_words and by_words[1] >= KEYWORD_SCORE else None
    suggestions = tracker.add_turn(segment, index, interviewer=asking, lexical_question=hint)
    # Only when meaning found no question in this turn: a turn whose meaning is one question
    # shares common words with others ("To start with, how do you get in touch…" has "get" and
    # "start", 3.4's "get started"; seen live as a second, false suggestion).
    if hint is not None and not any(s.kind == "question" for s in suggestions):
        suggestions.append(Suggestion(hint, "question", "asked", round(by_words[1], 3), index, segment.start,
                                      segment.end, segment.speaker, segment.text, reason="keywords"))
    return suggestions


def default_live_model(language: str) -> str:
    """tiny.en for English guides (fastest), when it is installed; the multilingual base otherwise."""
    from ..transcribe.models import bundled_model_dir

    return "tiny.en" if language == "en" and bundled_model_dir("tiny.en") is not None else "base"


class LiveCoverage:
    def __init__(self, interview, *, model: str | None = None, on_event: Callable[[object], None] | None = None):
        self.interview = interview
        guide = interview.session.guide
        self.model = model or interview.settings.live_model or default_live_model(guide.language)
        self.language = guide.language if self.model != "tiny.en" else "en"
        self.on_event = on_event or (lambda event: None)
        self.status = LiveStatus("off", "not started")
        self.skipped_seconds = 0.0
        self.turns: list[Segment] = []
        self.draft_path = interview.store.path.with_name(f"{interview.session.id}.live.jsonl")
        self._stop = threading.Event()
        self._outbox: queue.Queue = queue.Queue(maxsize=QUEUE_LIMIT)
        self._threads: list[threading.Thread] = []
        self._child: subprocess.Popen | None = None
        self._tracker: CoverageTracker | None = None
        self._keywords: CoverageMatcher | None = None
        self._untap = lambda: None
        self._turns = TurnAssembler()
        self._cutters: list[UtteranceCutter] = []
        self._judging = threading.Lock()
        """The reader (text arrives) and the cutter (a clock, and who is speaking) both close turns."""
        self._heard_as: dict[float, str] = {}
        """One channel: who the cutter heard speaking in each utterance (by its start), for the reader."""

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        recorder = self.interview.recorder
        if recorder is None:
            self._set(LiveStatus("off", "nothing is being recorded"))
            return
        # The tap first: loading the embedding model and the guide's vectors takes a second or
        # more on a busy machine, and the first question (often within it) must still be heard.
        tap = recorder.tap(max_blocks=400)
        self._untap = lambda: recorder.untap(tap)
        started_at = recorder.position
        embedder = load_text_embedder()
        if embedder is None:
            self._untap()
            self._set(LiveStatus("off", unavailable_reason()))
            return
        self._tracker = CoverageTracker.for_guide(self.interview.session.guide, embedder, LIVE)
        self._keywords = CoverageMatcher(self.interview.session.guide, embedder=None)
        roles = list(recorder.roles)
        command = [sys.executable, "-m", "interview_tui.transcribe.live_worker", self.model, self.language or "auto"]
        self._child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL, start_new_session=True,
                                       env={**os.environ, "OMP_NUM_THREADS": "1"})
        self._set(LiveStatus("starting", f"loading {self.model}"))
        for target, args in ((self._cut, (tap, recorder.rate, roles, started_at)), (self._send, ()),
                             (self._read, (roles,))):
            thread = threading.Thread(target=target, args=args, daemon=True, name=f"live-{target.__name__}")
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 30.0, reason: str = "the call ended") -> None:
        """After the recording stopped: the last utterances are cut, sent and transcribed (up to
        ``timeout`` seconds), then the transcriber exits."""
        self._stop.set()
        self._untap()  # switched off mid-call: the recorder stops feeding it
        cut, sender, reader = (self._threads + [None, None, None])[:3]
        for thread in (cut, sender):
            if thread is not None:
                thread.join(timeout=timeout)
        if self._child is not None:
            try:
                self._child.stdin.close()
            except OSError:
                pass
            try:
                self._child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._child.kill()
        if reader is not None:
            reader.join(timeout=5)
        if self.status.state != "off":
            self._set(LiveStatus("off", reason))

    # --- threads -----------------------------------------------------------------------------
    def _cut(self, tap, rate: int, roles: list[str], started_at: float) -> None:
        cutters = self._cutters = [UtteranceCutter(channel, started_at=started_at, band_turns=roles == ["mixed"])
                                   for channel in range(len(roles))]
        voices = BandRoles() if roles == ["mixed"] else None  # one channel: the telephone band tells who
        resamplers = [To16k(rate) for _ in roles]  # per channel: each keeps its place on the sample grid

        def feed(block) -> None:
            for channel, cutter in enumerate(cutters):
                for utterance in cutter.feed(resamplers[channel](block[:, channel])):
                    if voices is not None:
                        self._heard_as[round(utterance.start, 3)] = voices.role(utterance.audio)
                    self._offer(utterance, roles)

        while not self._stop.is_set():
            try:
                feed(tap.get(timeout=0.2))
            except queue.Empty:
                pass
            self._judge_due(roles)
        while not tap.empty():  # what the recorder handed over before it stopped is still heard
            feed(tap.get_nowait())
        for cutter in cutters:
            for utterance in cutter.flush():
                if voices is not None:
                    self._heard_as[round(utterance.start, 3)] = voices.role(utterance.audio)
                self._offer(utterance, roles)

    def _offer(self, utterance, roles: list[str]) -> None:
        if self.status.state == "off":
            return  # the transcriber is gone (and said why): the recording goes on without it
        now = self.interview.call_time() or utterance.end
        lag = max(0.0, now - utterance.end)
        behind = lag > MAX_LAG or self._outbox.full()
        role = self._heard_as.get(round(utterance.start, 3), roles[utterance.channel])
        if behind and (role != "interviewer" or self._outbox.full()):
            # Shed load: the recorder and the keys come first, then the interviewer's questions.
            self._heard_as.pop(round(utterance.start, 3), None)
            self.skipped_seconds += utterance.end - utterance.start
            self._set(LiveStatus("catching up", f"{lag:.0f} s behind: skipped "
                                 f"{self.skipped_seconds:.0f} s of {speaker_label(role)}", lag))
            return
        self._outbox.put(utterance)

    def _send(self) -> None:
        while not (self._stop.is_set() and self._outbox.empty()):
            try:
                utterance = self._outbox.get(timeout=0.2)
            except queue.Empty:
                continue
            try:
                send(self._child.stdin, utterance.channel, utterance.start, utterance.audio)
            except (OSError, ValueError):
                return  # the transcriber is gone: _read says why

    def _read(self, roles: list[str]) -> None:
        index = 0
        for line in self._child.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if "ready" in message:
                self._set(LiveStatus("on", f"{self.model}, {'two channels' if len(roles) > 1 else ONE_CHANNEL_UNTOLD}"))
                continue
            if "error" in message:
                self._set(LiveStatus("off", message["error"]))
                return
            if not message["text"]:
                continue
            role = self._heard_as.pop(round(message["start"], 3), roles[message["channel"]])
            if roles == ["mixed"] and role != "mixed" and self.status.detail.endswith(ONE_CHANNEL_UNTOLD):
                self._set(LiveStatus("on", f"{self.model}, {ONE_CHANNEL_TOLD}", self.status.lag))
            flags = (["unsure"] if message["probability"] < 0.4 else []) + (["repetition"] if message.get("loop") else [])
            segment = Segment(start=message["start"], end=message["end"], speaker=speaker_label(role),
                              text=message["text"], channel=message["channel"], flags=flags)
            self.turns.append(segment)
            self._write_draft(message, role)
            self.on_event(LiveTurn(segment))
            lag = max(0.0, (self.interview.call_time() or segment.end) - segment.end)
            if self.status.state != "catching up" or lag <= MAX_LAG / 2:
                self._set(LiveStatus("on", self.status.detail if self.status.state == "on" else self.model, lag))
            with self._judging:
                if roles == ["mixed"]:  # one channel, so no other channel's voice to end a turn: by who speaks
                    self._judge(self._turns.add(segment, index, key=SPEAKERS.index(role)), SPEAKERS)
                else:
                    self._judge(self._turns.add(segment, index), roles)
            index += 1
        with self._judging:  # the transcriber is done: the last turns are over
            self._judge(self._turns.flush(), SPEAKERS if roles == ["mixed"] else roles)
        if not self._stop.is_set() and self.status.state != "off":
            self._set(LiveStatus("off", "the live transcriber stopped unexpectedly — the recording goes on; "
                                        "transcribe after the call"))

    # --- results -----------------------------------------------------------------------------
    def _voice_began(self) -> dict[int, float | None]:
        return {cutter.channel: cutter.voice_began for cutter in self._cutters}

    def _judge_due(self, roles: list[str]) -> None:
        now = self.interview.call_time()
        if now is None:
            return
        with self._judging:
            if roles == ["mixed"]:
                speaking = any(cutter.speaking for cutter in self._cutters)
                self._judge(self._turns.due(now, {}, {key: speaking for key in range(len(SPEAKERS))}), SPEAKERS)
            else:
                self._judge(self._turns.due(now, self._voice_began(),
                                            {cutter.channel: cutter.speaking for cutter in self._cutters}), roles)

    def _judge(self, turns: list[tuple[Segment, int]], roles: list[str]) -> None:
        """Whole turns against the guide (see live_turns: a piece of a question is close to the wrong one);
        ``roles`` names each turn key (a channel, or on one channel who was heard)."""
        for segment, index in turns:
            role = roles[segment.channel]
            for suggestion in suggest_live(self._tracker, self._keywords, segment, index,
                                           asking=role in ("interviewer", "mixed")):
                self._suggest(suggestion, role)

    def _suggest(self, suggestion, role: str) -> None:
        session = self.interview.session
        if session.phase in ("briefing", "debriefing", "ended"):
            return  # the briefing names the guide's topics: only the conduct is heard for the guide
        if any(s.item_id == suggestion.item_id for s in session.suggestions):
            return  # once per item: the interviewer already saw it
        record = session.items.get(suggestion.item_id)
        if record is not None and record.latest("interviewer") is not None:
            return  # already marked by hand
        entry = LiveSuggestion(item_id=suggestion.item_id, call_time=round(suggestion.end, 2), text=suggestion.text,
                               role=suggestion.role, speaker=role, score=suggestion.score,
                               reason=suggestion.reason)
        index = self.interview.suggest(entry)
        self.on_event(LiveSuggested(index, entry))

    def _write_draft(self, message: dict, role: str) -> None:
        try:
            with open_private_append(self.draft_path) as handle:
                handle.write(json.dumps({**message, "role": role}, ensure_ascii=False) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        except OSError:
            pass  # the draft is a convenience; the recording and the session are what matter

    def _set(self, status: LiveStatus) -> None:
        if status != self.status:
            self.status = status
            self.on_event(status)

    def summary(self) -> list[str]:
        """At the debriefing: must-cover questions neither marked covered nor suggested. One marked
        asked (and not covered) says so: listed bare, it read as if the mark had been lost."""
        session = self.interview.session
        suggested = {s.item_id for s in session.suggestions if s.decision != "rejected"}
        lines = []
        for item in session.guide.items():
            if item.kind == "question" and item.must_cover and item.id not in suggested:
                record = session.items.get(item.id)
                if record is None or record.state in ("not_yet", "asked"):
                    asked = " (marked asked, not covered)" if record is not None and record.state == "asked" else ""
                    lines.append(f"{item.id}{asked} {item.text}")
        return lines


