"""interview-tui: conduct, record, transcribe and check semi-structured phone interviews.

Layers, top to bottom: the front ends ``cli`` and ``ui`` (the only one that imports textual), the
interview core ``core``, the domain packages (``export`` over ``coverage``, ``transcribe``,
``record``, ``review``), then ``session``, ``guide`` and the neutral ``model``. The contracts in
pyproject.toml keep it so.
"""

import os

# ONNX Runtime (faster-whisper's voice detector) reports telemetry from version 1.29 on and keeps a
# device id under ~/.cache/Microsoft and a file in $TMPDIR; interviews are analysed offline, so it
# is switched off before the library can start. Set here, for every entry point.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

__version__ = "0.1.0"
