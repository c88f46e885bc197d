"""The robustness campaign: classes of bad input and fault, each a generator of tries.

A try passes when the program answers as a user needs — one clear line (or a refusal), no
traceback, nothing written outside the study, no real name in an export. The default test suite
runs every class a bounded number of times; ``benchmarks/robustness.py`` runs the long campaign
and prints class → tries → failures.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
import shutil
import struct
import unicodedata
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import soundfile as sf

from interview_tui.cli.main import main
from interview_tui.errors import UserError
from interview_tui.export.anonymise import PseudonymTable
from interview_tui.model.transcript import Segment, Transcript, load_transcript
from interview_tui.session.store import SessionStore, load_session
from interview_tui.study import Study

from .odt_documents import odt_guides

GUIDES = Path(__file__).resolve().parents[1] / "interview_tui" / "guides"
SEED = GUIDES / "nav-digitale-tjenester.nb.yaml"

Outcome = tuple[bool, str]
"""(passed, what happened when it did not)."""


def run_cli(*argv: str) -> tuple[int, str, str]:
    """The real entry point, in this process (fast enough for thousands of tries)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def _mutate(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    action = rng.choice(["dup_line", "drop_line", "indent", "insert", "truncate", "swap", "bytes"])
    index = rng.randrange(len(lines))
    if action == "dup_line":
        lines.insert(index, lines[index])
    elif action == "drop_line":
        del lines[index]
    elif action == "indent":
        lines[index] = " " * rng.choice([1, 2, 3, 5]) + lines[index]
    elif action == "insert":
        lines.insert(index, rng.choice(["!Viktig x", "? [a, b]", ": bad", "&a x", "*a", "- ", "\t\t", "%TAG",
                                        "questions:", "text: " + "9" * 5000, "{", "]", "'unclosed",
                                        "language: norsk", "minutes: -3", "id: ../x", "\x1b[31mred\x1b[0m"]))
    elif action == "truncate":
        lines = lines[:index]
    elif action == "swap" and len(lines) > 1:
        other = rng.randrange(len(lines))
        lines[index], lines[other] = lines[other], lines[index]
    else:
        chars = list("\n".join(lines))
        for _ in range(rng.randint(1, 5)):
            chars.insert(rng.randrange(len(chars) + 1), chr(rng.choice([0, 7, 11, 12, 0x85, 0xFEFF, 0x202E])))
        return "".join(chars)
    return "\n".join(lines) + "\n"


def _guide_check(path: Path) -> Outcome:
    """`guide check` on a bad guide: ok, or problems each on one line that names the file."""
    code, out, err = run_cli("guide", "check", str(path))
    if "Traceback" in err or code not in (0, 1):
        return False, f"exit {code}: {err[-300:]}"
    if code == 1 and not all(line.startswith(str(path)) for line in err.strip().splitlines()):
        return False, f"a problem line without the file: {err[:300]}"
    return True, ""


def guide_files(work: Path, rng: random.Random) -> Iterator[Callable[[], Outcome]]:
    base = SEED.read_text(encoding="utf-8")
    while True:
        text = _mutate(base, rng)

        def attempt(text=text) -> Outcome:
            path = work / "guide.yaml"
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            return _guide_check(path)

        yield attempt


def _word_guide(path: Path) -> None:
    """A guide as Word keeps it: heading styles, numbered and bulleted lists, and the thesis's table
    with a theme cell merged down two rows and a section row merged across."""
    import docx

    document = docx.Document()
    document.add_paragraph("Intervjuguide", style="Title")
    document.add_heading("Innledning", 1)
    document.add_paragraph("Samtykke til lydopptak", style="List Bullet")
    document.add_heading("Arbeidshverdagen {minutes=10}", 1)
    document.add_paragraph("Hvordan ser en vanlig dag ut? {must keywords=“dag; rutiner”}", style="List Number")
    document.add_paragraph("Hva gjør du først?", style="List Bullet 2")
    table = document.add_table(rows=5, cols=3)
    for cell, head in zip(table.rows[0].cells, ("Tema", "Tematiske spørsmål", "Stikkord oppfølgingsspørsmål")):
        cell.text = head
    table.cell(1, 0).merge(table.cell(1, 2)).text = "Del 2: Tilgang"
    table.cell(2, 0).text, table.cell(2, 1).text, table.cell(2, 2).text = "Digitalt", "Bruker du chat?", "Hvorfor?"
    table.cell(3, 0).merge(table.cell(2, 0))
    table.cell(3, 1).text = "Og skriv til oss?"
    table.cell(4, 0).text, table.cell(4, 1).text = "Avslutning", "Noe å legge til?"
    document.save(path)


def word_guides(work: Path, rng: random.Random) -> Iterator[Callable[[], Outcome]]:
    """Damaged .docx guides: bytes flipped in the zip, the document's XML cut or spiked, parts
    missing (numbering, styles), list and merge attributes pointing nowhere."""
    import zipfile

    base_path = work / "base.docx"
    _word_guide(base_path)
    with zipfile.ZipFile(base_path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    spikes = ['<w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>', '<w:numPr><w:ilvl w:val="9"/><w:numId w:val="77"/></w:numPr>', '<w:gridSpan w:val="40"/>',
              '<w:vMerge/>', '<w:pStyle w:val="NoSuchStyle"/>', "<w:tbl></w:tbl>", "<w:tr/>", "&#0;", "<", "]]>",
              '<w:numId w:val="-1"/>', '<w:ilvl w:val="x"/>']
    while True:
        action = rng.choice(["bytes", "cut", "spike", "drop_part", "spike", "cut"])
        changed = dict(parts)
        raw = None
        if action == "bytes":
            raw = bytearray(base_path.read_bytes())
            for _ in range(rng.randint(1, 8)):
                raw[rng.randrange(len(raw))] = rng.randrange(256)
        elif action == "drop_part":
            del changed[rng.choice(["word/numbering.xml", "word/styles.xml", "word/document.xml",
                                    "[Content_Types].xml", "word/_rels/document.xml.rels"])]
        else:
            xml = changed["word/document.xml"].decode("utf-8")
            if action == "cut":
                xml = xml[:rng.randrange(len(xml))]
            else:  # inside a paragraph's or cell's properties, where Word keeps these: the XML stays whole
                anchors = [m.end() for m in re.finditer(r"<w:(?:pPr|tcPr|tc|p|tr)>", xml)] or [len(xml)]
                at = rng.choice(anchors)
                xml = xml[:at] + rng.choice(spikes) + xml[at:]
            changed["word/document.xml"] = xml.encode("utf-8")

        def attempt(changed=changed, raw=raw) -> Outcome:
            path = work / "Intervjuguide.docx"
            if raw is not None:
                path.write_bytes(bytes(raw))
            else:
                with zipfile.ZipFile(path, "w") as archive:
                    for name, data in changed.items():
                        archive.writestr(name, data)
            return _guide_check(path)

        yield attempt


def session_files(work: Path, rng: random.Random) -> Iterator[Callable[[], Outcome]]:
    from interview_tui.guide.loader import load_guide

    store = SessionStore.create(work, load_guide(SEED), pseudonym="A")
    store.mark("1.1", "covered")
    store.add_note("a note")
    store.session.current_item = "1.1"
    store.save()
    base = store.path.read_text(encoding="utf-8")
    while True:
        choice = rng.choice(["mutate", "bom", "deep", "version", "current", "id", "infinity", "truncate"])
        if choice == "mutate":
            text = _mutate(base, rng)
        elif choice == "bom":
            text = "\ufeff" + base
        elif choice == "deep":
            text = "[" * rng.choice([500, 5000, 50000]) + "]" * 10
        elif choice == "version":
            text = base.replace('"version": 1', f'"version": {rng.choice([0, 2, 99, -1])}')
        elif choice == "current":
            text = base.replace('"current_item": "1.1"', '"current_item": "9.9.z"')
        elif choice == "id":
            data = json.loads(base)
            data["id"] = rng.choice(["../../evil", "/etc/x", "..", "a/b", "", ".hidden", "x" * 200])
            text = json.dumps(data)
        elif choice == "infinity":
            text = base.replace('"theme_seconds": {}', '"theme_seconds": {"1": Infinity}')
        else:
            text = base[: rng.randrange(len(base))]

        def attempt(text=text, choice=choice) -> Outcome:
            path = work / "x.session.json"
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            try:
                session = load_session(path)
            except UserError:
                return True, ""
            except Exception as exc:  # anything else reaches the user as a traceback
                return False, f"{choice}: {type(exc).__name__}: {exc}"[:300]
            if choice == "current" and session.current_item is not None:
                return False, "an unknown current item was kept"
            if choice == "id":
                return False, f"a session id that is not a plain name was accepted: {session.id!r}"
            return True, ""

        yield attempt


def transcript_files(work: Path, rng: random.Random) -> Iterator[Callable[[], Outcome]]:
    from interview_tui.export.docx_format import write_docx
    from interview_tui.export.transcript_formats import FORMATS

    base = Transcript(audio_file="a.wav", segments=[
        Segment(start=1.0, end=2.0, speaker="Interviewer", text="Hei, hvordan går det?"),
        Segment(start=2.5, end=4.0, speaker="Informant", text="Bra, takk.")]).model_dump_json(indent=1)
    while True:
        choice = rng.choice(["mutate", "infinity", "nan", "control", "surrogate", "format", "version", "negative"])
        if choice == "mutate":
            text = _mutate(base, rng)
        elif choice in ("infinity", "nan", "negative"):
            value = {"infinity": "Infinity", "nan": "NaN", "negative": "-5"}[choice]
            text = base.replace('"start": 1.0', f'"start": {value}')
        elif choice == "control":
            text = base.replace("Bra, takk.", rng.choice(["Bra\\f takk", "Bra\\u000b takk", "\\u0000x", "a\\u001bb"]))
        elif choice == "surrogate":
            text = base.replace("Bra, takk.", "\\ud800 takk")
        elif choice == "format":
            text = base.replace('"interview-tui/transcript"', '"other/tool"')
        else:
            text = base.replace('"version": 1', '"version": 7')

        def attempt(text=text, choice=choice) -> Outcome:
            path = work / "t.json"
            path.write_text(text, encoding="utf-8")
            try:
                transcript = load_transcript(path)
            except UserError:
                return True, ""
            except Exception as exc:
                return False, f"{choice}: {type(exc).__name__}: {exc}"[:300]
            try:  # what loads must export whole
                for suffix, render in FORMATS.values():
                    (work / f"out{suffix}").write_text(render(transcript), encoding="utf-8")
                write_docx(transcript, work / "out.docx")
            except Exception as exc:
                return False, f"{choice}: loaded but the export failed: {type(exc).__name__}: {exc}"[:300]
            return True, ""

        yield attempt


REAL_NAMES = {"Kari Nordmann": "Informant A", "Ola": "Informant B", "Per": "Kollega C", "Tromsø": "[by]",
              "Zoë": "Informant D", "Jean-Luc": "Informant E", "Bærum": "[sted]", "Åse": "Informant F"}


def name_variants(name: str, rng: random.Random) -> str:
    """How the name may stand in a transcript: case, diacritics, NFD, genitives, separators."""
    variant = name
    for _ in range(rng.randint(1, 3)):
        change = rng.choice(["upper", "lower_rest", "nfd", "fold", "genitive_s", "genitive_apos", "space",
                             "nohyphen", "part", "curly"])
        if change == "upper":
            variant = variant.upper()
        elif change == "lower_rest":
            variant = variant[:1] + variant[1:].lower()
        elif change == "nfd":
            variant = unicodedata.normalize("NFD", variant)
        elif change == "fold":
            variant = variant.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("å", "a") \
                .replace("Å", "A").replace("ë", "e")
        elif change == "genitive_s":
            variant += "s"
        elif change == "genitive_apos":
            variant += "'s"
        elif change == "curly":
            variant += "’s"
        elif change == "space":
            variant = variant.replace("-", " ")
        elif change == "nohyphen":
            variant = variant.replace("-", "")
        elif change == "part" and " " in name:
            variant = rng.choice(name.split())
    return variant


def anonymiser(work: Path, rng: random.Random) -> Iterator[Callable[[], Outcome]]:
    table = PseudonymTable(REAL_NAMES)
    while True:
        real = rng.choice(list(REAL_NAMES))
        variant = name_variants(real, rng)
        sentence = rng.choice(["{} sa at det gikk bra.", "Jeg snakket med {} i går.", "Det var {} bil.",
                               "({}) ringte.", "Hei {}!", "{}"]).format(variant)
        phone = rng.choice(["", " Ring +47 99 88 77 66.", " Nummeret er 41 23 45 67.", " tlf. 22-33-44-55"])

        def attempt(text=sentence + phone, real=real) -> Outcome:
            out = table.apply(text)
            left = table.real_names_in(out) + [w for _, w, _ in table.leftovers([("t", out)])]
            # A pass: the name and the number are gone, or the export would be refused for them.
            folded_real = unicodedata.normalize("NFC", real).lower()
            if folded_real.split()[0] in unicodedata.normalize("NFC", out).lower().split() and not left:
                return False, f"{text!r} → {out!r}: the name stayed and nothing noticed"
            if any(ch.isdigit() for ch in out) and "[phone number]" not in out and not left:
                return False, f"{text!r} → {out!r}: a phone number stayed"
            return True, ""

        yield attempt


def wav_variants(work: Path, rng: random.Random) -> Iterator[Callable[[], Outcome]]:
    """WAV files that are not ours or not unfinished: repair must leave every byte as it was."""
    while True:
        kind = rng.choice(["PCM_24", "PCM_U8", "FLOAT", "PCM_16_odd", "PCM_16_list", "rate0", "channels0",
                           "PCM_16_healthy", "truncated_header"])

        def attempt(kind=kind) -> Outcome:
            path = work / "x.wav"
            frames = rng.randint(1, 4000)
            data = np.zeros((frames, rng.choice([1, 2])), np.float32)
            subtype = {"PCM_24": "PCM_24", "PCM_U8": "PCM_U8", "FLOAT": "FLOAT"}.get(kind, "PCM_16")
            sf.write(path, data, 16000, subtype=subtype)
            raw = bytearray(path.read_bytes())
            if kind == "PCM_16_odd":
                raw += b"\x01"
            elif kind == "PCM_16_list":
                raw += b"LIST" + struct.pack("<I", 4) + b"INFO"
            elif kind == "rate0":
                raw[24:28] = b"\0\0\0\0"
            elif kind == "channels0":
                raw[22:24] = b"\0\0"
            elif kind == "truncated_header":
                raw = raw[:30]
            path.write_bytes(bytes(raw))
            before = path.read_bytes()
            code, out, err = run_cli("repair", str(path))
            after = path.read_bytes()
            if "Traceback" in err:
                return False, f"{kind}: {err[-200:]}"
            if after != before:
                return False, f"{kind}: repair changed a file it did not write"
            return True, ""

        yield attempt


BAD_ARGS = [
    ["transcribe", "x.wav", "--threads", "-1"], ["record", "--seconds", "nan"], ["record", "--seconds", "-5"],
    ["record", "--seconds", "0"], ["record", "--seconds", "inf"], ["export", "S", "--format", ""],
    ["export", "S", "--format", "pdf"], ["transcribe", "S", "--language", "norsk"],
    ["transcribe", "S", "--language", "xx"], ["guide", "import", "missing.md", "-o", ""],
    ["guide", "check", "/proc"], ["coverage", "/dev/null"], ["review", "../../evil"],
    ["transcribe", "../../evil"], ["export", "../../evil"], ["record", "--session", "../../evil", "--seconds", "1"],
    ["coverage", "../../evil"], ["matrix", "--output", "/proc/x"], ["export", "S", "--output", "/etc"],
    ["export", "S", "--output", "../outside"], ["guide", "import", "g.md", "-o", "/etc"],
    ["repair", "/"], ["sessions", "--bad"], ["transcribe"], ["guide", "show", "/nonexistent.yaml"],
]


def cli_values(work: Path, rng: random.Random) -> Iterator[Callable[[], Outcome]]:
    (work / "study").mkdir(exist_ok=True)
    study = Study.at(work / "study").ensure()
    (work / "g.md").write_text("# Tema\n1. Spørsmål?\n", encoding="utf-8")
    outside = sorted(p.name for p in work.parent.iterdir())
    while True:
        args = list(rng.choice(BAD_ARGS))

        def attempt(args=args) -> Outcome:
            cwd = os.getcwd()
            os.chdir(work)
            try:
                code, out, err = run_cli("--project", str(study.root), *args)
            finally:
                os.chdir(cwd)
            if "Traceback" in err + out or (code == 0 and args[0] != "repair"):
                return False, f"{' '.join(args)}: exit {code} {err[-200:]}"
            if sorted(p.name for p in work.parent.iterdir()) != outside:
                return False, f"{' '.join(args)}: wrote outside the study"
            return True, ""

        yield attempt


CLASSES: dict[str, Callable[[Path, random.Random], Iterator[Callable[[], Outcome]]]] = {
    "guide files (mutated YAML)": guide_files,
    "Word guides (damaged .docx)": word_guides,
    "LibreOffice guides (damaged .odt)": odt_guides,
    "session files (damaged, hostile)": session_files,
    "transcript files (damaged, hostile)": transcript_files,
    "names and numbers in exports": anonymiser,
    "WAV files repair must not touch": wav_variants,
    "command-line values and paths": cli_values,
}


def run_class(name: str, tries: int, work: Path, seed: int = 1) -> tuple[int, list[str]]:
    """Run ``tries`` of one class; returns (tries, failure descriptions)."""
    rng = random.Random(seed)
    folder = work / name.split()[0]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    failures = []
    generator = CLASSES[name](folder, rng)
    for _ in range(tries):
        ok, detail = next(generator)()
        if not ok:
            failures.append(detail)
    return tries, failures
