"""A guide typed in Word and pasted as text: headings without '#', '•' bullets, "a." sub-questions.

Researchers keep their guide in Word; pasted into a text file it has no Markdown marks: "Part 1:
Background (10 min)" is a heading only by its place (a short line that a list follows), the
checklist items are "•" or "–", and follow-ups are often "a." under their question. Read as
Markdown, every question was refused ("a question before any theme heading") and "a." lines were
joined to the question above them. The lines are rewritten one for one (line numbers stay true for
every message); headings are inferred only in an outline with no '#' heading at all."""

from __future__ import annotations

import re

_HASH_HEADING = re.compile(r"^#{1,6}\s")
_WORD_BULLET = re.compile(r"^(\s*)[•◦▪‣·–—]\s+(.*)$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•◦▪‣·–—]\s|\d+(?:\.\d+)*[.)]?\s)")
_NUMBERED = re.compile(r"^\s*\d+(?:\.\d+)*[.)]?\s")
_LETTERED = re.compile(r"^(\s*)(?:[a-h][.)]|\([a-h]\))\s+(\S.*)$")
""""a." / "a)" / "(a)" — never a bare letter: "   a day at the office?" continues its question."""
_LABELLED = re.compile(r"^(\s*)(?:\*\*|__)?(?:Q|Question|Spørsmål|Spm\.?|Frage|Fråga|Spørgsmål)\s*(\d+(?:\.\d+)*)"
                       r"\s*(?:\*\*|__)?\s*[:.)]\s*(?:\*\*|__)?\s*(\S.*)$", re.IGNORECASE)
""""Q1: …", "**Q1**: …", "Q3.", "Spørsmål 5: …": a question labelled, not numbered — read as prose,
the guide lost every question ("no themes found")."""
_PROBE_LABEL = re.compile(r"^(\s*[-*+]\s+)(?:\*\*|__)?(?:probes?|follow[- ]?ups?|prompts?|oppfølging(?:sspørsmål)?|"
                          r"stikkord|nachfragen?|uppföljning|opfølgning)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(\S.*)$",
                          re.IGNORECASE)
""""- Probe: How long…?" under a question: the label says what the line is, it is not the words asked."""
_QUESTION_MARKERS = {"questions", "main questions", "key questions", "core questions", "interview questions",
                     "spørsmål", "hovedspørsmål", "fragen", "leitfragen", "frågor", "spørgsmål"}
_ASIDE_MARKERS = {"probes", "general probes", "follow-ups", "follow ups", "prompts", "listen for", "goal", "goals",
                  "notes", "oppfølging", "oppfølgingsspørsmål", "stikkord", "nachfragen", "notizen", "mål"}
"""A template's sub-headings inside a section: "### Questions" over bulleted questions (every one
was left out, the guide refused), "### Probes" / "### Listen for" over the section's general
prompts and the interviewer's notes — no question of the guide, left out and named."""
_TIME_LINE = re.compile(r"^\s*(?:\*\*|__)?(?:time|tid|tidsbruk|zeit)(?:\*\*|__)?\s*:\s*"
                        r"(?:\*\*|__)?\s*(?:ca\.?\s*|approx\.?\s*|about\s*|c\.\s*)?(\d+)\s*"
                        r"(?:min|mins|minutes|minutter|minuter|minuten)\.?\s*(?:\*\*|__)?\s*$", re.IGNORECASE)
""""Time: 10 min" on the line under a section heading (a template's way of giving its planned time);
not "Duration: 45 minutes", which under the title is the whole interview's."""
_HEADING_MARKS = re.compile(r"^\s*(#{1,6})\s*")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_MINUTES = re.compile(r"\s*\((?:ca\.?\s*|approx\.?\s*|about\s*|c\.\s*)?(\d+)\s*(?:min|mins|minutes|minutter|minuter|minuten)\.?\)\s*$",
                      re.IGNORECASE)


def with_minutes(heading: str) -> str:
    """"Background (10 min)" → "Background {minutes=10}" (a heading that says its planned time)."""
    if "{" in heading:
        return heading
    match = _MINUTES.search(heading)
    return f"{heading[: match.start()]} {{minutes={match.group(1)}}}" if match else heading


def word_layout(lines: list[str], section_names: set[str]) -> list[str]:
    """``lines`` with Word's marks as Markdown's. Bullets and lettered follow-ups in any outline
    ("a." under a question was joined to it, silently, in Markdown too); headings only where no
    line is a '#' heading. ``section_names``: the briefing and debriefing headings, known
    whatever follows them."""
    markdown = any(_HASH_HEADING.match(line) for line in lines)
    out = list(lines)
    in_question = False
    mode: str | None = None  # under a "Questions" or a "Probes" sub-heading
    theme_level = 0
    heading_at: int | None = None  # the last '#' heading's line: a "Time: 10 min" under it is its time
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if _RULE.match(line):
            out[index] = ""  # a horizontal rule between sections: layout, not a line to name
            continue
        marker = _marker(line)
        level = len(_HASH_HEADING.match(line).group(0).strip()) if _HASH_HEADING.match(line) else 0
        # "Probes:" as a line of its own under a question leads into that question's follow-ups
        # (a pasted guide); as a '#' sub-heading of a section it heads the section's general prompts.
        if marker and ((not level and marker == "questions") or (level and theme_level and level > theme_level)):
            out[index] = ""  # a sub-heading inside the theme says what its list is; not a theme
            mode, in_question = marker, in_question and marker == "aside"
            continue
        if level:
            in_question, mode, theme_level = False, marker, level
            heading_at = index
            continue
        timed = _TIME_LINE.match(line)
        if timed and heading_at is not None and not any(lines[i].strip() for i in range(heading_at + 1, index)) \
                and "{" not in out[heading_at] and not _MINUTES.search(out[heading_at]):
            out[heading_at] = f"{out[heading_at].rstrip()} ({timed.group(1)} min)"  # the heading's planned time
            out[index] = ""
            continue
        bullet = _WORD_BULLET.match(line) or re.match(r"^(\s*)[-*+]\s+(.*)$", line)
        if bullet and mode == "questions" and not bullet.group(1):
            out[index] = f"1. {bullet.group(2)}"  # a bulleted question under "Questions"
            in_question = True
            continue
        if bullet and mode == "aside":
            out[index] = bullet.group(2)  # a general probe or a note: prose, left out and named
            continue
        labelled = _LABELLED.match(line)
        if labelled:
            out[index] = line = f"{labelled.group(1)}{labelled.group(2)}. {labelled.group(3)}"
        bullet = _WORD_BULLET.match(line)
        if bullet:
            out[index] = line = f"{bullet.group(1)}- {bullet.group(2)}"
        probe = _PROBE_LABEL.match(line) if in_question else None
        if probe:
            out[index] = f"{probe.group(1)}{probe.group(2)}"
            continue
        if bullet:
            continue
        lettered = _LETTERED.match(line)
        if lettered and in_question:
            out[index] = f"   - {lettered.group(2)}"  # "a. How long…" under its question: a follow-up
            continue
        if _NUMBERED.match(line):
            in_question = True
            continue
        if markdown or _LIST_ITEM.match(line) or line.startswith((" ", "\t")):
            continue  # headings are inferred only where none is marked
        following = next((other for other in lines[index + 1:] if other.strip() and _marker(other) != "questions"), "")
        name = re.sub(r"\(.*?\)|[:.]$", "", stripped).strip().lower()
        # A short line a list follows is a heading: a numbered question after it, or a checklist
        # under a known name, or one before any question ("Probes:" among questions is not).
        heads_list = _NUMBERED.match(following) or (_LIST_ITEM.match(following) and
                                                    (name in section_names or not in_question))
        if heads_list and len(stripped) <= 100 and not stripped.endswith("?") and \
                not (stripped.endswith(":") and name not in section_names):
            out[index] = "## " + with_minutes(stripped.rstrip(":"))
            in_question, mode = False, None  # a new section: "Questions:" above was the last one's
    return out


def _marker(line: str) -> str | None:
    """"questions" or "aside" for a sub-heading line such as "### Questions" or "Probes:"."""
    name = _HEADING_MARKS.sub("", line).strip().strip("*_").strip().rstrip(":").strip("*_ ").lower()
    if name in _QUESTION_MARKERS:
        return "questions"
    return "aside" if name in _ASIDE_MARKERS else None
