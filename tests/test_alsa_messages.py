"""ALSA's messages stay off the terminal Textual draws on, and name the reason when a device will
not open. The real libasound is called: it is asked to open a device that does not exist."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

import pytest

from interview_tui.record.alsa_messages import (alsa_message_count, alsa_reason, keep_alsa_messages,
                                                recent_alsa_messages)

libasound = ctypes.util.find_library("asound") if sys.platform.startswith("linux") else None
needs_alsa = pytest.mark.skipif(libasound is None, reason="no ALSA library on this machine (libasound2)")


@needs_alsa
def test_alsa_messages_are_kept_not_printed(capfd):
    assert keep_alsa_messages()
    mark = alsa_message_count()
    library = ctypes.CDLL(libasound)
    handle = ctypes.c_void_p()
    result = library.snd_pcm_open(ctypes.byref(handle), b"interview_tui_no_such_device", 0, 0)
    assert result < 0
    out, err = capfd.readouterr()
    assert "ALSA lib" not in err and "ALSA lib" not in out
    assert alsa_message_count() > mark
    assert any("Unknown PCM" in message for message in recent_alsa_messages())
    assert alsa_reason(mark).startswith("; ALSA said: ")
    assert alsa_reason(alsa_message_count()) == ""
