"""Review screen on an hour-long transcript: time to open 1,000 segments, time per scroll step,
and playback start latency (key to first sound out of the device's buffer; goal < 0.3 s). Needs
the PulseAudio server of scripts/pulse.sh for the playback figure.

    python benchmarks/review.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf
from textual.geometry import Region

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from interview_tui.guide.loader import load_guide  # noqa: E402
from interview_tui.session.store import SessionStore  # noqa: E402
from interview_tui.session.model import AudioSetup  # noqa: E402
from interview_tui.settings import Settings  # noqa: E402
from interview_tui.study import Study  # noqa: E402
from interview_tui.model.transcript import Segment, Transcript, Word  # noqa: E402
from interview_tui.ui.app import InterviewApp  # noqa: E402


def make_study() -> tuple[Study, str]:
    root = Path(tempfile.mkdtemp(prefix="bench-review-"))
    study = Study.at(root).ensure()
    guide = load_guide(REPO / "interview_tui" / "guides" / "nav-digitale-tjenester.nb.yaml")
    store = SessionStore.create(study.recordings_dir, guide, pseudonym="A")
    rate = 16000
    audio = (0.1 * np.sin(2 * np.pi * 220 * np.arange(rate * 3600) / rate)).astype(np.float32)
    sf.write(store.folder / f"{store.session.id}.wav", np.stack([audio, audio], axis=1), rate, subtype="PCM_16")
    store.set_audio(f"{store.session.id}.wav", ["interviewer", "informant"], AudioSetup(mic="pulse:1", line="pulse:2"))
    words = "det er chatten i aktivitetsplanen og skriv til oss som vi bruker mest med brukerne".split()
    segments = []
    for i in range(1000):
        start = i * 3.6
        segment_words = [Word(word=" " + w, start=start + k * 0.2, end=start + k * 0.2 + 0.18,
                              probability=0.3 if k == 5 else 0.9) for k, w in enumerate(words)]
        segments.append(Segment(start=start, end=start + 3.2, speaker="Intervjuer" if i % 2 else "Informant",
                                text=" ".join(words), words=segment_words, channel=i % 2))
    transcript = Transcript(audio_file=f"{store.session.id}.wav", session_id=store.session.id,
                            software="interview-tui", segments=segments)
    transcript.save(study.transcripts_dir / f"{store.session.id}.json")
    store.set_transcript(f"{store.session.id}.json")
    return study, store.session.id


async def main() -> None:
    study, session_id = make_study()
    app = InterviewApp(study, Settings(), audio=True)
    async with app.run_test(size=(120, 40)) as pilot:
        started = time.perf_counter()
        screen = app.review_screen(session_id)
        app.push_screen(screen)
        table = None
        deadline = time.perf_counter() + 30
        while (table is None or table.row_count < 1000) and time.perf_counter() < deadline:
            await asyncio.sleep(0.005)
            tables = screen.query("#segments")
            table = tables.first() if tables else None
        opened = time.perf_counter() - started
        await pilot.pause()
        steps = []
        for _ in range(40):
            table.action_page_down()
            table.refresh()
            step = time.perf_counter()
            table.render_lines(Region(0, 0, table.size.width, table.size.height))
            steps.append(time.perf_counter() - step)
        latencies = []
        if screen.player is not None:
            for row in (10, 500, 990):
                screen.query_one("#segments").move_cursor(row=row)
                await pilot.pause()
                screen.action_replay()
                screen.player.started_event.wait(2.0)
                latencies.append(screen.player.start_latency)
                screen.player.stop()
    print(f"open 1,000 segments (1 h): {opened:.2f} s  (goal < 1 s: transcript and table; the coverage check fills the guide panel in the background)")
    print(f"render a page after a scroll: median {statistics.median(steps) * 1000:.0f} ms, "
          f"max {max(steps) * 1000:.0f} ms")
    if latencies:
        print(f"playback start:            {', '.join(f'{x * 1000:.0f} ms' for x in latencies)}  (goal < 300 ms)")
    else:
        print(f"playback start:            no sound device ({screen.player_error})")


if __name__ == "__main__":
    asyncio.run(main())
