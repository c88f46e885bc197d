"""Writing files so that a crash at any instant leaves either the old or the new content.

Every file interview-tui creates may hold interview data, so it is private to the user (0600).
"""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700
ORPHAN_SECONDS = 600
"""A temp file this old is left from a save that was killed (a save takes milliseconds)."""


def fsync_directory(directory: Path) -> None:
    # The rename is only durable once the directory entry itself reaches the disk.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file + fsync + rename, mode 0600."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    fsync_directory(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def create_private(path: Path) -> int:
    """Create a new file (failing if it exists) readable only by the user; return its fd."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)


def open_private_append(path: Path):
    """A text file opened for appending, created readable only by the user (a draft transcript is
    personal data like the recording beside it)."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE_MODE), "a", encoding="utf-8")


def file_stem(name: str) -> str:
    """A name (an interview's, after its pseudonyms) as one file name in the folder it is written
    to: a replacement such as "Informant 1/NAV" or "../../x" made the export write through the
    slashes, outside the exports folder before its files were moved in (``os.path`` would resolve
    them). Separators become "-"; leading dots, dashes and spaces, and control characters, go."""
    cleaned = "".join("-" if ch in "/\\" or ch == os.sep else ch for ch in name if ch.isprintable())
    cleaned = cleaned.strip().lstrip(".- ") or "interview"
    return cleaned[:150]


def private_folder(path: Path) -> Path:
    """The folder, made if needed, readable only by the user (also under a permissive umask)."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(PRIVATE_FOLDER_MODE)
    except FileExistsError:
        from .errors import UserError

        raise UserError(f"{path}: is a file, not a folder")
    return path


def remove_orphaned_temp_files(folder: Path, now: float | None = None) -> int:
    """Delete the ``.NAME.XXXX.tmp`` files of saves that were killed halfway; returns how many."""
    now = time.time() if now is None else now
    removed = 0
    try:
        candidates = list(Path(folder).glob(".*.tmp"))
    except OSError:
        return 0
    for path in candidates:
        try:
            if path.is_file() and now - path.stat().st_mtime > ORPHAN_SECONDS:
                path.unlink()
                removed += 1
        except OSError:
            continue  # read-only or gone: nothing to do
    return removed


@contextmanager
def one_run_at_a_time(lock_path: Path, busy: str):
    """Held while a long job writes its outputs (a transcription): a second run is refused with
    ``busy`` (``{pid}`` names the holder) instead of both writing the same files — an app killed
    mid-transcription leaves its child running. The kernel drops the lock when the holder ends."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; one run at a time is then the user's to keep
        yield
        return
    from .errors import UserError

    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            raise UserError(busy.format(pid=holder or "unknown"))
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        yield
        os.ftruncate(fd, 0)
    finally:
        os.close(fd)
