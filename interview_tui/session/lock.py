"""One writer per session, and one review per transcript, across processes.

Two apps resuming one interview, or two ``record --session`` runs, each kept their own copy and
overwrote the other's marks and audio. The writer holds an ``flock`` on ``<id>.session.lock``:
the kernel releases it when the process ends however it ends, so a crash never leaves a lock
that blocks the next start. The file keeps the holder's pid, so a second writer is told who has
the session, and a lock left by a dead process is taken over with a note saying so.
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

from ..errors import UserError

LOCK_SUFFIX = ".session.lock"
REVIEW_LOCK_SUFFIX = ".review.lock"


class SessionLocked(UserError):
    pass


class TranscriptLocked(UserError):
    pass


class _Held:
    def __init__(self, fd: int):
        self.fd = fd
        self.count = 1


# flock belongs to an open file; two opens in one process would lock each other out, so one
# process holds one lock per session and counts its users.
_held: dict[Path, _Held] = {}
_held_guard = threading.Lock()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def acquire(session_file: Path) -> str:
    """Take the session for writing; returns a note when a dead process's lock was taken over.
    Raises SessionLocked, naming the other process, when a live one has it."""
    return _acquire(_session_lock(session_file), lambda holder: SessionLocked(
        f"{session_file.name}: this interview is open in another interview-tui (process {holder or 'unknown'}) "
        "— close it there first; two writers would overwrite each other's marks and audio"),
        f"took over {session_file.name} from process {{pid}}, which ended without closing it (a crash); "
        "nothing was lost")


def acquire_review(transcript: Path) -> None:
    """Take a transcript for the review: two reviews of one transcript (the app's and one in
    another terminal) each saved their own copy over the other's corrections."""
    _acquire(_review_lock(transcript), lambda holder: TranscriptLocked(
        f"{transcript.name}: this transcript is open in another review (process {holder or 'unknown'}) — close "
        "it there first; two reviews would overwrite each other's corrections"), "")


def release_review(transcript: Path) -> None:
    _release(_review_lock(transcript))


def review_holder(transcript: Path) -> int | None:
    """The live process reviewing this transcript, if another one is."""
    lock_path = _review_lock(transcript)
    with _held_guard:
        if lock_path.resolve() in _held:
            return None  # this process: it knows what it is doing
    try:
        fd = os.open(lock_path, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
            return int(holder) if holder.isdigit() else -1
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def remove_lock_file(session_file: Path) -> None:
    """A session deleted (a false start discarded): its lock file goes with it."""
    _session_lock(session_file).unlink(missing_ok=True)


def _session_lock(session_file: Path) -> Path:
    return Path(str(session_file).removesuffix(".session.json") + LOCK_SUFFIX)


def _review_lock(transcript: Path) -> Path:
    return transcript.with_name(f".{transcript.stem}{REVIEW_LOCK_SUFFIX}")


def _acquire(lock_path: Path, busy, took_over: str) -> str:
    key = lock_path.resolve()
    with _held_guard:
        if key in _held:
            _held[key].count += 1
            return ""
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise UserError(f"{lock_path}: cannot be created ({exc.strerror or exc}) — the study folder must "
                            "be writable to record or change an interview")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise busy(holder)
        previous = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        _held[key] = _Held(fd)
    if took_over and previous.isdigit() and int(previous) != os.getpid() and not _pid_alive(int(previous)):
        return took_over.format(pid=previous)
    return ""


def release(session_file: Path) -> None:
    _release(_session_lock(session_file))


def _release(lock_path: Path) -> None:
    key = lock_path.resolve()
    with _held_guard:
        held = _held.get(key)
        if held is None:
            return
        held.count -= 1
        if held.count > 0:
            return
        del _held[key]
        try:
            os.ftruncate(held.fd, 0)  # a clean close leaves no pid to report as a crash
        finally:
            os.close(held.fd)  # closing releases the flock
