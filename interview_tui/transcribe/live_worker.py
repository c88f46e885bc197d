"""The live transcriber, as a process of its own: utterances in on stdin, text out on stdout.

It runs apart from the app and the recorder so that Whisper's CPU load can never hold up a key
press or the audio callback; the operating system shares the cores, and the parent sheds load
(skips audio) when this falls behind. One JSON object a line out:

    {"ready": MODEL}                                   once the model is loaded
    {"channel": 0, "start": 12.3, "end": 15.0, "text": "…", "probability": 0.81, "seconds": 0.9, "loop": false}
    {"error": "…"}                                     then it exits

In: frames of ``HEADER`` (channel, call time, sample count) then float32 16 kHz samples.
The guide's words are never given as a prompt: in a short utterance a prompt is what Whisper
invents from.

    python -m interview_tui.transcribe.live_worker MODEL LANGUAGE
"""

from __future__ import annotations

import json
import struct
import sys
import time

import numpy as np

HEADER = struct.Struct("<idI")


def send(handle, channel: int, start: float, audio: np.ndarray) -> None:
    samples = np.ascontiguousarray(audio, dtype=np.float32)
    handle.write(HEADER.pack(channel, start, len(samples)) + samples.tobytes())
    handle.flush()


def _read_exact(stream, count: int) -> bytes | None:
    data = b""
    while len(data) < count:
        chunk = stream.read(count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def main(argv: list[str]) -> int:
    out = sys.stdout
    from .pipeline import whisper_language
    from .segments import looks_like_a_loop

    model_name, language = argv[0], whisper_language(argv[1] if len(argv) > 1 else None)
    try:
        from .models import load_whisper

        model = load_whisper(model_name, "cpu", "int8", cpu_threads=1, workers=1)
    except Exception as exc:  # a missing model: the parent says so, the interview goes on
        print(json.dumps({"error": str(exc)}), file=out, flush=True)
        return 1
    print(json.dumps({"ready": model_name}), file=out, flush=True)
    stdin = sys.stdin.buffer
    while True:
        header = _read_exact(stdin, HEADER.size)
        if header is None:
            return 0  # the parent closed the pipe: the call is over
        channel, start, count = HEADER.unpack(header)
        payload = _read_exact(stdin, count * 4)
        if payload is None:
            return 0
        audio = np.frombuffer(payload, dtype=np.float32)
        began = time.perf_counter()
        try:
            # Greedy first; a loop ("M. M. M. …", seen live on a telephone-band voice) is decoded
            # again with sampling — only then, so the cost is paid only when it is needed.
            segments, _ = model.transcribe(audio, language=language, beam_size=1, best_of=1,
                                           temperature=(0.0, 0.4, 0.8), compression_ratio_threshold=2.4,
                                           log_prob_threshold=None, condition_on_previous_text=False,
                                           vad_filter=False, word_timestamps=True, without_timestamps=False)
            words = [w for segment in segments for w in (segment.words or [])]
        except Exception as exc:  # said once, with the reason; the parent switches live off
            print(json.dumps({"error": f"the live transcriber failed: {type(exc).__name__}: {exc}"}),
                  file=out, flush=True)
            return 1
        text = "".join(w.word for w in words).strip()
        probability = float(np.mean([w.probability for w in words])) if words else 0.0
        print(json.dumps({"channel": channel, "start": round(start, 3), "end": round(start + len(audio) / 16000, 3),
                          "text": text, "probability": round(probability, 3),
                          "seconds": round(time.perf_counter() - began, 3), "loop": looks_like_a_loop(text)}),
              file=out, flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
