"""Guides as Markdown outlines: imported from what researchers write, rendered for printing.

The outline a researcher types::

    ---
    title: Digital contact with clients
    language: en
    ---
    # Briefing
    - Explain the purpose of the study
    - Consent to the audio recording {consent}

    # Use of digital services {minutes=15 keywords="chat; activity plan"}
    1. How do you get in touch with clients? {must}
       - The first time?
       - What if you cannot reach them?
    2. Which digital services are most common?

    # Debriefing
    - How was it to be interviewed by phone?

Headings are themes (``Briefing``/``Debriefing`` and their Norwegian names are the checklists),
numbered lines are questions, indented ``-`` lines are follow-ups. The ``{…}`` attributes are
optional (pandoc style): ``#id``, ``minutes=N``, ``keywords="a; b"``, ``must``, ``consent``.
"""

from __future__ import annotations

import re
import shlex

import yaml

from ..model.languages import detect_language

from ..errors import GuideError
from ..yaml_text import load_hand_written
from .loader import guide_from_data
from .model import Guide, term_list
from .word_layout import with_minutes, word_layout

# What researchers head the checklists before and after the questions with (a guide typed in Word
# says "Introduction" and "Closing" as often as "Briefing"), in the languages a guide may be in.
_BRIEFING_NAMES = {"briefing", "before the interview", "introduction", "intro", "opening", "before we start",
                   "innledning", "innleiing", "introduksjon", "før intervjuet", "for intervjuet", "åpning",
                   "inledning", "introduktion", "före intervjun", "indledning", "før interviewet",
                   "einleitung", "einführung", "einstieg", "begrüßung", "eröffnung", "vor dem interview"}
_DEBRIEFING_NAMES = {"debriefing", "after the interview", "closing", "wrap-up", "wrap up", "ending", "conclusion",
                     "end of the interview", "avslutning", "avrunding", "etter intervjuet", "efter intervjun",
                     "afslutning", "efter interviewet", "abschluss", "ausklang", "nach dem interview"}

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_QUESTION = re.compile(r"^(\d+(?:\.\d+)*)[.)]?\s+(.*)$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(?:\[[ xX]\]\s+)?(.*)$")
_TERMS_LINE = re.compile(r"^(?:terms|glossary|begreper|fagbegreper|fagord|ordliste|termer|begriffe)\s*:\s*(.+)$",
                         re.IGNORECASE)
"""A line such as "Begreper: NAV; Modia; aktivitetsplan" before the first theme: the transcriber's
terms where there is no front matter to put them in (a guide kept in Word or LibreOffice)."""
_ATTRIBUTES = re.compile(r"\s*\{([^{}]*)\}\s*$")
_THEME_NUMBER = re.compile(r"^(?:(?:theme|tema|part|del|teil|section|seksjon|abschnitt)\s+)?\d+\s*[.):—–-]\s*",
                           re.IGNORECASE)


def _section_name(heading: str) -> str:
    """A heading as the checklist names are written: "0. Introduction", "Del 1: Innledning" → the name."""
    return _THEME_NUMBER.sub("", heading.strip()).lower().rstrip(":").strip()


_TYPOGRAPHIC_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})


def _split_attributes(text: str, source: str, line_no: int) -> tuple[str, dict]:
    match = _ATTRIBUTES.search(text)
    if not match:
        return text.strip(), {}
    attributes: dict = {}
    # Word (and pandoc, and a Norwegian keyboard) turn "a; b" into “a; b” or «a; b» as you type.
    inside = match.group(1).translate(_TYPOGRAPHIC_QUOTES)
    try:
        tokens = shlex.split(inside)
    except ValueError:
        raise GuideError([f"{source}:{line_no}: unbalanced quotes in {{{match.group(1)}}} — "
                          'write keywords="a; b"'])
    for token in tokens:
        if token.startswith("#"):
            attributes["id"] = token[1:]
        elif "=" in token:
            key, value = token.split("=", 1)
            if key == "keywords":
                attributes["keywords"] = [word.strip() for word in value.split(";") if word.strip()]
            elif key == "minutes":
                attributes["minutes"] = value
            else:
                raise GuideError([f"{source}:{line_no}: unknown attribute '{key}' — "
                                  "use #id, minutes=N, keywords=\"a; b\", must or consent"])
        elif token in ("must", "consent"):
            attributes["must_cover" if token == "must" else "consent"] = True
        else:
            raise GuideError([f"{source}:{line_no}: unknown attribute '{token}' — "
                              "use #id, minutes=N, keywords=\"a; b\", must or consent"])
    return text[: match.start()].strip(), attributes


def parse_markdown_outline(text: str, source: str = "<outline>", notes: list[str] | None = None) -> Guide:
    """``notes``, when given, receives what was left out and why: a guide as researchers keep it
    has prose among its items (an introduction, a gloss under a heading, notes on the method) and
    sections without questions; those are not asked, so they are left out and named, not refused."""
    lines = text.splitlines()
    meta: dict = {}
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is None:
            raise GuideError([f"{source}:1: the front matter opened with '---' is never closed — "
                              "add a '---' line after it"])
        try:
            meta = load_hand_written("\n".join(lines[1:end])) or {}
        except yaml.YAMLError as exc:
            raise GuideError([f"{source}:2: front matter is not valid YAML ({exc}) — "
                              "write 'title: …' and 'language: nb'"])
        if not isinstance(meta, dict):
            raise GuideError([f"{source}:2: the front matter must be 'key: value' lines such as "
                              "'title: …' and 'language: en', not a list"])
        start = end + 1

    lines = lines[:start] + word_layout(lines[start:], _BRIEFING_NAMES | _DEBRIEFING_NAMES)
    data: dict = {"title": None, "themes": [], **meta}
    line_map: dict[tuple, int] = {}
    problems: list[str] = []
    prose: list[int] = []  # lines that are not items: left out
    early: list[tuple[int, dict]] = []  # bullets before the theme's first question: an error only if one follows
    empty_themes: list[tuple[int, str]] = []
    briefing_headings: list[tuple[int, str]] = []  # a heading of no known name read as the briefing
    section: str | None = None  # "briefing", "debriefing", "theme"
    theme: dict | None = None
    question: dict | None = None
    last: dict | None = None  # the item a wrapped line continues
    terms_lines: list[tuple[int, list[str]]] = []

    def close_theme() -> None:
        if theme is not None and section == "theme" and not theme["questions"]:
            data["themes"].pop()  # a section of notes, not questions
            heading_line = line_map.pop(("themes", len(data["themes"])))
            if not data["themes"] and "briefing" not in data and \
                    any(_CONSENT_WORDS.search(item["text"]) for _, item in early):
                # The checklist before the questions under a heading of its own ("Einstieg",
                # "Warm-up"): its asking for consent says what it is, and the consent must not be lost.
                data["briefing"] = [item for _, item in early]
                line_map.update({("briefing", i): n for i, (n, _) in enumerate(early)})
                briefing_headings.append((heading_line, theme["title"]))
            else:
                empty_themes.append((heading_line, theme["title"]))
        elif early:
            problems.extend(f"{source}:{n}: a follow-up without a question — put it under a numbered "
                            "question (e.g. '1. …'), or, if it is said before or after the questions, head "
                            "its section '# Briefing' or '# Debriefing'" for n, _ in early)
        early.clear()

    for index in range(start, len(lines)):
        line_no = index + 1
        raw = lines[index]
        if not raw.strip():
            continue
        heading = _HEADING.match(raw)
        if heading:
            body, attributes = _split_attributes(with_minutes(heading.group(2)), source, line_no)
            name = _section_name(body)
            if len(heading.group(1)) == 1 and data["title"] is None and not data["themes"] and \
                    section is None and name not in _BRIEFING_NAMES | _DEBRIEFING_NAMES and \
                    _next_heading_level(lines, index) == 2:
                data["title"] = body  # "# Title" over "## Theme" headings
                continue
            close_theme()
            question = last = None
            if name in _BRIEFING_NAMES or name in _DEBRIEFING_NAMES:
                section, theme = ("briefing" if name in _BRIEFING_NAMES else "debriefing"), None
                data.setdefault(section, [])
                continue
            section = "theme"
            theme = {"title": _THEME_NUMBER.sub("", body) or body, "questions": [], **attributes}
            data["themes"].append(theme)
            line_map[("themes", len(data["themes"]) - 1)] = line_no
            continue
        bullet = _BULLET.match(raw)
        numbered = _QUESTION.match(raw.strip())
        if numbered and not bullet:
            if section != "theme" or theme is None:
                problems.append(f"{source}:{line_no}: a question before any theme heading — "
                                "add a '# Theme' line above it")
                continue
            problems.extend(f"{source}:{n}: a follow-up without a question — put it under a numbered "
                            "question (e.g. '1. …'), or, if it is said before or after the questions, head "
                            "its section '# Briefing' or '# Debriefing'" for n, _ in early)
            early.clear()
            body, attributes = _split_attributes(numbered.group(2), source, line_no)
            question = last = {"text": body, "followups": [], **attributes}
            theme["questions"].append(question)
            t = len(data["themes"]) - 1
            line_map[("themes", t, "questions", len(theme["questions"]) - 1)] = line_no
            continue
        if bullet:
            body, attributes = _split_attributes(bullet.group(2), source, line_no)
            if section in ("briefing", "debriefing"):
                last = {"text": body, **attributes}
                data[section].append(last)
                line_map[(section, len(data[section]) - 1)] = line_no
            elif question is None:
                if section == "theme":
                    early.append((line_no, {"text": body, **attributes}))  # notes, unless a question follows
                else:
                    problems.append(f"{source}:{line_no}: a follow-up without a question — put it "
                                    "under a numbered question (e.g. '1. …'), or, if it is said before or "
                                    "after the questions, head its section '# Briefing' or '# Debriefing'")
            else:
                last = {"text": body, **attributes}
                question["followups"].append(last)
                t = len(data["themes"]) - 1
                q = len(theme["questions"]) - 1
                line_map[("themes", t, "questions", q, "followups", len(question["followups"]) - 1)] = line_no
            continue
        if last is not None and raw.startswith((" ", "\t")):
            last["text"] = f"{last['text']} {raw.strip()}"  # a wrapped question or follow-up
            continue
        listed = _terms_of(raw) if section is None and not data["themes"] else None
        if listed:
            data["terms"] = [*term_list(data.get("terms") or []), *listed]
            terms_lines.append((line_no, listed))
            continue
        if section is None and data["title"] is None:
            data["title"] = raw.strip()
            continue
        prose.append(line_no)
    close_theme()
    if problems:
        raise GuideError(problems)
    untitled = not data["title"]
    if untitled:
        data["title"] = data["themes"][0]["title"] if data["themes"] else source
    if "language" not in meta:  # an outline typed in English must not become a Bokmål guide
        data["language"], _ = detect_language(text)
    if not data["themes"]:
        raise GuideError([f"{source}:1: no themes found — start each theme with a '# Theme' heading "
                          "and number its questions ('1. …')"])
    if notes is not None:
        if prose:
            notes.append(f"{source}: {_line_list(prose)}: text that is not a heading, a numbered question or "
                         "a '-' item — left out (a question must be numbered to be asked)")
        for line_no, title in empty_themes:
            notes.append(f"{source}:{line_no}: '{title}' has no numbered question — left out as notes")
        if untitled:
            notes.append(f"{source}: titled '{data['title']}' after its first theme — to name it, begin the "
                         "outline with a '# Title' line over '## Theme' headings, or 'title:' in a front matter block")
        for line_no, listed in terms_lines:
            notes.append(f"{source}:{line_no}: read as terms for the transcriber ({', '.join(listed)}): names it "
                         "should spell, never counted as coverage")
        for line_no, title in briefing_headings:
            notes.append(f"{source}:{line_no}: '{title}' read as the briefing (it asks for consent, before the "
                         "questions) — head it '# Briefing' to say so")
    _infer_consent(data.get("briefing", []))
    return guide_from_data(data, source, line_map)


def _terms_of(line: str) -> list[str] | None:
    """The terms of a "Terms: NAV; Modia" line — short names in a list, not a sentence that begins
    with the word ("Begreper: i denne oppgaven bruker jeg …" is prose)."""
    found = _TERMS_LINE.match(line.strip())
    if not found:
        return None
    value = found.group(1)
    items = [item.strip().rstrip(".") for item in re.split(r";" if ";" in value else r",", value) if item.strip()]
    return items if items and all(len(item.split()) <= 4 for item in items) else None


def _line_list(numbers: list[int]) -> str:
    """"lines 3–9, 11, 14" from [3, 4, 5, 6, 7, 8, 9, 11, 14]."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts = [f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs]
    return ("lines " if len(numbers) > 1 else "line ") + ", ".join(parts)


_CONSENT_WORDS = re.compile(r"\b(consent|samtykk|samtyck|einwillig|einverst|zustimm)", re.IGNORECASE)
_RECORDING_WORDS = re.compile(r"\b(record|recording|lydopptak|opptak|ta opp|spela in|inspelning|optage|optagelse|"
                              r"aufnahme|aufnehmen|aufzeichn)", re.IGNORECASE)


def inferred_consent(briefing: list) -> int | None:
    """The one briefing item that speaks of consent, when none is marked ``{consent}``: a guide
    typed in Word says "Ask for consent to record" and nothing more. Two such items: neither."""
    if any(item.get("consent") for item in briefing):
        return None
    for words in (_CONSENT_WORDS, _RECORDING_WORDS):  # "Is it okay if I record this?" asks for it too
        speaking = [i for i, item in enumerate(briefing) if words.search(str(item.get("text", "")))]
        if speaking:
            return speaking[0] if len(speaking) == 1 else None
    return None


def _infer_consent(briefing: list) -> None:
    found = inferred_consent(briefing)
    if found is not None:
        briefing[found]["consent"] = True


def _next_heading_level(lines: list[str], index: int) -> int:
    for raw in lines[index + 1:]:
        match = _HEADING.match(raw)
        if match:
            return len(match.group(1))
    return 0


def _attributes(**values) -> str:
    parts = []
    for key, value in values.items():
        if value in (None, False, "", [], ()):
            continue
        if key == "id":
            parts.append(f"#{value}")
        elif key == "keywords":
            parts.append('keywords="' + "; ".join(value) + '"')
        elif value is True:
            parts.append("must" if key == "must_cover" else key)
        else:
            parts.append(f"{key}={value}")
    return (" {" + " ".join(parts) + "}") if parts else ""


def render_markdown(guide: Guide, with_ids: bool = True) -> str:
    """The guide as a Markdown outline that ``parse_markdown_outline`` reads back unchanged."""
    meta = {"title": guide.title, "language": guide.language}
    if guide.description:
        meta["description"] = guide.description
    if guide.terms:
        meta["terms"] = "; ".join(guide.terms)
    out = ["---", yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100).strip(), "---", ""]
    if guide.briefing:
        out.append("# Briefing")
        for item in guide.briefing:
            out.append(f"- {item.text}{_attributes(id=item.id if with_ids else None, consent=item.consent)}")
        out.append("")
    for theme in guide.themes:
        out.append(f"# {theme.title}{_attributes(id=theme.id if with_ids else None, minutes=theme.minutes, keywords=theme.keywords, must_cover=theme.must_cover)}")
        for number, question in enumerate(theme.questions, start=1):
            label = question.id if with_ids else str(number)
            out.append(f"{label}. {question.text}{_attributes(id=question.id if with_ids else None, keywords=question.keywords, must_cover=question.must_cover)}")
            for followup in question.followups:
                out.append(f"   - {followup.text}{_attributes(id=followup.id if with_ids else None, keywords=followup.keywords)}")
        out.append("")
    if guide.debriefing:
        out.append("# Debriefing")
        for item in guide.debriefing:
            out.append(f"- {item.text}{_attributes(id=item.id if with_ids else None)}")
        out.append("")
    return "\n".join(out)
