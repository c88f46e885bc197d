"""Whether the sound-server sources a recording reads from are still there.

When a PulseAudio/PipeWire source disappears (a softphone closes its output, a headset is
unplugged), the server does not end the stream reading from it: it moves the stream to the
default input and audio keeps coming. Seen in tmux: the softphone's monitor went away and the
informant's channel recorded the interviewer's microphone from then on, with nothing said —
every question would have been transcribed twice, once as the informant's. The blocks alone
cannot tell, so the sources are looked up by name, once a second, off the writer thread (the
sound server's tool is a child process that can be slow)."""

from __future__ import annotations

import threading

from .devices import pulse_sources

CHECK_INTERVAL_SECONDS = 1.0


class SourceWatch:
    def __init__(self, names: list[str], interval: float = CHECK_INTERVAL_SECONDS):
        self.names = sorted(set(names))
        self.interval = interval
        self.gone: frozenset[str] = frozenset()
        """Replaced whole, never changed in place: the writer thread reads it without a lock."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="source-watch", daemon=True)

    def start(self) -> None:
        if self.names:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            listed = pulse_sources()
            if not listed:
                continue  # the server's tool failed or answered nothing: no news is not "gone"
            present = {name for name, _, _ in listed}
            self.gone = frozenset(name for name in self.names if name not in present)
