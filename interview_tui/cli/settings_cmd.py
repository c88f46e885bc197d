"""``interview-tui settings``: where settings are read from, and what is in force."""

from __future__ import annotations

import os


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("settings", help="show where the settings are read from and their values",
                                   description="Settings are read from the first file that exists of those "
                                               "listed; INTERVIEW_TUI_<NAME> environment variables win.")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from ..settings import Settings, load_settings, settings_paths
    from ..study import Study

    study = Study.at(args.project)
    paths = settings_paths(study.root)
    used = next((path for path in paths if path.is_file()), None)
    print("Settings files, first found wins:")
    for path in paths:
        mark = "→ in use" if path == used else ("exists" if path.is_file() else "not there")
        print(f"  {path}  ({mark})")
    settings = load_settings(study.root)
    print("\nIn force:")
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        origin = "environment" if os.environ.get(f"INTERVIEW_TUI_{name.upper()}") else \
            ("file" if name in settings.model_fields_set else "default")
        meaning = _what_auto_means(settings) if name == "model" else ""
        if name == "language" and origin == "default":
            meaning = "; the guide's language, or heard in a recording without a guide"
        print(f"  {name}: {value!r}  ({origin}{meaning})")
    return 0


def _what_auto_means(settings) -> str:
    """``auto`` names no model: say which one a transcription would take on this computer."""
    from ..errors import UserError
    from ..transcribe.models import AUTO_MODEL, auto_model
    from ..transcribe.pipeline import whisper_language

    if settings.model != AUTO_MODEL:
        return ""
    try:
        return f"; on this computer: {auto_model({whisper_language(settings.language)})}"
    except UserError:
        return "; no model on this computer — see the README, 'Models'"
