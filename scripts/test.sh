#!/usr/bin/env bash
# Runs all of Osprey's tests on a Debian bookworm machine (as root): installs what they need
# (scripts/setup.sh), builds, then runs the unit tests and the integration tests, which boot
# real guests in QEMU 10 (Debian 6.1 amd64 and arm64 kernels, downloaded once through
# Osprey's private apt configuration into ~/.cache/osprey or $OSPREY_CACHE), then fuzzes each
# harness briefly (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
command -v swift >/dev/null || { echo "osprey test: swift is not on PATH (Swift 6.x toolchain needed)" >&2; exit 1; }
echo "osprey test: building" >&2
swift build
echo "osprey test: running the tests" >&2
swift test "$@"
# A short bounded run of every fuzzing harness (coverage-guided, AddressSanitizer): the long
# runs are `bash scripts/fuzz.sh --runs 1000000` (docs/untrusted-input.md).
echo "osprey test: fuzzing each harness for 15 s" >&2
bash scripts/fuzz.sh --time 15
