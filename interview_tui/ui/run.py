"""Starting the terminal app from the command line."""

from __future__ import annotations

from ..settings import load_settings
from ..study import Study


def make_app(project=None, *, audio: bool = True):
    from .app import InterviewApp

    study = Study.at(project).ensure()
    return InterviewApp(study, load_settings(study.root), audio=audio)


def run_app(project=None) -> int:
    make_app(project).run()
    return 0
