"""``interview-tui export`` and ``interview-tui names``: anonymised exports for QDA tools."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import UserError

DEFAULT_FORMATS = "txt,md,docx,qdpx,report"


def add_parser(subparsers) -> None:
    export = subparsers.add_parser(
        "export", help="export the (corrected) transcript: txt, md, docx, srt, vtt, maxqda, nvivo, qdpx, report",
        description="Names in pseudonyms.yaml (study folder; 'Real name: Replacement' per line, 'Word: Word' for "
                    "a word that is not a name) are replaced in every export, never in the stored transcript. "
                    "The export stops if a name seems left in, or while a capitalised word is in neither list "
                    "(`interview-tui names` lists them; in the review: n).")
    export.add_argument("target", metavar="SESSION_OR_TRANSCRIPT", nargs="?")
    export.add_argument("--all", action="store_true",
                        help="every transcribed interview of the study in one .qdpx (transcripts/exports/"
                             "all-interviews.qdpx): a source and a case per interview, each answer coded by guide item")
    export.add_argument("--format", default=DEFAULT_FORMATS,
                        help="comma-separated list, or 'all' (default: txt,md,docx,qdpx,report)")
    export.add_argument("--guide", type=Path, help="the guide (default: the session's)")
    export.add_argument("--output", type=Path, help="a folder inside the study (default: transcripts/exports/)")
    export.add_argument("--no-anonymise", action="store_true",
                        help="keep real names (for your own eyes only): written to not-anonymised/, "
                             "named *.NOT-ANONYMISED.*, with a notice at the top")
    export.add_argument("--force", action="store_true", help="export although a name may be left in")
    export.add_argument("--line-numbers", action="store_true", help="number the lines of the .docx (to cite 'line 132')")
    export.add_argument("--link-audio", action="store_true",
                        help="put the recording into the .qdpx, synchronised with the transcript, so QDA tools play a "
                             "quote (off by default: a voice, and names spoken in it, identify the informant)")
    export.add_argument("--needs-bokmal", action="store_true",
                        help="mark the export: quotes still in dialect, to be rewritten to Bokmål before publishing")
    export.set_defaults(handler=run_export)

    names = subparsers.add_parser("names", help="the capitalised words pseudonyms.yaml does not decide yet")
    names.add_argument("target", metavar="SESSION_OR_TRANSCRIPT")
    names.set_defaults(handler=run_names)


def run_export(args) -> int:
    from ..coverage.check import resolve_input
    from ..export.service import export, output_folder, parse_formats
    from ..study import Study

    study = Study.at(args.project).require()
    if args.all:
        return _export_all(args, study)
    if not args.target:
        raise UserError("name a session or transcript to export (`interview-tui sessions` lists them), or --all "
                        "for one .qdpx of every interview")
    formats = parse_formats(args.format)
    out_dir = output_folder(study.root, args.output, anonymise=not args.no_anonymise)
    source = resolve_input(args.target, study, args.guide)
    audio = None
    if args.link_audio:
        from ..session.lookup import find_interview

        from ..core.review import recording_of

        audio = find_interview(args.target, study.recordings_dir, study.transcripts_dir).audio \
            or recording_of(source.transcript, study)
        if audio is None or not audio.is_file():
            raise UserError(f"{args.target}: no recording to link — export without --link-audio")
        if not args.no_anonymise:
            print("warning: the .qdpx carries the recording; the voice (and any name spoken) is not anonymised",
                  file=sys.stderr)
    result = export(source, study.root, out_dir, formats, anonymise=not args.no_anonymise,
                    force=args.force, needs_bokmal=args.needs_bokmal, line_numbers=args.line_numbers, audio=audio)
    for path in result.files:
        print(path)
    if result.kept_earlier:
        print("an earlier export of the same name is kept beside these (they carry a number)", file=sys.stderr)
    if args.no_anonymise:
        print(f"NOT anonymised: these files hold real names — kept apart in {out_dir}", file=sys.stderr)
    return 0


def _export_all(args, study) -> int:
    from ..coverage.check import study_inputs
    from ..export.service import output_folder
    from ..export.study_qdpx import export_study_qdpx
    from ..guide.loader import load_guide

    if args.target:
        raise UserError(f"--all exports every interview: leave out '{args.target}', or leave out --all")
    refused = [flag for flag, given in (("--format", args.format != DEFAULT_FORMATS),
                                        ("--no-anonymise", args.no_anonymise), ("--link-audio", args.link_audio),
                                        ("--line-numbers", args.line_numbers), ("--needs-bokmal", args.needs_bokmal))
               if given]
    if refused:
        raise UserError(f"--all writes one anonymised .qdpx without recordings: {', '.join(refused)} is for one "
                        "interview's export")
    left_out: list[str] = []
    result, notes = export_study_qdpx(study.root, study_inputs(study, args.guide, left_out),
                                      output_folder(study.root, args.output, anonymise=True),
                                      guide=load_guide(args.guide) if args.guide else None, force=args.force)
    for note in left_out + notes:
        print(f"note: {note}", file=sys.stderr)
    for path in result.files:
        print(path)
    if result.kept_earlier:
        print("an earlier export of the same name is kept beside it (this one carries a number)", file=sys.stderr)
    return 0


def run_names(args) -> int:
    from ..coverage.check import resolve_input
    from ..export.anonymise import PseudonymTable, sentence_start_words, suggest_names
    from ..export.service import words_to_decide
    from ..study import Study

    study = Study.at(args.project).require()
    source = resolve_input(args.target, study)
    table = PseudonymTable.load(study.root)
    known = set(table.mapping.values())  # a replacement ("Name A") is not a name to decide
    looked_through = words_to_decide(source)  # the call's notes too
    suggestions = [(w, n) for w, n in suggest_names(looked_through, known, 10_000) if not table.decides(w)]
    starts = [(w, n) for w, n in sentence_start_words(looked_through, known, 10_000) if not table.decides(w)]
    near = table.near_names(looked_through)
    if not suggestions and not starts and not near:
        print(f"every capitalised word is decided in {table.path.name}: replaced, or kept as not a name")
        return 0
    if near:  # these stop the export as undecided names do
        print(f"Words close to a name that {table.path} replaces (a misspelling, or a word made from it) — add "
              "each as 'word: Replacement', or 'word: word' if it is no name:")
        for word, count, real in near:
            print(f"  {word}: {count}× (like '{real}')")
    if suggestions:
        print(f"Capitalised words in {source.name} that {table.path} does not decide yet — add each as "
              "'Real name: Replacement', or 'Word: Word' if it is not a name (in the review: n):")
        for name, count in suggestions:
            print(f"  {name}: {count}×")
    if starts:
        print("Capitalised only where a sentence starts (a name, or just the first word?):")
        for name, count in starts:
            print(f"  {name}: {count}×")
    return 0
