"""User settings, set once: the Whisper model, language, devices and speaker labels.

Read from ``settings.yaml`` in the study folder if present, else from the user's config folder
(``interview-tui settings`` prints where). Environment variables ``INTERVIEW_TUI_<FIELD>`` win.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from platformdirs import user_config_dir
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .model.languages import check_language

from .errors import UserError
from .fileio import atomic_write_text
from .yaml_text import load_hand_written


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = "auto"
    """``auto``: the best model on this computer (a downloaded ``small``, else the multilingual
    ``base`` from PyPI, else ``tiny.en`` for English); a faster-whisper name (downloaded once
    with --download-model, needs internet); or a local model folder (NB-Whisper)."""
    language: str = "auto"
    """Whisper language: ``no`` (Bokmål), ``nn`` (Nynorsk), ``en``… always; or ``auto``: by default
    the guide's language, and for a recording without a guide the one heard in it (written in
    here as ``auto``, heard even where there is a guide)."""
    device: str = "auto"
    compute_type: str = "default"
    interviewer_label: str = "Interviewer"
    informant_label: str = "Informant"
    mic_device: str | None = None
    """``NAME``, ``NAME:CHANNEL`` or an index (``3``, written unquoted is fine)."""
    line_device: str | None = None
    output_device: str | None = None
    """Where the review screen plays the recording (default: the system's output)."""
    silence_warning_seconds: float = Field(20.0, ge=1.0, le=3600.0)
    unsure_word_probability: float = Field(0.5, ge=0.0, le=1.0)
    live: bool = True
    """Transcribe during the call and suggest the guide items heard (L switches it off and on)."""
    live_model: str | None = None
    """The live transcriber's model during the call (default: tiny.en for English guides, base otherwise)."""

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        return check_language(value)

    @field_validator("mic_device", "line_device", "output_device", mode="before")
    @classmethod
    def _device_as_text(cls, value):
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def settings_paths(study_root: Path | None = None) -> list[Path]:
    paths = []
    if os.environ.get("INTERVIEW_TUI_SETTINGS"):
        paths.append(Path(os.environ["INTERVIEW_TUI_SETTINGS"]))
    if study_root is not None:
        paths.append(Path(study_root) / "settings.yaml")
    paths.append(Path(user_config_dir("interview-tui")) / "settings.yaml")
    return paths


def load_settings(study_root: Path | None = None) -> Settings:
    data: dict = {}
    for path in settings_paths(study_root):
        if path.is_file():
            try:
                data = load_hand_written(path.read_text(encoding="utf-8")) or {}
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                raise UserError(f"{path}: cannot read the settings ({exc}) — fix or delete the file")
            if not isinstance(data, dict):
                raise UserError(f"{path}: settings must be 'key: value' lines — fix or delete the file")
            break
    for field in Settings.model_fields:
        value = os.environ.get(f"INTERVIEW_TUI_{field.upper()}")
        if value:
            data[field] = value
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise UserError(f"settings: '{'.'.join(map(str, first['loc']))}': {first['msg']} — "
                        "fix settings.yaml (`interview-tui settings` shows where it is)")


def save_settings(settings: Settings, path: Path) -> None:
    text = yaml.safe_dump(settings.model_dump(exclude_defaults=True), allow_unicode=True, sort_keys=False)
    atomic_write_text(path, text)
