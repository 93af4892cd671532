#!/usr/bin/env bash
# Runs Osprey's demo on the default guest (Debian 6.1 amd64 + busybox) on a Debian bookworm
# machine (as root): installs what it needs (scripts/setup.sh), builds Osprey (release),
# builds the guest, traces it and prints a summary. Arguments go to `osprey demo`
# (e.g. --out-dir DIR, --kernel linux-image-6.1.0-56-arm64).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
command -v swift >/dev/null || { echo "osprey demo: swift is not on PATH (Swift 6.x toolchain needed)" >&2; exit 1; }
echo "osprey demo: building osprey (release)" >&2
swift build -c release
exec .build/release/osprey demo "$@"
