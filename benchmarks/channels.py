"""Where each speaker's words are lost: ours against plain faster-whisper given the file, and given
that speaker's channel alone.

Ours transcribes each channel apart (that is where its speakers and its speed come from); plain
hears the two channels mixed. This prints, per speaker, how many of the words said were written
wrong or left out by
  - ours: ``interview-tui transcribe FILE`` (that speaker's channel);
  - plain, the file: ``benchmarks/plain_whisper.py FILE`` (its text aligned to the whole reference,
    each missed word counted against the speaker who said it);
  - plain, the channel alone: the same program given a mono file of that channel,
and, apart, the words each wrote that nobody said (plain's on the file belong to no speaker).
Each program runs as a child process, as a user runs it. On the LibriVox readers with tiny.en the
informant's phone-band voice is heard best in the mix, worst by plain alone (benchmarks/transcription.md).

    python benchmarks/channels.py [--model tiny.en] [--voice recorded|espeak|piper] [--renderings 3]
"""

from __future__ import annotations

import argparse
import collections
import shutil
import tempfile
from pathlib import Path

import jiwer
import soundfile as sf

from transcribe import normalise, ours, plain, render

SPEAKERS = ("Interviewer", "Informant")
WHO = ("ours", "plain, the file", "plain, the channel alone")


def missed_words(reference: list[str], hypothesis: str) -> tuple[list[bool], int]:
    """For each reference word whether it was written wrong or left out, and the inserted words."""
    missed, inserted = [False] * len(reference), 0
    if not reference:
        return missed, len(hypothesis.split())
    out = jiwer.process_words(" ".join(reference), hypothesis or "")
    for step in out.alignments[0]:
        if step.type == "insert":
            inserted += step.hyp_end_idx - step.hyp_start_idx
        elif step.type != "equal":
            for index in range(step.ref_start_idx, step.ref_end_idx):
                missed[index] = True
    return missed, inserted


def one_rendering(audio: Path, turns, study: Path, work: Path, model: str, counts: collections.Counter) -> None:
    said = [(who, word) for who, text, *_ in turns for word in normalise(text).split()]
    transcript = ours(audio, study, model, "en")[2]
    mixed_missed, mixed_inserted = missed_words([word for _, word in said], normalise(plain(audio, model, "en")[2]))
    counts[("plain, the file", "inserted")] += mixed_inserted
    samples, rate = sf.read(audio, dtype="float32")
    for channel, speaker in enumerate(SPEAKERS):
        reference = [word for who, word in said if who == speaker]
        counts[("words", speaker)] += len(reference)
        counts[("plain, the file", speaker)] += sum(m for (who, _), m in zip(said, mixed_missed) if who == speaker)
        given = normalise(" ".join(s["text"] for s in transcript["segments"] if s["channel"] == channel))
        missed, inserted = missed_words(reference, given)
        counts[("ours", speaker)] += sum(missed)
        counts[("ours", "inserted")] += inserted
        alone = work / f"{speaker.lower()}-alone.wav"
        sf.write(alone, samples[:, channel], rate)
        missed, inserted = missed_words(reference, normalise(plain(alone, model, "en")[2]))
        counts[("plain, the channel alone", speaker)] += sum(missed)
        counts[("plain, the channel alone", "inserted")] += inserted


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--voice", default="recorded", choices=["recorded", "espeak", "piper"])
    parser.add_argument("--renderings", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--script", default="dev", help="for a TTS voice: which interview (see transcribe.py)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="channels-"))
    study = work / "study"
    (study / "recordings").mkdir(parents=True)
    counts: collections.Counter = collections.Counter()
    try:
        for rendering in range(args.renderings):
            spoken = render(args.voice, work / f"rendering-{rendering}", args)
            audio = study / "recordings" / f"{args.voice}.wav"
            shutil.copy(spoken.path, audio)
            before = counts.copy()
            one_rendering(audio, sorted(spoken.turns, key=lambda t: t[2]), study, work, args.model, counts)
            print(f"rendering {rendering + 1} of {args.renderings}: all words wrong, left out or inserted — "
                  + ", ".join(f"{who} {sum(counts[(who, s)] - before[(who, s)] for s in (*SPEAKERS, 'inserted'))}"
                              for who in WHO), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{args.voice}, {args.model}, {args.renderings} renderings: words said and written wrong or left out")
    print(f"{'':28}" + "".join(f"{s:>23}" for s in SPEAKERS) + f"{'inserted':>12}")
    for who in WHO:
        cells = "".join(f"{counts[(who, s)]:>6} of {counts[('words', s)]:<5} {100 * counts[(who, s)] / max(1, counts[('words', s)]):5.1f} %"
                        for s in SPEAKERS)
        print(f"{who:28}{cells}{counts[(who, 'inserted')]:>12}")


if __name__ == "__main__":
    main()
