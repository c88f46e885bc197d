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
        print(f"  {name}: {value!r}  ({origin})")
    return 0
