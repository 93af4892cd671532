#!/usr/bin/env bash
# Installs what Osprey needs on a Debian bookworm machine, idempotently (run as root).
#   - QEMU 10 (qemu-system-x86, qemu-system-arm, qemu-utils for qemu-img) from bookworm-backports: bookworm's own 7.2
#     has no register or memory access for plugins. If no configured source names
#     bookworm-backports, this adds one file, /etc/apt/sources.list.d/osprey-bookworm-backports.sources,
#     using the mirror the system already uses, and says so.
#   - busybox-static, cpio, dwarves (pahole: test oracle only), strace, xz-utils, zstd, graphviz
#     (osprey flow --svg, and the test that its SVG carries no guest-made link),
#     e2fsprogs (mkfs.ext4 for disk guests).
# Guest packages (kernels, busybox for the guest's architecture, --package ones) are NOT installed
# here: the guest kit downloads them through its own private apt configuration.
set -euo pipefail

say() { printf 'osprey setup: %s\n' "$*" >&2; }

if [ "$(id -u)" != 0 ]; then
  say "must run as root (it installs Debian packages)"; exit 1
fi

qemu_ok() {
  command -v qemu-system-x86_64 >/dev/null 2>&1 && command -v qemu-system-aarch64 >/dev/null 2>&1 || return 1
  command -v qemu-img >/dev/null 2>&1 || return 1
  local v; v=$(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p' | head -1)
  [ -n "$v" ] && [ "$v" -ge 10 ]
}

host_pkgs=(busybox-static cpio dwarves strace xz-utils zstd file e2fsprogs graphviz)
missing=()
for p in "${host_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if qemu_ok && [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if ! qemu_ok; then
  if ! grep -rqsE '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    mirror=$(grep -rhsE '^[[:space:]]*URIs:.*debian/?$' /etc/apt/sources.list.d/*.sources | head -1 | awk '{print $2}')
    [ -n "$mirror" ] || mirror=$(grep -hsE '^deb .*debian/? bookworm' /etc/apt/sources.list | head -1 | awk '{print $2}')
    [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
    say "adding bookworm-backports ($mirror) in /etc/apt/sources.list.d/osprey-bookworm-backports.sources, for QEMU 10"
    cat > /etc/apt/sources.list.d/osprey-bookworm-backports.sources <<SRC
Types: deb
URIs: $mirror
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
fi

say "apt-get update"
apt-get update -qq
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! qemu_ok; then
  say "installing QEMU 10 from bookworm-backports"
  apt-get install -y -qq --no-install-recommends -t bookworm-backports qemu-system-x86 qemu-system-arm qemu-utils >/dev/null
fi
qemu_ok || { say "QEMU 10 is still not available after installing"; exit 1; }
say "ready: $(qemu-system-x86_64 --version | head -1)"
