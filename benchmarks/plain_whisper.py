"""The peer: plain faster-whisper on a whole file, with its own defaults (as a researcher who
runs it by hand gets it). Prints the text as JSON on stdout.

    python benchmarks/plain_whisper.py FILE MODEL LANGUAGE [PROMPT]
"""

import json
import sys

from faster_whisper import WhisperModel

path, model_dir, language = sys.argv[1:4]
prompt = sys.argv[4] if len(sys.argv) > 4 else None
# int8, as our transcriber uses on a CPU: the comparison is of the pipelines, not the precision.
model = WhisperModel(model_dir, device="cpu", compute_type="int8")
segments, _ = model.transcribe(path, language=language, initial_prompt=prompt)
print(json.dumps({"text": " ".join(segment.text.strip() for segment in segments)}))
