#!/usr/bin/env bash
# Install what the tests need (Debian + PyPI packages), start the audio server, run the tests.
#   ./scripts/test.sh            the whole suite (includes slow Whisper tests)
#   ./scripts/test.sh -m "not whisper"   the fast suite
set -euo pipefail
cd "$(dirname "$0")/.."

need_debs=(libportaudio2 libsndfile1 pulseaudio pulseaudio-utils libasound2-plugins espeak-ng sox tmux)
missing=()
for deb in "${need_debs[@]}"; do
  dpkg -s "$deb" >/dev/null 2>&1 || missing+=("$deb")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
log=$(mktemp)
if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q -e ".[test]"; } >"$log" 2>&1; then
  cat "$log"; echo "installing the Python packages failed (log above)"; exit 1
fi

# The layers and "the core never imports textual" (contracts in pyproject.toml).
.venv/bin/lint-imports --no-cache >/dev/null || { .venv/bin/lint-imports --no-cache; exit 1; }

eval "$(scripts/pulse.sh)"
export HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest "$@"
