"""Where the voices lie in the word features of one channel: away from the sounds being said.

Most of what MFCCs vary with is the sound being said, not who says it: k-means on them split two
full-band espeak voices by vowels (51 % of words right, dev) though a classifier trained on the
true speakers told them apart (95 %). Inside one stretch of talk (words between two pauses or
sentence ends) the speaker stays the same and only the sounds change, so the spread of words
around their stretch's mean is the spread of sounds. Two uses of it:

- ``speaker_space``: whitening by that spread (within-class normalisation, with stretches as
  the classes) leaves the directions in which stretches differ more than sounds do — where
  clustering and the one-voice test look;
- ``turn_taking_line``: an interview's turn-taking marks many stretches before the voices are
  known — a question, and the stretch right after it, are mostly two people — so the line that
  best tells the questions from the replies (against the spread within each side) finds the
  voice where the leading directions of the stretches had found something else (dev: one
  rendering of a short-turn interview 41 → 94 % of words right, the rest within a point or two);
- ``questions_answered_at_length``: whether the talk reads as two people at all;
- ``along_the_band``: with the informant on the telephone, the band level placed word by word —
  the one feature the whitening must not scale away.
"""

from __future__ import annotations

import numpy as np

from ..model.transcript import Word

SHRINKAGE = 0.3
"""Ridge on the within-stretch covariance, as a share of its mean variance (0.1–1: same labels)."""
FEWEST_MARKED = 3
"""Questions, and replies right after them, needed before turn-taking is used (fewer: chance)."""
BAND_SHARPNESS = 3.0
"""Once the telephone band has found the informant, each word is placed by its level above the
band (averaged with its stretch's), in units of the spread within a side, times this: in the
speaker space that level counts for little where it varies within a stretch — a question that
starts while the answer before it ends — and such questions went to the informant (dev, short
turns with overlaps: 94.7–95.6 % → 98.9–99.5 %; 2 gave 96.8–99.5 %)."""
REPLY_TO_QUESTION_TALK = 1.25
"""Talk between one question and the next, against the questions' own talk, above which a
recording reads as questions answered by someone (dev: two-voice interviews 1.4–3.8; one
interviewer alone — asking, thanking, moving on — 0.3–1.1; a real informant's answers run far
longer than that)."""


def _stretch_means(points: np.ndarray, weights: np.ndarray, run_of: np.ndarray) -> np.ndarray:
    heard = weights > 0
    means = np.zeros((run_of[-1] + 1, points.shape[1]))
    for run in np.unique(run_of[heard]):
        pick = heard & (run_of == run)
        means[run] = np.average(points[pick], axis=0, weights=weights[pick])
    return means


def _shrunk_covariance(deviations: np.ndarray, weights: np.ndarray) -> np.ndarray:
    covariance = (weights[:, None] * deviations).T @ deviations / weights.sum()
    return covariance + SHRINKAGE * np.trace(covariance) / len(covariance) * np.eye(len(covariance))


def _within_stretches(points: np.ndarray, weights: np.ndarray, run_of: np.ndarray,
                      means: np.ndarray) -> np.ndarray | None:
    """The words' covariance around their own stretch's mean (shrunk); None when too few
    stretches of two words or more to estimate it."""
    heard = weights > 0
    sizes = np.bincount(run_of, weights=heard.astype(float))
    inside = heard & (sizes[run_of] >= 2)
    if inside.sum() <= points.shape[1]:
        return None
    return _shrunk_covariance((points - means[run_of])[inside], weights[inside])


def speaker_space(points: np.ndarray, weights: np.ndarray, run_of: np.ndarray, dimensions: int) -> np.ndarray:
    """The word vectors whitened by the within-stretch spread and kept in the ``dimensions``
    directions along which whole stretches differ most: keeping few keeps the clustering and the
    one-voice test from chasing chance structure in twenty-odd dimensions of a short recording."""
    means = _stretch_means(points, weights, run_of)
    within = _within_stretches(points, weights, run_of, means)
    if within is None:  # too few words in stretches to tell sounds from voices: as it was
        return points
    variances, axes = np.linalg.eigh(within)
    whiten = axes / np.sqrt(variances)
    run_weights = np.bincount(run_of, weights=weights)
    used = run_weights > 0
    share = run_weights[used] / run_weights[used].sum()
    stretches = means[used] @ whiten
    centre = share @ stretches
    _, directions = np.linalg.eigh((share[:, None] * (stretches - centre)).T @ (stretches - centre))
    projected = (points @ whiten - centre) @ directions[:, ::-1][:, :dimensions]
    projected[weights <= 0] = 0.0
    return projected


def stretch_questions(words: list[Word], run_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per stretch of talk: whether it ends with a question mark, and how long it lasts."""
    ends = np.zeros(run_of[-1] + 1, dtype=int)
    ends[run_of] = np.arange(len(words))
    starts = np.full(run_of[-1] + 1, len(words))
    np.minimum.at(starts, run_of, np.arange(len(words)))
    question = np.array([words[end].word.rstrip().endswith("?") for end in ends])
    seconds = np.array([words[end].end - words[start].start for start, end in zip(starts, ends)])
    return question, seconds


def along_the_band(band: np.ndarray, weights: np.ndarray, run_of: np.ndarray, sides: np.ndarray) -> np.ndarray:
    """Each word's distance to the two sides (``sides``: 0/1 per word, as first found) on the level
    above the telephone band alone."""
    per_run = np.bincount(run_of, weights=weights * band) / np.maximum(np.bincount(run_of, weights=weights), 1e-9)
    steadied = (band + per_run[run_of]) / 2
    levels = np.array([np.average(steadied[sides == c], weights=weights[sides == c] + 1e-9) for c in (0, 1)])
    spread = np.sqrt(np.average((steadied - levels[sides]) ** 2, weights=weights + 1e-9))
    distances = BAND_SHARPNESS * np.abs(steadied[:, None] - levels[None]) / max(spread, 1e-6)
    distances[weights <= 0] = 0.0
    return distances


def questions_answered_at_length(question: np.ndarray, seconds: np.ndarray) -> bool:
    """Whether the talk reads as an interview with both sides heard: enough questions (per
    stretch, ``question``), and between each and the next more talk than the questions take
    (``seconds``: each stretch's length). One voice alone does not read so: an interviewer
    without the other side asks, acknowledges and asks again; an informant alone asks nothing."""
    asked = np.flatnonzero(question)
    if len(asked) < FEWEST_MARKED:
        return False
    between = seconds[asked[0]:].sum() - seconds[asked].sum()  # the talk after the first question
    return between >= REPLY_TO_QUESTION_TALK * seconds[asked].sum()


def turn_taking_line(points: np.ndarray, weights: np.ndarray, run_of: np.ndarray,
                     question: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Each word's distance to two voices found along the line that best tells the questions
    (``question``: per stretch, it ends with a question mark) from the stretches right after
    them: (words × 2 distances, the two voices' positions). None without enough of either."""
    heard = weights > 0
    reply = np.zeros_like(question)
    reply[1:] = question[:-1] & ~question[1:]
    asked, replied = heard & question[run_of], heard & reply[run_of]
    if question.sum() < FEWEST_MARKED or reply.sum() < FEWEST_MARKED or not asked.any() or not replied.any():
        return None
    asking = np.average(points[asked], axis=0, weights=weights[asked])
    replying = np.average(points[replied], axis=0, weights=weights[replied])
    # the spread around each side's mean: the sounds, and whatever else changes from one stretch
    # to the next of the same person (how loud, how near the microphone) — the spread within a
    # stretch alone would count those as voice
    marked = asked | replied
    within = _shrunk_covariance(points[marked] - np.where(asked[marked, None], asking, replying), weights[marked])
    direction = np.linalg.solve(within, asking - replying)
    direction /= np.sqrt(direction @ within @ direction)  # in units of the spread within a side
    line = points @ direction
    line[~heard] = 0.0
    run_weights = np.bincount(run_of, weights=weights)
    used = run_weights > 0
    stretches = np.bincount(run_of, weights=weights * line)[used] / run_weights[used]
    voices = np.array([asking @ direction, replying @ direction])
    for _ in range(30):  # two-means along the line, from the questions' and the replies' sound
        nearest = np.argmin(np.abs(stretches[:, None] - voices[None]), axis=1)
        voices = np.array([np.average(stretches[nearest == j], weights=run_weights[used][nearest == j])
                           if (nearest == j).any() else voices[j] for j in range(2)])
    along = np.zeros(run_of[-1] + 1)
    along[used] = stretches
    steadied = (line + along[run_of]) / 2
    distances = np.abs(steadied[:, None] - voices[None])
    distances[~heard] = 0.0
    return distances, voices
