"""Starting the terminal app from the command line."""

from __future__ import annotations

from ..settings import load_settings
from ..study import Study


def make_app(project=None, *, audio: bool = True, review: str | None = None):
    from .app import InterviewApp

    study = Study.at(project).ensure()
    return InterviewApp(study, load_settings(study.root), audio=audio, review=review)


def run_app(project=None, review: str | None = None, guide=None) -> int:
    app = make_app(project)
    if review is not None:
        app.review_target = app.review_screen(review, guide)  # a bad target is reported before the app opens
    app.run()
    return 0
