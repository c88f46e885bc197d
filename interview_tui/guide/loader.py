"""Loading guides from YAML or a Markdown outline, with one clear line per problem.

Researchers write guides by hand, so a bad guide is the common case. Every problem is reported as
``file:line: what is wrong — what to do``; nothing here lets a traceback reach the user.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import GuideError
from ..yaml_text import HandWrittenLoader
from .model import ChecklistItem, FollowUp, Guide, Question, Theme, duplicate_ids

_FIELDS_BY_CONTAINER = {
    "guide": list(Guide.model_fields),
    "themes": list(Theme.model_fields),
    "questions": list(Question.model_fields),
    "followups": list(FollowUp.model_fields),
    "briefing": list(ChecklistItem.model_fields),
    "debriefing": list(ChecklistItem.model_fields),
}


def read_guide_text(path: Path) -> str:
    """The file's text, or a GuideError naming the line of the first byte that is not UTF-8."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise GuideError([f"{path}: no such file — check the path, or list guides/ for the guides you have"])
    except IsADirectoryError:
        raise GuideError([f"{path}: is a folder, not a guide file — name a .yaml or .md file"])
    except OSError as exc:
        raise GuideError([f"{path}: cannot be read ({exc.strerror})"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise GuideError([f"{path}:{line}: the file is not UTF-8 text — save it as UTF-8 "
                          "(in Word or your editor: Save As, encoding UTF-8)"])
    if not text.strip():
        raise GuideError([f"{path}:1: the file is empty — start from guides/template.yaml"])
    return text


def load_guide(path: Path) -> Guide:
    """Load a guide from a ``.yaml``/``.yml`` file, a ``.md`` outline, a Word ``.docx`` or a
    LibreOffice ``.odt``."""
    path = Path(path)
    if path.suffix.lower() in (".docx", ".odt"):
        from .document_outline import load_document_guide

        return load_document_guide(path)
    text = read_guide_text(path)
    if path.suffix.lower() in (".md", ".markdown", ".txt"):
        from .markdown import parse_markdown_outline

        return parse_markdown_outline(text, source=str(path))
    return parse_guide_yaml(text, source=str(path))


# --- YAML ------------------------------------------------------------------------------------
MAX_GUIDE_BYTES = 1_000_000
"""A guide is a page or two of text; a megabyte is far past any real one."""
MAX_NODES = 50_000
MAX_DEPTH = 40
STANDARD_TAG = "tag:yaml.org,2002:"


def _compose_with_lines(text: str, source: str) -> tuple[Any, dict[tuple, int]]:
    """Parse YAML into plain data plus a map from each value's path to its 1-based line.

    Guides are typed by hand, so this is strict where YAML is lenient: a key given twice, a tag
    (``!Viktig``), an anchor/alias or a key that is not plain text is a problem reported with its
    line, never silently resolved (a repeated ``questions:`` used to drop the first questions).
    """
    if len(text) > MAX_GUIDE_BYTES:
        raise GuideError([f"{source}:1: the file is {len(text) // 1000} kB — far larger than a guide; "
                          "check that this is the right file"])
    try:
        node = yaml.compose(text, Loader=HandWrittenLoader)
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise GuideError([f"{source}:{line}: an invisible control character (#x{exc.character:04x}) that YAML "
                          "does not allow — retype that line"])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = " ".join((exc.problem or exc.context or "invalid YAML").split())
        raise GuideError([f"{source}:{line}: YAML syntax error: {problem} — check the indentation "
                          "and quote text that contains ': ' or starts with a special character"])
    except yaml.YAMLError as exc:
        raise GuideError([f"{source}:1: YAML syntax error: {exc}"])
    except RecursionError:
        raise GuideError([f"{source}:1: the guide is nested far too deeply — a guide has themes, "
                          "questions and follow-ups, three levels"])
    if node is None:
        raise GuideError([f"{source}:1: the file is empty — start from guides/template.yaml"])
    lines: dict[tuple, int] = {}
    problems: list[str] = []
    seen: set[int] = set()

    def problem(at: yaml.Node, text: str) -> None:
        problems.append(f"{source}:{at.start_mark.line + 1}: {text}")

    def build(current: yaml.Node, path: tuple) -> Any:
        if id(current) in seen:  # the same node twice: an alias (*name), and possibly a bomb
            problem(current, "anchors and aliases (&name, *name) are not supported in guides — write the text out")
            return None
        seen.add(id(current))
        if len(seen) > MAX_NODES or len(path) > MAX_DEPTH:
            raise GuideError([f"{source}:{current.start_mark.line + 1}: the guide is far larger or deeper than "
                              "a guide can be — check that this is the right file"])
        lines[path] = current.start_mark.line + 1
        if not current.tag.startswith(STANDARD_TAG):
            problem(current, f"'{current.tag}' is a YAML tag, which guides do not use — remove it, or put "
                             "the text in quotes")
            return None
        if isinstance(current, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in current.value:
                if not isinstance(key_node, yaml.ScalarNode) or not key_node.tag.startswith(STANDARD_TAG):
                    problem(key_node, "a key must be a plain word such as 'text' or 'questions'")
                    continue
                key = key_node.value
                if key in result:
                    problem(key_node, f"'{key}' is given twice here (first on line "
                                      f"{lines[path + (key,)]}) — merge the two into one '{key}:'")
                    continue
                lines[path + (key,)] = key_node.start_mark.line + 1
                result[key] = build(value_node, path + (key,))
                lines[path + (key,)] = key_node.start_mark.line + 1
            return result
        if isinstance(current, yaml.SequenceNode):
            return [build(child, path + (i,)) for i, child in enumerate(current.value)]
        constructor = yaml.SafeLoader("")
        try:
            return constructor.construct_object(current, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            problem(current, f"this value is not understood ({str(exc).splitlines()[0][:80]}) — put it in quotes")
            return current.value[:200]
        finally:
            constructor.dispose()

    try:
        data = build(node, ())
    except RecursionError:
        raise GuideError([f"{source}:1: the guide is nested far too deeply"])
    if problems:
        raise GuideError(list(dict.fromkeys(problems))[:50])
    return data, lines


def _line_for(lines: dict[tuple, int], loc: tuple) -> int:
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return 1


def _container_name(loc: tuple) -> str:
    names = [part for part in loc if isinstance(part, str) and part in _FIELDS_BY_CONTAINER]
    return names[-1] if names else "guide"


def _describe(loc: tuple) -> str:
    parts = []
    for part in loc:
        parts.append(f"[{part + 1}]" if isinstance(part, int) else f".{part}")
    return "".join(parts).lstrip(".") or "guide"


def _explain(error: dict, source: str, lines: dict[tuple, int]) -> str:
    loc = tuple(error["loc"])
    line = _line_for(lines, loc)
    kind = error["type"]
    where = _describe(loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        container = _container_name(loc[:-1])
        known = _FIELDS_BY_CONTAINER[container]
        close = difflib.get_close_matches(key, known, n=1)
        if container == "themes" and (key == "followups" or close == ["followups"]):
            return (f"{source}:{line}: follow-ups without a question ('{key}' under a theme) — "
                    "put them under the question they follow up, as 'followups:'")
        owners = [name for name, fields in _FIELDS_BY_CONTAINER.items() if key in fields and name != container]
        if owners:
            owner = {"themes": "a theme", "questions": "a question", "followups": "a follow-up",
                     "briefing": "a briefing item", "debriefing": "a debriefing item", "guide": "the guide"}
            return (f"{source}:{line}: '{key}' belongs to {owner[owners[0]]}, not to {owner[container]} "
                    f"({where.rsplit('.', 1)[0]}) — move it there")
        hint = f"did you mean '{close[0]}'?" if close else f"allowed here: {', '.join(known)}"
        return f"{source}:{line}: unknown key '{key}' in {where.rsplit('.', 1)[0]} — {hint}"
    if kind == "missing":
        field = loc[-1]
        if field == "themes":
            return f"{source}:{line}: the guide has no 'themes' — add at least one theme with questions"
        return f"{source}:{line}: {_describe(loc[:-1])} has no '{field}' — add it"
    if kind == "too_short" and loc and loc[-1] == "themes":
        return f"{source}:{line}: 'themes' is empty — add at least one theme with questions"
    if kind == "value_error":
        message = str(error.get("ctx", {}).get("error", error["msg"]))
        return f"{source}:{line}: {where}: {message}"
    if kind in ("model_type", "dict_type") and error.get("input") is None:
        return f"{source}:{line}: {where} is empty — write its text, or remove the line"
    got = error.get("input")
    shown = repr(got) if not isinstance(got, (dict, list)) else type(got).__name__
    return f"{source}:{line}: {where}: {error['msg'].lower()} (got {shown}) — fix the value"


def guide_from_data(data: Any, source: str, lines: dict[tuple, int] | None = None) -> Guide:
    lines = lines or {}
    if not isinstance(data, dict):
        raise GuideError([f"{source}:1: a guide must be a mapping with 'title' and 'themes' — "
                          "start from guides/template.yaml"])
    try:
        guide = Guide.model_validate(data)
    except ValidationError as exc:
        problems = [(_line_for(lines, tuple(err["loc"])), _explain(err, source, lines))
                    for err in exc.errors()]
        raise GuideError([text for _, text in sorted(problems, key=lambda pair: pair[0])])
    duplicates = duplicate_ids(guide)
    if duplicates:
        problems = []
        for item_id, paths in duplicates:
            where = ", ".join(str(_line_for(lines, path)) for path in paths)
            first = _line_for(lines, paths[1])
            problems.append(f"{source}:{first}: id '{item_id}' is used more than once (lines {where}) "
                            "— give each item its own id")
        raise GuideError(problems)
    return guide


def parse_guide_yaml(text: str, source: str = "<guide>") -> Guide:
    data, lines = _compose_with_lines(text, source)
    return guide_from_data(data, source, lines)


def dump_guide_yaml(guide: Guide) -> str:
    data = guide.model_dump(exclude_defaults=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
