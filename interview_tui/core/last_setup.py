"""What the start screen offers first: the guide and audio sources of the last interview in this
study, so the setup that worked is not chosen again by hand before every call."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..fileio import atomic_write_text

FILE_NAME = ".interview-tui-last.json"


class LastSetup(BaseModel):
    guide: str | None = None
    """The guide's file name in guides/."""
    mic: str | None = None
    line: str | None = None
    recording: bool = True


def load_last_setup(study_root: Path) -> LastSetup:
    try:
        return LastSetup.model_validate(json.loads((Path(study_root) / FILE_NAME).read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError):
        return LastSetup()  # none yet, or unreadable: the defaults are fine


def save_last_setup(study_root: Path, setup: LastSetup) -> None:
    try:
        atomic_write_text(Path(study_root) / FILE_NAME, setup.model_dump_json())
    except OSError:
        pass  # a convenience: never worth interrupting an interview for
