from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GUIDES = REPO / "interview_tui" / "guides"
SEED_GUIDE_NB = GUIDES / "nav-digitale-tjenester.nb.yaml"
SEED_GUIDE_EN = GUIDES / "nav-digital-services.en.yaml"
SHARED = REPO.parent / "shared"
"""Optional material beside the clone (peer tools' output, QualCoder): tests that use it skip without it."""
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCHEMA = Path(__file__).resolve().parent / "standards" / "refi-qda-project-1.0.xsd"


@pytest.fixture
def study(tmp_path):
    from interview_tui.study import Study

    root = tmp_path / "study"
    root.mkdir()
    shutil.copytree(GUIDES, root / "guides")
    return Study.at(root).ensure()


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 120, env: dict | None = None):
    """Run the real console entry point in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "interview_tui", *args], cwd=cwd or REPO,
                          capture_output=True, text=True, timeout=timeout, env=full_env)
