"""What the guide's words as Whisper's prompt are for, on talk in the guide's own words (the dev
script of ``tests/guide_talk.py``, espeak voices, the informant through a telephone band): the
guide's words written as the guide writes them, more often than without the prompt, and never
on a speaker who did not say them. ``benchmarks/transcribe.py --script guide-talk`` measures the
same on more voices and against plain faster-whisper."""

from __future__ import annotations

import re

import pytest

from interview_tui.guide.loader import load_guide
from interview_tui.transcribe.models import load_whisper
from interview_tui.transcribe.pipeline import TranscribeOptions, TranscriptionJob
from interview_tui.transcribe.prompt import guide_prompt, holds_a_prompt_word, prompt_words, token_count, words_to_spell

from .conftest import REPO
from .guide_talk import GUIDE_TALK
from .speech_fixtures import speak_interview

pytestmark = pytest.mark.whisper

GUIDE = REPO / "interview_tui" / "guides" / "nav-digital-services.en.yaml"


def _words(text: str) -> str:
    """Lower case, punctuation as spaces, padded: "nav.no" is " nav no ", "NAV," is " nav "."""
    return " " + " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split()) + " "


def test_the_guides_words_as_the_prompt_are_written_as_said_and_nowhere_else(tmp_path):
    guide = load_guide(GUIDE)
    guide_words = (*guide.terms, *guide.vocabulary())
    spoken = speak_interview(GUIDE_TALK, tmp_path, gap=0.4, repeatable=True)
    tiny = load_whisper("tiny.en", "cpu")
    prompted = TranscribeOptions(model="tiny.en", language="en", terms=", ".join(guide.terms),
                                 vocabulary=", ".join(guide.vocabulary()))
    right, said_in_all = {}, 0
    for name, options in (("without", TranscribeOptions(model="tiny.en", language="en")), ("with", prompted)):
        job = TranscriptionJob(spoken.path, tmp_path / f"{name}.json", options, model=tiny)
        list(job.run())
        right[name] = 0
        for channel, speaker in enumerate(("Interviewer", "Informant")):
            said = _words(" ".join(text for who, text, *_ in spoken.turns if who == speaker))
            written = _words(" ".join(s.text for s in job.transcript.segments if s.channel == channel))
            for word in guide_words:
                times_said, times_written = said.count(_words(word)), written.count(_words(word))
                right[name] += min(times_said, times_written)
                said_in_all += times_said if name == "with" else 0
                if name == "with":  # the prompt's words, never written where this speaker did not say them
                    assert times_written <= times_said, (word, speaker, written)
    assert said_in_all >= 25, said_in_all  # the script is talk in the guide's words
    assert right["with"] >= right["without"] + 3, right  # what the prompt is for


@pytest.mark.parametrize("model", ["tiny.en", "base"])
def test_the_prompt_carries_the_words_whisper_cannot_spell_not_the_ones_it_writes_anyway(model):
    """Phrases, names and words the model's own tokenizer holds only in pieces go into the prompt;
    an everyday word (one token) does not: Whisper writes it right without help, and in the prompt
    it is a word to pull a misheard one onto."""
    tokenizer = load_whisper(model, "cpu").hf_tokenizer
    prompt = guide_prompt("NAV, nav.no", "activity plan, problem, give, office, write to us", "en", tokenizer)
    assert prompt == "Terms used in this interview: NAV, nav.no, activity plan, write to us."
    if model == "base":  # Norwegian compounds come in pieces: they stay
        kept = words_to_spell("aktivitetsplan, arbeidsevnevurdering, chat, skriv til oss", token_count(tokenizer))
        assert kept == "aktivitetsplan, arbeidsevnevurdering, skriv til oss"
    assert guide_prompt(None, "problem, give", "en", tokenizer) is None  # nothing left to spell: no prompt
    words = prompt_words("NAV, nav.no", "activity plan, problem, give, office, write to us", tokenizer)
    assert words == ["NAV", "nav.no", "activity plan", "write to us"]
    # whether a window's talk uses the guide's words: case, punctuation and endings aside
    assert holds_a_prompt_word("I told her to check Nav.no, and then we talked.", words)
    assert holds_a_prompt_word("We keep two Activity Plans for her.", words)
    assert holds_a_prompt_word("Det står i aktivitetsplanen hans.", ["aktivitetsplan"])
    assert not holds_a_prompt_word("The activity was planned; they give it to the office.", words)
    assert not holds_a_prompt_word("", words) and not holds_a_prompt_word("Nav.no", [])
