"""The study folder: ``guides/``, ``recordings/`` and ``transcripts/`` under one root.

The root is the current directory unless ``--project DIR`` names another. Folders are created
private to the user, since they hold interview recordings.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_GUIDE_NAME = "nav-digitale-tjenester.nb.yaml"


def bundled_guides_dir() -> Path:
    """The guides shipped with interview-tui (the repository's ``guides/``)."""
    return PACKAGE_DIR.parent / "guides"


@dataclass(frozen=True)
class Study:
    root: Path

    @classmethod
    def at(cls, root: Path | str | None = None) -> "Study":
        return cls(Path(root or os.getcwd()).resolve())

    @property
    def guides_dir(self) -> Path:
        return self.root / "guides"

    @property
    def recordings_dir(self) -> Path:
        return self.root / "recordings"

    @property
    def transcripts_dir(self) -> Path:
        return self.root / "transcripts"

    def ensure(self) -> "Study":
        """Create the folders (0700) and copy the bundled guides into an empty ``guides/``."""
        for folder in (self.recordings_dir, self.transcripts_dir):
            folder.mkdir(parents=True, exist_ok=True)
            try:
                folder.chmod(0o700)
            except OSError:
                pass
        self.guides_dir.mkdir(parents=True, exist_ok=True)
        bundled = bundled_guides_dir()
        if bundled.is_dir() and bundled.resolve() != self.guides_dir.resolve() and \
                not any(self.guide_files()):
            for source in bundled.glob("*.yaml"):
                shutil.copy2(source, self.guides_dir / source.name)
        return self

    def guide_files(self) -> list[Path]:
        files = [p for p in self.guides_dir.glob("*") if p.suffix.lower() in (".yaml", ".yml", ".md")]
        return sorted(files, key=lambda p: (p.name != DEFAULT_GUIDE_NAME, p.name == "template.yaml", p.name))

    def default_guide(self) -> Path | None:
        files = [p for p in self.guide_files() if p.name != "template.yaml"]
        return files[0] if files else None
