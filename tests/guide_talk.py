"""Interviews that talk about what the guide asks, in its own words: what the guide's words as
Whisper's prompt are for (spelling "NAV", "nav.no", "activity plan" as the guide does). The other
scripts hardly use the guide's words (three of its terms in the dev interview), so on them the
prompt can only cost; these measure what it buys.

Natural turn-taking as in ``speech_fixtures.NATURAL_ENGLISH``: short gaps, an answer that starts
before the question ends, back-channels on the other side. Spoken by ``speak_interview``."""

from __future__ import annotations

# dev: the prompt's form and what goes into it were chosen on this one
GUIDE_TALK = [
    ("Interviewer", "Can you tell me how you get in contact with your clients who use drugs?", 0.0),
    ("Informant", "Mostly by phone. Many of them do not answer, so I send a message in the activity plan.", 0.3),
    ("Interviewer", "Mm.", "during"),
    ("Interviewer", "Which digital services are most common to use?", 0.4),
    ("Informant", "The chat in the activity plan and write to us. Some clients prefer to come to the office.", -0.2),
    ("Interviewer", "Do your clients log in to nav.no themselves?", 0.4),
    ("Informant", "Some do. Others call NAV and ask us to write in the activity plan for them.", 0.3),
    ("Interviewer", "Right.", 0.2),
    ("Interviewer", "How did the channel strategy change your work?", 0.5),
    ("Informant", "It freed up time, but clients without a phone card or an ID chip were left behind.", 0.3),
    ("Interviewer", "Yeah.", "during"),
    ("Interviewer", "Was it challenging to get started with the digital services?", 0.4),
    ("Informant", "Yes, in the beginning it took a lot of time, but now it works quite well.", 0.3),
    ("Interviewer", "And the work assessment?", 0.4),
    ("Informant", "We still do the work assessment face to face at the NAV office.", 0.3),
]

# Held out: written before anything was measured on it, run once for the figures.
GUIDE_TALK_HELD_OUT = [
    ("Interviewer", "Let us talk about the tools your clients have. Do most of them have a phone and internet at home?", 0.0),
    ("Informant", "Most have a phone, often with a prepaid phone card. Fewer have a PC or internet at home.", 0.3),
    ("Interviewer", "Mm.", "during"),
    ("Interviewer", "And logging in to nav.no, how does that go?", 0.4),
    ("Informant", "Without an ID chip or bank ID they cannot log in, so I guide them through it at the office.", -0.2),
    ("Interviewer", "Right.", 0.2),
    ("Interviewer", "What are the strengths and weaknesses of the digital services, compared with face to face meetings?", 0.5),
    ("Informant", "A strength is that they can write to us when it suits them. A weakness is that we lose the body language.", 0.4),
    ("Interviewer", "Yeah.", "during"),
    ("Interviewer", "Has the channel strategy given you a stronger or a weaker service?", 0.5),
    ("Informant", "For clients with good skills it is stronger. For those who lack the skills it is weaker, I think.", 0.3),
    ("Interviewer", "Okay.", "during"),
    ("Interviewer", "Has the technology freed up time for you?", 0.4),
    ("Informant", "Some time freed, yes, but the follow-up takes just as long. What works best is a mix.", 0.3),
    ("Interviewer", "Thank you, that covers the guide.", 0.5),
]

# A second held-out script, written on 2026-12-06 after the first had been run (and its two guide
# words written where a near word was said had been seen), before anything ran on this one: it
# judges the prompt chosen after that.
GUIDE_TALK_HELD_OUT_2 = [
    ("Interviewer", "What do the digital services give you, and what do you lose?", 0.0),
    ("Informant", "They give me a written record. What I lose is the small talk before a meeting.", 0.4),
    ("Interviewer", "Mm.", "during"),
    ("Interviewer", "Do your clients have access to the chat?", 0.4),
    ("Informant", "Most have access, but some lack the skills to use it on their own.", 0.3),
    ("Interviewer", "What happens then?", 0.3),
    ("Informant", "They come in and we sit together at a PC in the office until it works.", -0.2),
    ("Interviewer", "Right.", "during"),
    ("Interviewer", "Does the chat strengthen the work assessment, would you say?", 0.5),
    ("Informant", "Not really. The assessment still needs a long talk, ideally face to face.", 0.3),
    ("Interviewer", "If you could choose yourself, how would you do the assessment work?", 0.5),
    ("Informant", "Two meetings in person, then follow-up by phone and write to us.", 0.4),
    ("Interviewer", "Okay.", "during"),
    ("Interviewer", "Is the lack of time a problem for you?", 0.4),
    ("Informant", "It is a problem in the spring, when everyone applies at once.", 0.3),
    ("Interviewer", "Thank you, that was my last question.", 0.5),
]
