"""Finding the voices among the word features (``transcribe/speaker_space.py``), on constructed
features whose truth is known: what each word says varies a lot, who says it a little."""

from __future__ import annotations

import numpy as np

from interview_tui.transcribe.speaker_space import speaker_space, turn_taking_line


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
