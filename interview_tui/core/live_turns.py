"""Whole turns out of live utterances, so the guide is judged on what a listener would judge.

Live text arrives an utterance at a time, cut at pauses of 0.6 s — and a speaker pauses inside a
question: "So, when somebody on your caseload has a substance problem, … how do you reach them in
the first place?" arrives as two pieces. The first piece alone is closest to the wrong guide
question (measured: "when somebody … has a substance problem" suggested 2.1, a false suggestion
during the call). So a speaker's utterances are joined into one turn, and the turn is judged when
it is over:

- its text ends with a question mark (a question is complete: judged at once, no delay), or
- another voice began after it ended and went on for ``BACKCHANNEL_SECONDS`` (the informant is
  answering; a shorter sound in a pause — "mm", "yeah" — is a back-channel, and the turn goes on), or
- ``HOLD_SECONDS`` passed since its last words with nothing more from that speaker, or
- it grew past ``MAX_WORDS`` (a long answer is judged in parts).

Unsure and loop-flagged utterances are shown in the live pane but never join a turn's text:
that is where Whisper invents words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.transcript import Segment

HOLD_SECONDS = 1.5
MAX_WORDS = 60
OVERLAP = 0.3
"""A voice that began this long before a turn's end still counts as "after" it (people start
answering before the question has quite ended)."""
BACKCHANNEL_SECONDS = 0.8
"""The other side's voice must last this long to end a turn. An interviewer pausing inside a
question hears "mm" from the informant; that is a listener's signal, not an answer, and closing the
question there judges its first half alone (the fragment that was suggested as the wrong item)."""


@dataclass
class _OpenTurn:
    parts: list[Segment] = field(default_factory=list)
    last_index: int = 0
    last_end: float = 0.0

    def text(self) -> str:
        return " ".join(part.text.strip() for part in self.parts if part.text.strip())


def usable_live(segment: Segment) -> bool:
    return not ({"unsure", "repetition"} & set(segment.flags))


def is_backchannel(segment: Segment) -> bool:
    """A short sound of two words at most ("Mm.", "Yeah, yeah."): it does not end the other's turn."""
    return segment.end - segment.start < BACKCHANNEL_SECONDS and len(segment.text.split()) <= 2


@dataclass
class TurnAssembler:
    """Per channel, the turn being spoken; ``add`` and ``due`` return the turns that are over: one
    segment each (start of its first words, end of its last) with the index of its last utterance
    in the live transcript (where the evidence points)."""

    _open: dict[int, _OpenTurn] = field(default_factory=dict)

    def add(self, segment: Segment, index: int, key: int | None = None) -> list[tuple[Segment, int]]:
        """``key``: whose turn this is, when not its channel (one channel, two voices told apart).
        Whether another voice has taken over is judged in ``due``, which knows how long it lasted."""
        channel = segment.channel if key is None else key
        turn = self._open.setdefault(channel, _OpenTurn())
        turn.last_index, turn.last_end = index, segment.end
        if usable_live(segment):
            turn.parts.append(segment)
        done = [] if is_backchannel(segment) else self._close_others(channel, segment.start)
        text = turn.text()
        if text.endswith("?") or len(text.split()) >= MAX_WORDS:
            done += self._close(channel)
        return done

    def due(self, now: float, voice_began: dict[int, float | None], speaking: dict[int, bool]) -> list[tuple[Segment, int]]:
        """Called on a clock: the turns another voice has followed, or that went quiet."""
        done: list[tuple[Segment, int]] = []
        for channel, turn in list(self._open.items()):
            quiet = now - turn.last_end >= HOLD_SECONDS and not speaking.get(channel, False)
            if quiet or self._other_voice_took_over(channel, turn, now, voice_began, speaking):
                done += self._close(channel)
        return done

    def flush(self) -> list[tuple[Segment, int]]:
        done: list[tuple[Segment, int]] = []
        for channel in list(self._open):
            done += self._close(channel)
        return done

    def _other_voice_took_over(self, channel: int, turn: _OpenTurn, now: float,
                               voice_began: dict[int, float | None], speaking: dict[int, bool]) -> bool:
        return any(began is not None and began >= turn.last_end - OVERLAP and speaking.get(other, False)
                   and now - began >= BACKCHANNEL_SECONDS
                   for other, began in voice_began.items() if other != channel)

    def _close_others(self, channel: int, start: float) -> list[tuple[Segment, int]]:
        done: list[tuple[Segment, int]] = []
        for other, turn in list(self._open.items()):
            if other != channel and start >= turn.last_end - OVERLAP:
                done += self._close(other)
        return done

    def _close(self, channel: int) -> list[tuple[Segment, int]]:
        turn = self._open.pop(channel, None)
        if turn is None or not turn.parts:
            return []
        first, last = turn.parts[0], turn.parts[-1]
        return [(Segment(start=first.start, end=last.end, speaker=last.speaker, text=turn.text(), channel=channel),
                 turn.last_index)]
