"""``interview-tui guide check|show|import``."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from ..errors import GuideError, UserError
from ..guide.loader import dump_guide_yaml, load_guide
from ..guide.markdown import render_markdown
from ..guide.model import Guide


def add_parser(subparsers) -> None:
    guide = subparsers.add_parser("guide", help="check, show or import interview guides")
    actions = guide.add_subparsers(dest="guide_command", metavar="ACTION", required=True)

    check = actions.add_parser("check", help="validate guide files (exit 1 if any has problems)")
    check.add_argument("files", nargs="+", type=Path)
    check.set_defaults(handler=run_check)

    show = actions.add_parser("show", help="print a guide readably")
    show.add_argument("file", type=Path)
    show.add_argument("--markdown", action="store_true", help="print it as a Markdown outline")
    show.set_defaults(handler=run_show)

    convert = actions.add_parser("import", help="turn a Markdown outline, a Word .docx or a LibreOffice .odt into a YAML guide")
    convert.add_argument("file", type=Path)
    convert.add_argument("-o", "--output", type=Path, help="where to write the .yaml (default: print)")
    convert.set_defaults(handler=run_import)


def run_check(args) -> int:
    failed = False
    for path in args.files:
        notes: list[str] = []
        try:
            guide = _load_with_notes(path, notes)
        except GuideError as exc:
            failed = True
            for line in exc.problems:
                print(line, file=sys.stderr)
            continue
        for note in notes:
            print(_as_note(note))
        questions = sum(1 for _ in guide.questions())
        followups = sum(len(q.followups) for _, q in guide.questions())
        print(f"{path}: ok — {_count(len(guide.themes), 'theme')}, {_count(questions, 'question')}, "
              f"{_count(followups, 'follow-up')} (language {guide.language})")
        if guide.consent_item() is None:
            print(f"{path}: note — no briefing item is marked as the consent to record ('consent: true', or "
                  "{consent} in an outline): the guide will open without asking for it")
        elif _consent_inferred(path):
            print(f"{path}: note — {_consent_taken(guide)}")
    return 1 if failed else 0


def _as_note(message: str) -> str:
    """"where: what" → "where: note — what". The place may quote the document ('table 1, row 2
    ("Del 2: Tilgang")'): the first ': ' outside brackets ends it."""
    depth = 0
    for index, char in enumerate(message):
        depth += (char == "(") - (char == ")" and depth > 0)
        if char == ":" and depth == 0 and message[index + 1:index + 2] == " ":
            return f"{message[:index]}: note — {message[index + 2:]}"
    return message


def _consent_inferred(path: Path) -> bool:
    """An outline or office document whose consent item was taken from its words, not marked ``{consent}``."""
    if path.suffix.lower() in (".docx", ".odt"):
        return True  # a word processor has no mark for it: always taken from the words
    return path.suffix.lower() in (".md", ".markdown", ".txt") and \
        not re.search(r"\{[^}]*\bconsent\b", path.read_text(encoding="utf-8-sig"))


def _consent_taken(guide: Guide) -> str:
    return (f"'{guide.consent_item().text}' is taken as the consent to record (the guide opens once it is "
            "ticked) — to choose another, put {consent} after it")


def _count(number: int, word: str) -> str:
    return f"{number} {word}" + ("" if number == 1 else "s")


def guide_tree(guide: Guide) -> Tree:
    tree = Tree(Text(guide.title, style="bold"))
    if guide.briefing:
        branch = tree.add(Text("Briefing", style="bold cyan"))
        for item in guide.briefing:
            branch.add(Text(f"☐ {item.text}" + ("  [consent]" if item.consent else "")))  # Text: no markup
    for theme in guide.themes:
        label = Text(f"{theme.id}  {theme.title}", style="bold")
        if theme.minutes:
            label.append(f"  ({theme.minutes} min)", style="dim")
        branch = tree.add(label)
        for question in theme.questions:
            text = Text(f"{question.id}  {question.text}")
            if question.must_cover:
                text.append("  ★ must cover", style="bold yellow")
            q_branch = branch.add(text)
            for followup in question.followups:
                q_branch.add(Text(f"{followup.id}  {followup.text}", style="italic"))
    if guide.debriefing:
        branch = tree.add(Text("Debriefing", style="bold cyan"))
        for item in guide.debriefing:
            branch.add(Text(f"☐ {item.text}"))
    return tree


def run_show(args) -> int:
    guide = load_guide(args.file)
    if args.markdown:
        sys.stdout.write(render_markdown(guide))
        return 0
    Console().print(guide_tree(guide))
    return 0


def _guide_target(output: Path) -> Path:
    if not str(output).strip():
        raise UserError("-o: give a file name, e.g. -o guides/my-guide.yaml")
    target = (Path.cwd() / output).resolve()
    if target.is_dir():
        raise UserError(f"{output}: is a folder — give a file name, e.g. {output}/my-guide.yaml")
    if target.suffix.lower() not in (".yaml", ".yml"):
        raise UserError(f"{output}: a guide is written as .yaml — e.g. -o guides/my-guide.yaml")
    return target


def _load_with_notes(path: Path, notes: list[str]):
    """A guide file; for an outline or an office document, what was left out of it goes into ``notes``."""
    if Path(path).suffix.lower() in (".docx", ".odt"):
        from ..guide.document_outline import load_document_guide

        return load_document_guide(Path(path), notes)
    if Path(path).suffix.lower() not in (".md", ".markdown", ".txt"):
        return load_guide(path)
    from ..guide.loader import read_guide_text
    from ..guide.markdown import parse_markdown_outline

    return parse_markdown_outline(read_guide_text(Path(path)), source=str(path), notes=notes)


def run_import(args) -> int:
    notes: list[str] = []
    guide = _load_with_notes(args.file, notes)
    word = args.file.suffix.lower() in (".docx", ".odt")
    guessed = word or (args.file.suffix.lower() in (".md", ".markdown", ".txt") and
                       not re.search(r"^language\s*:", args.file.read_text(encoding="utf-8-sig"), re.MULTILINE))
    text = dump_guide_yaml(guide)
    if args.output is not None:
        from ..fileio import atomic_write_text

        target = _guide_target(args.output)
        try:
            atomic_write_text(target, text)
        except OSError as exc:
            raise UserError(f"{args.output}: cannot be written ({exc.strerror or exc}) — choose another file")
        print(f"wrote {target}")
    else:
        sys.stdout.write(text)
    for note in notes:
        print(note, file=sys.stderr)
    if guessed:
        how = ("change 'language:' in the .yaml written from it" if word else
               "begin the outline with a front matter block: ---, language: en, ---")
        print(f"{args.file}: language '{guide.language}', guessed from its words — to set it, {how}",
              file=sys.stderr)
    if guide.consent_item() is not None and _consent_inferred(args.file):
        print(f"{args.file}: {_consent_taken(guide)}", file=sys.stderr)
    return 0
