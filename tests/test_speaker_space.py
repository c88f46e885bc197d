"""Finding the voices among the word features (``transcribe/speaker_space.py``), on constructed
features whose truth is known: what each word says varies a lot, who says it a little."""

from __future__ import annotations

import numpy as np

from interview_tui.transcribe.speaker_space import (along_the_band, questions_answered_at_length, speaker_space,
                                                   turn_taking_line)


def _interview(seed: int = 0, stretches: int = 40, words: int = 6):
    """Alternating question / reply stretches. Feature 0 is the voice (interviewer +1, informant
    -1), features 1–5 the sounds (large, changing word to word), feature 6 how loud a stretch was
    (two levels, by chance of the recording, not of the speaker: the trap a clustering falls in)."""
    rng = np.random.default_rng(seed)
    rows, run_of, speaker = [], [], []
    for run in range(stretches):
        who = run % 2  # 0: interviewer asking, 1: informant replying
        loud = rng.choice([-4.0, 4.0])
        for _ in range(words):
            row = rng.standard_normal(7) * [0.8, 3, 3, 3, 3, 3, 0.3]
            row[0] += 1.0 if who == 0 else -1.0
            row[6] += loud
            rows.append(row)
            run_of.append(run)
            speaker.append(who)
    question = np.arange(stretches) % 2 == 0
    return np.array(rows), np.ones(len(rows)), np.array(run_of), np.array(speaker), question


def test_whitening_by_the_sounds_leaves_the_voice_and_the_loudness():
    points, weights, run_of, speaker, _ = _interview()
    space = speaker_space(points, weights, run_of, 2)
    assert space.shape == (len(points), 2)
    # along one of the two kept directions the speakers stand apart
    best = max(abs(np.corrcoef(space[:, j], speaker)[0, 1]) for j in range(2))
    assert best > 0.6


def test_turn_taking_finds_the_voice_where_loudness_splits_the_stretches():
    points, weights, run_of, speaker, question = _interview()
    distances, _ = turn_taking_line(points, weights, run_of, question)
    nearest = np.argmin(distances, axis=1)
    assert (nearest == speaker).mean() > 0.9  # column 0: the voice of the questions


def test_turn_taking_needs_questions_and_replies():
    points, weights, run_of, _, question = _interview()
    assert turn_taking_line(points, weights, run_of, np.zeros_like(question)) is None
    only_two = np.zeros_like(question)
    only_two[[0, 2]] = True
    assert turn_taking_line(points, weights, run_of, only_two) is None
    unheard = weights.copy()
    unheard[question[run_of]] = 0.0  # the questions were marked but none of their words was heard
    assert turn_taking_line(points, unheard, run_of, question) is None


def test_questions_answered_at_length_read_as_a_conversation():
    question = np.array([False, True, False, True, False, False, True, False])
    answered = np.array([3.0, 3.0, 8.0, 2.5, 6.0, 4.0, 3.0, 7.0])  # replies longer than the questions
    assert questions_answered_at_length(question, answered)
    acknowledged = np.array([3.0, 3.0, 0.8, 2.5, 1.0, 0.6, 3.0, 1.2])  # "thanks", then the next question
    assert not questions_answered_at_length(question, acknowledged)
    two_questions = np.array([False, True, False, True, False])
    assert not questions_answered_at_length(two_questions, np.full(5, 10.0))  # too few to go by
    assert not questions_answered_at_length(np.zeros(8, bool), answered)  # one voice telling, asking nothing


def test_a_question_overlapping_the_answer_before_it_is_placed_by_the_band():
    """The informant on the phone (nothing above the band, -57 dB), the interviewer in the room
    (-25 dB). A question that starts while the answer ends was first put with the answer (the
    speaker space scales the band down where it varies inside a stretch); on the band, the words
    said in the room go to the room."""
    band = np.array([-25, -24, -26, -58, -57, -59, -56, -50, -25, -24, -26, -27, -52, -56, -58, -57.0])
    run_of = np.array([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3])
    first_found = np.array([0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])  # the question with the answer
    distances = along_the_band(band, np.full(16, 0.3), run_of, first_found)
    assert (distances[8:12].argmin(axis=1) == 0).all()  # "do most people contact you" in the room
    assert (distances[3:7].argmin(axis=1) == 1).all() and (distances[13:].argmin(axis=1) == 1).all()
