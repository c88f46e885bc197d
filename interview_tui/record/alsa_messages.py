"""ALSA's own messages, kept instead of printed over the screen.

On Linux, PortAudio goes through ALSA, and ALSA's library prints straight onto the process's
stderr: dozens of "unable to open slave" lines while it looks for devices, and "underrun
occurred" whenever playback runs dry. Textual draws the interface on that same stderr, so each
message lands in the middle of the screen. A handler set before PortAudio starts keeps the last
messages here instead; what they meant reaches the user in words: a device that cannot be opened
raises an error naming it (the last ALSA message added as the reason), a gap in playback is
counted and reported by the review screen.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import re
import sys
from collections import deque

_recent: deque[str] = deque(maxlen=20)
_count = 0  # messages ever kept, so a caller can ask for those after a point
_handler = None  # the C callback: kept alive for as long as ALSA may call it


def recent_alsa_messages() -> list[str]:
    """The last ALSA messages, oldest first, as ``function: message``."""
    return list(_recent)


def alsa_message_count() -> int:
    return _count


def alsa_reason(since: int) -> str:
    """The last message ALSA gave after ``since`` (a count taken before opening a device), as
    text to add to an error; empty when it said nothing."""
    if _count <= since or not _recent:
        return ""
    return f"; ALSA said: {_recent[-1]}"


def keep_alsa_messages() -> bool:
    """Route ALSA's messages into :func:`recent_alsa_messages`; True once routed. Harmless where
    there is no ALSA (macOS, Windows, a Linux without libasound)."""
    global _handler
    if _handler is not None:
        return True
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("asound") or "libasound.so.2"
    try:
        library = ctypes.CDLL(name)
    except OSError:
        return False
    # void handler(const char *file, int line, const char *function, int err, const char *fmt, ...):
    # the named arguments arrive as usual; the variadic ones are not read.
    handler_type = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                    ctypes.c_int, ctypes.c_char_p)

    def keep(file, line, function, err, fmt):
        global _count
        _count += 1
        # The format's own arguments are out of reach, so its placeholders are shown as "…".
        text = re.sub(r"%[-+ #0-9.]*[a-zA-Z]", "…", (fmt or b"").decode("utf-8", "replace")).strip()
        _recent.append(f"{(function or b'').decode('utf-8', 'replace')}: {text}")

    _handler = handler_type(keep)
    library.snd_lib_error_set_handler(_handler)
    # ALSA's own printing back at exit: registered before sounddevice's own exit handler (imported
    # after this), so it runs after PortAudio has stopped and before Python is gone.
    atexit.register(library.snd_lib_error_set_handler, None)
    return True
