"""One writer per session, across processes.

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


class SessionLocked(UserError):
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
    lock_path = Path(str(session_file).removesuffix(".session.json") + LOCK_SUFFIX)
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
            raise SessionLocked(f"{session_file.name}: this interview is open in another interview-tui "
                                f"(process {holder or 'unknown'}) — close it there first; two writers would "
                                "overwrite each other's marks and audio")
        previous = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        _held[key] = _Held(fd)
    if previous.isdigit() and int(previous) != os.getpid() and not _pid_alive(int(previous)):
        return (f"took over {session_file.name} from process {previous}, which ended without closing it "
                "(a crash); nothing was lost")
    return ""


def release(session_file: Path) -> None:
    lock_path = Path(str(session_file).removesuffix(".session.json") + LOCK_SUFFIX)
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
