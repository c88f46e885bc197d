#!/usr/bin/env bash
# Start a PulseAudio server with null sinks: a real audio server with no sound card.
#   phone   : mono-ish default sink; phone.monitor is the default input
#   adapter : stereo sink; fed left-only / right-only it is a telephone recording adapter
# Prints the `export` lines the tests need; safe to run twice.
set -euo pipefail
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/interview-tui-runtime}"
mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
if ! pactl info >/dev/null 2>&1; then
  pulseaudio --daemonize --exit-idle-time=-1 -n --system=false \
    --load=module-native-protocol-unix \
    --load="module-null-sink sink_name=phone channels=1 rate=48000" \
    --load="module-null-sink sink_name=adapter channels=2 rate=48000" \
    --load="module-null-sink sink_name=softphone channels=1 rate=48000" 2>/dev/null || true
  for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
fi
pactl set-default-sink phone
pactl set-default-source phone.monitor
echo "export XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR"
