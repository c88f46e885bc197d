"""Who spoke, on a one-channel recording: offline, numpy only, named by role.

A two-channel recording needs none of this (the channel is the speaker). On one channel — the
phone on speaker beside a microphone, a dictaphone, a phone app — each word gets a speaker:

1. every word's sound: MFCC means, pitch and the level above the telephone band
   (``voice_features``), over the word and a little around it, normalised over the recording;
2. what varies inside one stretch of talk (the sounds being said) is scaled away, leaving the
   few directions in which stretches differ (the voices: ``speaker_space``), and the stretches
   are clustered there (k-means, as many clusters as labels asked for); with two voices in the
   room, the line between what the questions and the replies to them sound like places them
   (``turn_taking_line``);
3. the labels are smoothed along the talk: changing speaker costs something, much less at a
   pause or after a sentence ends — so a speaker change inside a Whisper segment splits it
   where the words say, and one odd-sounding word does not;
4. one voice only (clusters that stand no further apart than k-means finds in one voice's
   look-alike, or one of them almost empty) → one speaker — unless the talk reads as questions
   answered at length by what follows them: that is two people, and turn-taking places them;
5. roles: a cluster that sits below the telephone band while the others do not is the
   informant on the phone (and then each word is placed by its own level above the band); of
   the others, the one who asks the questions (question marks, the guide's questions) is the
   interviewer; failing both, who spoke first. Asked for three, the voices in the room are
   tested against each other as in 4, and a label not heard is dropped;
6. segments whose words sit nearly as close to another speaker are flagged ``speaker?`` for
   the review.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..model.transcript import UNCERTAIN_SPEAKER, Segment, Word
from .speaker_space import (along_the_band, questions_answered_at_length, speaker_space, stretch_questions,
                            turn_taking_line)
from .voice_features import CEPSTRA, frame_features, frame_time

READ_SECONDS = 300.0
CONTEXT_SECONDS = 0.15
"""Sound pooled around each word: short words ("ja") say little on their own."""
PHONE_BAND_GAP_DB = 12.0
"""Cluster means this far apart in high-band level: one speaker is on the telephone."""
ONE_VOICE_NULL_SAMPLES = 30
"""Single-voice look-alikes drawn to judge a split by (see ``_one_voice_separations``)."""
FEWEST_STRETCHES = 8
"""Fewer stretches of talk than this cannot show two voices apart from one: on 6 stretches of one
voice the look-alikes' own splits ranged up to d' 12 and the voice's own split came within 2 % of
that (dev), so any verdict would be chance. A co-interviewer's 2 questions among 9 stretches were
found (d' 10.4 against 7.0)."""
TWO_VOICES_QUANTILE = 95
"""A split counts as two voices only when it stands further apart than this percentile of the
splits k-means finds in one voice's look-alikes; above the 75th it is flagged as unsure."""
STRICT_SAMPLES, STRICT_QUANTILE, STRICT_FEWEST_STRETCHES = 100, 99, 16
"""…and when nothing else says two people talk (no questions answered at length): beyond the 99th
percentile of 100 look-alikes, on at least 16 stretches. One voice passes the 95th once in twenty
recordings by chance, and on few stretches the look-alikes are a rough guide (dev: an informant
alone on the phone, 12 stretches, split at d' 7.9 against a 99th percentile of 7.8)."""
BAND_LIMITED_DB = -50.0
"""A side this quiet above the band has nothing there: a telephone line (dev: -55 to -57 dB), not a
voice with less treble (two espeak variants, full band: -34 against -21) — only then is each word
placed by the band (``along_the_band``)."""
PHONE_SIDE_SMALLEST_SHARE = 0.03
"""Below this share of the talk, a cluster above or below the telephone band is stray words (one
word timed into a pause gave a one-voice phone recording a second speaker, dev), not a side."""
SMALLEST_SHARE = 0.15
"""A speaker with less of the talk than this is a split of one voice (dev: one voice split
3–12 %, two voices 35–65 %). Once the telephone band has found the informant, the share counts
within the talk on the researcher's side (a co-interviewer asking every third question: 25 %)."""
SPEAKER_DIMENSIONS = 2
"""Directions kept after whitening (``speaker_space``): dev, full band, 2 gave 96.7–98.6 % of
words right, 4 and 8 the same or up to a point lower, all 22 up to 3 points lower."""
SWITCH_COST = 2.0
SWITCH_COST_AT_BREAK = 0.3
UNSURE_MARGIN = 0.08


@dataclass
class Diarization:
    segments: list[Segment]
    speakers: list[str]
    """The labels used, in the order of the labels asked for (one when only one voice was heard)."""
    phone_band: bool = False


def _word_vectors(read: Callable[[float, float], np.ndarray], total: float, words: list[Word]) -> tuple[np.ndarray, np.ndarray]:
    """One vector per word (MFCC means, then the high-band level) and its weight (seconds)."""
    vectors = np.zeros((len(words), CEPSTRA + 2))
    weights = np.zeros(len(words))
    index, start = 0, 0.0
    while index < len(words) and start < total:
        end = min(total, start + READ_SECONDS)
        audio = read(max(0.0, start - 1.0), end + 1.0)
        offset = max(0.0, start - 1.0)
        cepstra, energy, high, pitch = frame_features(audio)
        if len(energy):
            loud = energy > np.percentile(energy, 20) + 6  # the speech in it, not the pauses
            times = offset + frame_time(np.arange(len(energy)))
        while index < len(words) and words[index].start < end:
            word = words[index]
            if len(energy):
                pick = loud & (times >= word.start - CONTEXT_SECONDS) & (times <= word.end + CONTEXT_SECONDS)
                if pick.sum() < 3:
                    pick = (times >= word.start - CONTEXT_SECONDS) & (times <= word.end + CONTEXT_SECONDS)
                if pick.any():
                    vectors[index, :CEPSTRA] = cepstra[pick].mean(axis=0)
                    vectors[index, CEPSTRA] = np.median(high[pick])
                    voiced = pitch[pick][~np.isnan(pitch[pick])]
                    vectors[index, CEPSTRA + 1] = np.median(voiced) if len(voiced) else np.nan
                    weights[index] = max(word.end - word.start, 0.05)
            index += 1
        start = end
    return vectors, weights


def _kmeans(points: np.ndarray, weights: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """Weighted k-means, farthest-point start, a few restarts; returns the centroids."""
    rng = np.random.default_rng(seed)
    best, best_cost = None, np.inf
    for _ in range(6):
        centres = [points[rng.choice(len(points), p=weights / weights.sum())]]
        while len(centres) < k:
            distance = np.min([((points - c) ** 2).sum(axis=1) for c in centres], axis=0)
            centres.append(points[int(np.argmax(distance * weights))])
        centres = np.array(centres)
        for _ in range(40):
            labels = np.argmin(((points[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)
            moved = np.array([np.average(points[labels == j], axis=0, weights=weights[labels == j])
                              if (labels == j).any() else centres[j] for j in range(k)])
            if np.allclose(moved, centres):
                break
            centres = moved
        cost = (weights * ((points - centres[labels]) ** 2).sum(axis=1)).sum()
        if cost < best_cost:
            best, best_cost = centres, cost
    return best


def _separation(points: np.ndarray, weights: np.ndarray, centres: np.ndarray) -> float:
    """How far apart the two closest clusters are along the line through their centres, in
    within-cluster standard deviations (d'). k-means splits even one voice in two: a single
    voice gave 2.8–3.3 on the dev recordings, two voices more."""
    labels = np.argmin(((points[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)
    best = np.inf
    for a in range(len(centres)):
        for b in range(a + 1, len(centres)):
            direction = (centres[a] - centres[b]) / (np.linalg.norm(centres[a] - centres[b]) + 1e-9)
            pick = (labels == a) | (labels == b)
            projected = points[pick] @ direction
            means = np.where(labels[pick] == a, centres[a] @ direction, centres[b] @ direction)
            spread = np.sqrt(np.average((projected - means) ** 2, weights=weights[pick] + 1e-9))
            best = min(best, abs((centres[a] - centres[b]) @ direction) / max(spread, 1e-6))
    return float(best)


def _one_voice_separations(points: np.ndarray, weights: np.ndarray, k: int,
                           samples: int = ONE_VOICE_NULL_SAMPLES, seed: int = 0) -> np.ndarray:
    """The separations k-means finds in data that is one voice by construction: samples from a
    single Gaussian with the stretches' own covariance, count and weights. k-means always splits,
    and how far apart its halves look depends on how many stretches there are: one voice gave
    d' 12 on 9 stretches, two voices 6 on 41 (dev). A fixed threshold called a short one-voice
    recording two speakers; judged against this, a split must beat what one voice would show."""
    rng = np.random.default_rng(seed)  # the same recording gets the same labels every time
    share = weights / weights.sum()
    centred = points - share @ points
    variances, axes = np.linalg.eigh((share[:, None] * centred).T @ centred)
    scale = np.sqrt(np.clip(variances, 0.0, None))
    found = []
    for _ in range(samples):
        sample = (rng.standard_normal(points.shape) * scale) @ axes.T
        found.append(_separation(sample, weights, _kmeans(sample, weights, k)))
    return np.array(found)


def _smooth(distances: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """The cheapest labelling: each word's distance to its speaker, plus a cost per change of
    speaker (small where ``breaks`` marks a pause or a sentence end before the word)."""
    count, k = distances.shape
    cost = distances[0].copy()
    back = np.zeros((count, k), dtype=int)
    for i in range(1, count):
        switch = SWITCH_COST_AT_BREAK if breaks[i] else SWITCH_COST
        stay = cost
        move = cost.min() + switch
        back[i] = np.where(stay <= move, np.arange(k), int(np.argmin(cost)))
        cost = np.minimum(stay, move) + distances[i]
    labels = np.zeros(count, dtype=int)
    labels[-1] = int(np.argmin(cost))
    for i in range(count - 1, 0, -1):
        labels[i - 1] = back[i, labels[i]]
    return labels


def _roles(clusters: int, segments_by_cluster: list[list[Segment]], informant: int | None,
           first_cluster: int, question_score: Callable[[str], float] | None) -> list[int]:
    """Cluster indices in label order (interviewer, informant, then any others). ``informant``:
    the cluster the telephone band found, if it did. Of the others, the one who asks the
    questions is the interviewer; the rest by how much they said."""
    candidates = [c for c in range(clusters) if c != informant]

    def asks(cluster: int) -> float:
        texts = [s.text for s in segments_by_cluster[cluster]]
        score = sum(text.rstrip().endswith("?") for text in texts)
        if question_score is not None:
            score += sum(question_score(text) for text in texts)
        if informant is not None:  # all candidates are on the researcher's side: the lead asks most
            return score
        # an informant who talks a lot asks the odd question too: questions per segment, damped
        return score / max(len(texts), 1) ** 0.5

    if len(candidates) == 1:
        interviewer = candidates[0]
    else:
        scores = [asks(c) for c in candidates]
        undecided = first_cluster if first_cluster in candidates else candidates[0]  # who spoke first
        interviewer = candidates[int(np.argmax(scores))] if max(scores) > min(scores) else undecided
    talk = lambda c: -sum(s.end - s.start for s in segments_by_cluster[c])  # noqa: E731
    rest = sorted((c for c in range(clusters) if c not in (interviewer, informant)), key=talk)
    if informant is not None:
        rest.insert(0, informant)
    return [interviewer, *rest]


def guide_question_score(vocabulary: str | None) -> Callable[[str], float] | None:
    """How much a segment sounds like the guide's questions: its terms, as the transcriber was
    given them (the interviewer reads them out; the informant uses them less)."""
    terms = [term.strip().lower() for term in (vocabulary or "").split(",") if len(term.strip()) > 2]
    if not terms:
        return None
    return lambda text: 0.5 * sum(term in text.lower() for term in terms)


def _one_voice(segments: list[Segment], labels: tuple[str, ...], flag: bool = False) -> Diarization:
    """Everything to one speaker, named by what they do: one who asks is the interviewer (dev:
    the interviewer alone, 28–77 % of segments questions; the informant alone, none).
    ``flag``: the two voices could not be told apart with confidence — every segment says so."""
    asking = sum(s.text.rstrip().endswith("?") for s in segments) / max(len(segments), 1)
    label = labels[0] if asking >= 0.2 else labels[1]
    extra = [UNCERTAIN_SPEAKER] if flag else []
    return Diarization([s.model_copy(update={"speaker": label, "flags": [*s.flags, *extra]}) for s in segments],
                       [label])


def label_speakers(read: Callable[[float, float], np.ndarray], total: float, segments: list[Segment],
                   labels: tuple[str, ...], question_score: Callable[[str], float] | None = None) -> Diarization:
    """``read(start, end)`` gives the channel's 16 kHz samples; ``labels`` the roles to name, the
    interviewer's first. Returns new segments, split where the speaker changes."""
    segments = sorted(segments, key=lambda s: s.start)
    words = [(index, word) for index, segment in enumerate(segments) for word in segment.words]
    k = len(labels)
    if k < 2:
        return Diarization([s.model_copy(update={"speaker": labels[0]}) for s in segments], [labels[0]])
    if len(words) < 4:
        return _one_voice(segments, labels)
    vectors, weights = _word_vectors(read, total, [w for _, w in words])
    heard = weights > 0
    if heard.sum() < 4:
        return _one_voice(segments, labels)
    raw_high = vectors[:, CEPSTRA].copy()
    normal = vectors.copy()
    normal[:, CEPSTRA] = np.maximum(raw_high, -60.0)  # below the band, how far below does not matter
    pitch = normal[:, CEPSTRA + 1]
    pitch[np.isnan(pitch)] = np.nanmedian(pitch[heard]) if np.isfinite(pitch[heard]).any() else 0.0
    centre, spread = normal[heard].mean(axis=0), normal[heard].std(axis=0) + 1e-6
    points = (normal - centre) / spread
    points[~heard] = 0.0
    breaks = np.zeros(len(words), dtype=bool)
    for i in range(1, len(words)):
        previous, current = words[i - 1][1], words[i][1]
        breaks[i] = (current.start - previous.end >= 0.3 or previous.word.rstrip().endswith((".", "?", "!"))
                     or words[i - 1][0] != words[i][0] and current.start - previous.end >= 0.15)
    # Words between two breaks are one stretch of talk: their mean is a steadier voice print
    # than one word's, so the clusters are found on stretches.
    run_of = np.cumsum(breaks)
    sounds = points
    points = speaker_space(points, weights, run_of, SPEAKER_DIMENSIONS)
    runs = np.array([np.average(points[run_of == r], axis=0, weights=weights[run_of == r] + 1e-9)
                     for r in range(run_of[-1] + 1)])
    run_weights = np.array([weights[run_of == r].sum() for r in range(run_of[-1] + 1)])
    usable = run_weights > 0
    if usable.sum() < k:
        return _one_voice(segments, labels)
    centres = _kmeans(runs[usable], run_weights[usable], k)
    steadied = (points + runs[run_of]) / 2
    distances = np.sqrt(((steadied[:, None, :] - centres[None]) ** 2).sum(axis=2))
    distances[~heard] = 0.0
    chosen = _smooth(distances / np.sqrt(points.shape[1]), breaks)
    shares = np.array([weights[chosen == c].sum() for c in range(k)]) / weights.sum()
    high = np.array([np.average(raw_high[chosen == c], weights=weights[chosen == c] + 1e-9)
                     if (chosen == c).any() else 0.0 for c in range(k)])
    phone_cluster = int(np.argmin(high))
    # a few words timed into a pause sit above the band too (the line's noise is flat): a side
    # needs some of the talk before the band decides anything
    phone_gap = (high.max() - high.min() >= PHONE_BAND_GAP_DB
                 and min(shares[phone_cluster], 1 - shares[phone_cluster]) >= PHONE_SIDE_SMALLEST_SHARE)
    if phone_gap and k == 2 and high.min() <= BAND_LIMITED_DB:
        distances = along_the_band(normal[:, CEPSTRA], weights, run_of, chosen)
        chosen = _smooth(distances, breaks)
    if not phone_gap or k > 2:  # the band tells one pair apart, not a third voice in the room
        tested, tested_centres, tested_shares = usable, centres, shares
        if phone_gap:  # judge only the voices in the room against each other
            nearest = np.argmin(((runs[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)
            tested = usable & (nearest != phone_cluster)
            tested_centres = np.delete(centres, phone_cluster, axis=0)
            tested_shares = np.delete(shares, phone_cluster) / max(1e-9, 1 - shares[phone_cluster])
        enough = tested_shares.min() >= SMALLEST_SHARE and tested.sum() >= FEWEST_STRETCHES
        separation, one_voice = 0.0, np.zeros(1)
        if enough:  # (too few stretches: nothing to compare, and nothing to split)
            separation = _separation(runs[tested], run_weights[tested], tested_centres)
            one_voice = _one_voice_separations(runs[tested], run_weights[tested], len(tested_centres))
        question, seconds = stretch_questions([w for _, w in words], run_of)
        # Questions answered at length are two people talking: then the voices need not stand
        # apart on their own (two espeak voices in a 1.5-minute interview did not: one speaker,
        # 56–62 % of words right; split by turn-taking, 97–99 %, dev).
        conversation = k == 2 and questions_answered_at_length(question, seconds)
        stands_apart = enough and separation > np.percentile(one_voice, TWO_VOICES_QUANTILE)
        if stands_apart and k == 2 and not conversation:
            stands_apart = tested.sum() >= STRICT_FEWEST_STRETCHES
            if stands_apart:
                more = _one_voice_separations(runs[tested], run_weights[tested], 2,
                                              STRICT_SAMPLES - len(one_voice), seed=1)
                stands_apart = separation > np.percentile(np.concatenate([one_voice, more]), STRICT_QUANTILE)
        if not stands_apart and not conversation:
            if k > 2:  # fewer voices than labels asked for: the last role was not there
                return label_speakers(read, total, segments, labels[:-1], question_score)
            # between a clear single voice and a clear pair: say so on every segment
            unsure = enough and separation > np.percentile(one_voice, 75)
            return _one_voice(segments, labels, flag=unsure)
    if k == 2 and not phone_gap:
        # Two voices in the room are there (tested above), but the clusters may have found
        # something else in how stretches differ (dev: 41 % of words right on one rendering of a
        # short-turn interview, 94 % this way); who asks and who answers points at the voice.
        found = turn_taking_line(sounds, weights, run_of, question)
        along = _smooth(found[0], breaks) if found is not None else None
        if along is not None and min(weights[along == c].sum() for c in (0, 1)) >= SMALLEST_SHARE * weights.sum():
            chosen, distances = along, found[0]
        elif not stands_apart:
            return _one_voice(segments, labels, flag=True)  # a conversation, but no line between voices
    pieces = _split(segments, words, chosen, distances)
    by_cluster = [[piece for piece, cluster, _ in pieces if cluster == c] for c in range(k)]
    order = _roles(k, by_cluster, phone_cluster if phone_gap else None, int(chosen[0]), question_score)
    name = {cluster: labels[rank] for rank, cluster in enumerate(order)}
    result = []
    for piece, cluster, margin in pieces:
        flags = [f for f in piece.flags if f != UNCERTAIN_SPEAKER] + ([UNCERTAIN_SPEAKER] if margin < UNSURE_MARGIN else [])
        result.append(piece.model_copy(update={"speaker": name[cluster], "flags": flags}))
    return Diarization(result, [labels[rank] for rank in range(k)], phone_gap)


def _split(segments: list[Segment], words: list[tuple[int, Word]], chosen: np.ndarray,
           distances: np.ndarray) -> list[tuple[Segment, int, float]]:
    """Each segment cut where its words change speaker: (piece, cluster, margin)."""
    pieces = []
    position = 0
    for index, segment in enumerate(segments):
        own = []
        while position < len(words) and words[position][0] == index:
            own.append(position)
            position += 1
        if not own:  # no words to hear: it stays with the speaker before it
            pieces.append((segment, pieces[-1][1] if pieces else 0, 1.0))
            continue
        run = [own[0]]
        for i in own[1:] + [None]:
            if i is not None and chosen[i] == chosen[run[-1]]:
                run.append(i)
                continue
            cluster = int(chosen[run[0]])
            ranked = np.sort(distances[run], axis=1)
            margin = float(np.mean((ranked[:, 1] - ranked[:, 0]) / (ranked[:, 1] + ranked[:, 0] + 1e-9)))
            piece_words = [words[j][1] for j in run]
            text = "".join(w.word for w in piece_words).strip()
            if len(run) == len(own):
                piece = segment
            else:
                piece = segment.model_copy(update={"start": piece_words[0].start, "end": piece_words[-1].end,
                                                   "text": text, "words": piece_words})
            pieces.append((piece, cluster, margin))
            run = [i] if i is not None else []
    return pieces
