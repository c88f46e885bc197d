"""The study folder: ``guides/``, ``recordings/`` and ``transcripts/`` under one root.

The root is the current directory unless ``--project DIR`` names another. Folders are created
private to the user, since they hold interview recordings.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import UserError
from .fileio import atomic_write_text, private_folder, remove_orphaned_temp_files

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_GUIDE_NAME = "nav-digitale-tjenester.nb.yaml"
TEMPLATE_NAME = "template.yaml"
STUDY_GITIGNORE = """# Written by interview-tui: recordings, transcripts and the real names are personal data.
recordings/
transcripts/
pseudonyms.yaml
"""


def bundled_guides_dir() -> Path:
    """The guides shipped with interview-tui (package data, so a wheel install has them too)."""
    return PACKAGE_DIR / "guides"


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
        """Create the folders (0700), copy the bundled guides into an empty ``guides/``, and clear
        the temp files of saves a crash interrupted. A folder that cannot be written is one clear
        line: recording or transcribing there would fail later, and worse."""
        if not self.root.is_dir():
            raise UserError(f"{self.root}: no such study folder — create it, or give --project an existing folder")
        try:
            for folder in (self.recordings_dir, self.transcripts_dir):
                private_folder(folder)
                remove_orphaned_temp_files(folder)
            self.guides_dir.mkdir(parents=True, exist_ok=True)
            gitignore = self.root / ".gitignore"
            if not gitignore.exists():  # a study kept in git must not carry the personal data
                atomic_write_text(gitignore, STUDY_GITIGNORE)
            bundled = bundled_guides_dir()
            if bundled.is_dir() and bundled.resolve() != self.guides_dir.resolve() and \
                    not any(self.guide_files()) and not (self.guides_dir / TEMPLATE_NAME).exists():
                for source in bundled.glob("*.yaml"):
                    shutil.copy2(source, self.guides_dir / source.name)
        except OSError as exc:
            raise UserError(f"{exc.filename or self.root}: {exc.strerror or exc} — the study folder must be "
                            "writable (is it on a read-only disk or a locked share?)")
        return self

    def require(self) -> "Study":
        """For commands that only read: the folder must exist (a typo in --project is not an empty study)."""
        if not self.root.is_dir():
            raise UserError(f"{self.root}: no such study folder — check --project")
        return self

    def guide_files(self) -> list[Path]:
        """The interview guides to choose from; ``template.yaml`` is a starting point, not a guide."""
        # A .docx or .odt as Word or LibreOffice saves it; "~$guide.docx" is Word's lock file while
        # it has the guide open (LibreOffice's, ".~lock.guide.odt#", begins with a dot).
        files = [p for p in self.guides_dir.glob("*") if p.suffix.lower() in (".yaml", ".yml", ".md", ".docx", ".odt")
                 and p.name != TEMPLATE_NAME and not p.name.startswith(("~$", "."))]
        # The researcher's own guides first (a Word guide put beside the examples was not the one
        # offered), then the seed's, then the other examples that came with the app.
        examples = {p.name for p in bundled_guides_dir().glob("*")}
        return sorted(files, key=lambda p: (p.name in examples, p.name != DEFAULT_GUIDE_NAME, p.name))

    def default_guide(self, language: str | None = None) -> Path | None:
        """The study's first guide — the first in ``language`` (a transcript's) where one is: an
        English dictaphone interview checked against the Norwegian seed guide matched nothing."""
        files = self.guide_files()
        if language and len(files) > 1:
            from .guide.loader import load_guide
            from .model.languages import whisper_language

            for path in files:
                try:
                    if whisper_language(load_guide(path).language) == whisper_language(language):
                        return path
                except UserError:
                    continue  # a broken guide is reported where it is used, not here
        return files[0] if files else None


def folder_inside(study_root: Path, requested: Path | None, default: Path) -> Path:
    """An output folder the user named (or the default), refused unless it lies in the study:
    recordings and transcripts are personal data, and what is made from them stays with them."""
    base = Path(requested) if requested is not None else Path(default)
    if not str(base).strip():
        raise UserError("--output: give a folder inside the study")
    resolved, root = (Path.cwd() / base).resolve(), Path(study_root).resolve()
    if resolved != root and root not in resolved.parents:
        raise UserError(f"{requested}: outside the study folder {root} — outputs stay in the study "
                        "(copy them out yourself where your data plan allows)")
    if resolved.exists() and not resolved.is_dir():
        raise UserError(f"{requested}: is a file, not a folder — name a folder")
    return resolved
