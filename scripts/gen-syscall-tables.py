#!/usr/bin/env python3
"""Generate Osprey's Linux syscall-number -> name tables from Debian's linux-libc-dev headers.

Usage:
    python3 scripts/gen-syscall-tables.py                  # download, extract, write the Swift file
    python3 scripts/gen-syscall-tables.py --keep-downloads DIR
                                                           # same, keeping the .deb and unpacked tree in DIR
    python3 scripts/gen-syscall-tables.py \\
        --headers-dir-amd64 DIR --headers-dir-arm64 DIR [--suite NAME]
                                                           # offline: use already unpacked packages

Download mode fetches linux-libc-dev through a PRIVATE apt configuration that lives in a
temporary directory (its own sources list, state, status file and cache). It reads the
system's apt configuration but never changes it, and never adds a dpkg architecture. Of the
suites bookworm-backports and trixie on the mirror the system already uses, it picks the one
with the newest linux-libc-dev (the newer suite on a tie), then downloads that version for
amd64 and arm64 (since Linux 6.x Debian builds linux-libc-dev as one Architecture: all
package carrying the headers of every architecture; then it is downloaded once).

The tables are extracted with the C preprocessor, not by hand: for each header the script
lists the __NR_* macros it defines (gcc -E -dM), then preprocesses a generated C file that
mentions each of them, with -nostdinc -undef and the package's own include directories
plus a few target macros, so the target's headers are used and not the host's, and macros
that expand to expressions (asm-generic's __NR3264_* ones, which depend on
__BITS_PER_LONG) are evaluated properly.

Offline mode: DIR is the root of an unpacked package (the directory holding usr/include),
e.g. made with `dpkg-deb -x linux-libc-dev_*.deb DIR && dpkg-deb -e linux-libc-dev_*.deb DIR/DEBIAN`.
The version is read from DIR/DEBIAN/control if present, else from the package's
changelog.Debian.gz; --suite names the Debian suite it came from (for the provenance text).

Standard library only (Python 3.11); needs apt-get, apt-cache, dpkg and dpkg-deb (download
mode) and gcc.
"""

from __future__ import annotations

import argparse
import ast
import glob
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPT_REL = "scripts/gen-syscall-tables.py"
OUTPUT_REL = "Sources/OspreyCore/Syscalls/Generated/LinuxSyscallNames+Generated.swift"
ENUM_REL = "Sources/OspreyCore/Syscalls/LinuxSyscallNames.swift"
ENUM_TEXT = (
    "/// Linux system-call names per ABI, generated from linux-libc-dev headers.\n"
    "public enum LinuxSyscallNames {}\n"
)

PACKAGE = "linux-libc-dev"
SUITES = ("bookworm-backports", "trixie")  # oldest first: on a version tie the later one wins
ARCHES = ("amd64", "arm64")
DEFAULT_MIRROR = "http://deb.debian.org/debian"
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"

# Macros named __NR_* that are not system calls.
NOT_SYSCALLS = {"__NR_syscalls", "__NR_arch_specific_syscall"}
# Every number in these ABIs' tables is below this; anything else means a bad extraction.
MAX_SANE_NUMBER = 1024


@dataclass(frozen=True)
class Abi:
    swift_name: str       # the Swift property
    pretty: str           # for messages
    deb_arch: str         # which package's headers (amd64 / arm64)
    triplet: str          # multiarch include directory
    header: str           # as written in #include <...>
    defines: tuple[str, ...]  # target macros, since -undef drops the host's
    check_bits_per_long: int | None  # expected __BITS_PER_LONG, if the header depends on it
    known: dict[str, int]  # values that must come out right


LP64 = ("__linux__=1", "__CHAR_BIT__=8", "__SIZEOF_LONG__=8", "__SIZEOF_POINTER__=8",
        "__LP64__=1", "_LP64=1")
ILP32 = ("__linux__=1", "__CHAR_BIT__=8", "__SIZEOF_LONG__=4", "__SIZEOF_POINTER__=4",
         "__ILP32__=1", "_ILP32=1")

ABIS = (
    Abi("x86_64", "x86-64", "amd64", "x86_64-linux-gnu", "asm/unistd_64.h",
        LP64 + ("__x86_64__=1", "__x86_64=1", "__amd64__=1", "__amd64=1"), None,
        {"read": 0, "openat": 257, "exit_group": 231, "clone3": 435}),
    Abi("i386", "i386", "amd64", "x86_64-linux-gnu", "asm/unistd_32.h",
        ILP32 + ("__i386__=1", "__i386=1", "i386=1"), None,
        {"exit": 1, "open": 5}),
    Abi("aarch64", "AArch64", "arm64", "aarch64-linux-gnu", "asm/unistd.h",
        LP64 + ("__aarch64__=1", "__AARCH64EL__=1"), 64,
        {"openat": 56, "exit_group": 94, "clone": 220, "execve": 221, "read": 63}),
)


class Failure(Exception):
    pass


def say(msg: str) -> None:
    print(f"gen-syscall-tables: {msg}", file=sys.stderr)


def run(cmd: list[str], *, cwd: Path | None = None, input_text: str | None = None,
        quiet: bool = False) -> str:
    proc = subprocess.run(cmd, cwd=cwd, input=input_text, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise Failure(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.strip()}")
    if proc.stderr.strip() and not quiet:
        for line in proc.stderr.strip().splitlines():
            say(f"  {line}")
    return proc.stdout


# ---------------------------------------------------------------------------------------------
# Download through a private apt configuration


def system_mirror() -> str:
    """The Debian mirror the system already uses: the first `URIs:` ending in /debian."""
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        try:
            text = Path(path).read_text(errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            m = re.match(r"^\s*URIs:\s*(.+)$", line)
            if not m:
                continue
            for uri in m.group(1).split():
                if re.search(r"/debian/?$", uri):
                    return uri.rstrip("/")
    return DEFAULT_MIRROR


class PrivateApt:
    """apt-get / apt-cache with their own state, cache and sources, in a temporary directory."""

    def __init__(self, root: Path, mirror: str):
        self.root = root
        self.mirror = mirror
        for d in ("state/lists/partial", "cache/archives/partial", "sources.list.d", "preferences.d"):
            (root / d).mkdir(parents=True, exist_ok=True)
        (root / "state/status").write_text("")
        self.sources = root / "sources.list"

    def options(self) -> list[str]:
        r = self.root
        opts = {
            "Dir::State": r / "state",
            "Dir::State::status": r / "state/status",
            "Dir::Cache": r / "cache",
            "Dir::Etc::SourceList": self.sources,
            "Dir::Etc::SourceParts": r / "sources.list.d",  # empty
            "Dir::Etc::Preferences": r / "preferences",     # absent: no system pinning
            "Dir::Etc::PreferencesParts": r / "preferences.d",
            "APT::Sandbox::User": "root" if os.geteuid() == 0 else "",
            "Acquire::Languages": "none",
        }
        out: list[str] = []
        for key, value in opts.items():
            if value == "":
                continue
            out += ["-o", f"{key}={value}"]
        for arch in ARCHES:
            out += ["-o", f"APT::Architectures::={arch}"]
        return out

    def set_suites(self, suites: list[str]) -> None:
        lines = [f"deb [arch={','.join(ARCHES)} signed-by={KEYRING}] {self.mirror} {s} main"
                 for s in suites]
        self.sources.write_text("\n".join(lines) + "\n")

    def update(self) -> None:
        run(["apt-get", *self.options(), "-q", "update"], quiet=True)

    def cache(self, *args: str) -> str:
        return run(["apt-cache", *self.options(), *args], quiet=True)

    def download(self, specs: list[str], into: Path) -> None:
        run(["apt-get", *self.options(), "-q", "download", *specs], cwd=into, quiet=True)


def version_newer(a: str, b: str) -> bool:
    return subprocess.run(["dpkg", "--compare-versions", a, "gt", b]).returncode == 0


def choose_version(apt: PrivateApt) -> tuple[str, str]:
    """(suite, version): the newest linux-libc-dev present for both arches, newest suite on a tie."""
    out = apt.cache("madison", PACKAGE, *[f"{PACKAGE}:{a}" for a in ARCHES])
    seen: dict[tuple[str, str], set[str]] = {}  # (suite, version) -> Packages-file arches
    for line in out.splitlines():
        fields = [f.strip() for f in line.split("|")]
        if len(fields) != 3 or fields[0] != PACKAGE:
            continue
        version, where = fields[1], fields[2].split()
        # "<uri> <suite>/<component> <arch> Packages"
        if len(where) < 3:
            continue
        suite, arch = where[1].split("/")[0], where[2]
        seen.setdefault((suite, version), set()).add(arch)
    candidates = [(s, v) for (s, v), arches in seen.items()
                  if s in SUITES and set(ARCHES) <= arches]
    if not candidates:
        raise Failure(f"no {PACKAGE} for {' and '.join(ARCHES)} in {', '.join(SUITES)} on {apt.mirror}")
    best_suite, best_version = candidates[0]
    for suite, version in candidates[1:]:
        if version_newer(version, best_version) or (
                version == best_version and SUITES.index(suite) > SUITES.index(best_suite)):
            best_suite, best_version = suite, version
    for suite, version in sorted(candidates):
        say(f"  available: {PACKAGE} {version} in {suite}")
    return best_suite, best_version


def download_packages(work: Path, mirror: str) -> tuple[dict[str, Path], str]:
    """Download and unpack; returns ({deb arch: unpacked root}, suite)."""
    apt = PrivateApt(work / "apt", mirror)
    say(f"private apt in {apt.root}, mirror {mirror}")
    apt.set_suites(list(SUITES))
    apt.update()
    suite, version = choose_version(apt)
    say(f"chose {PACKAGE} {version} from {suite}")

    # Its own sources list naming only the chosen suite, so the download comes from there.
    apt.set_suites([suite])
    apt.update()
    stanza = apt.cache("show", f"{PACKAGE}={version}")
    m = re.search(r"^Architecture:\s*(\S+)", stanza, re.M)
    pkg_arch = m.group(1) if m else "?"

    debs_dir = work / "debs"
    debs_dir.mkdir(parents=True, exist_ok=True)
    if pkg_arch == "all":
        # One package carries every architecture's headers; `linux-libc-dev:arm64` does not
        # even resolve then (apt maps Architecture: all to the native architecture).
        apt.download([f"{PACKAGE}={version}"], debs_dir)
    else:
        apt.download([f"{PACKAGE}:{a}={version}" for a in ARCHES], debs_dir)

    roots: dict[str, Path] = {}
    for arch in ARCHES:
        want = "all" if pkg_arch == "all" else arch
        debs = sorted(debs_dir.glob(f"{PACKAGE}_*_{want}.deb"))
        if len(debs) != 1:
            raise Failure(f"expected one {PACKAGE} .deb for {want} in {debs_dir}, found {len(debs)}")
        root = work / f"unpacked-{want}"
        if not root.exists():
            run(["dpkg-deb", "-x", str(debs[0]), str(root)])
            run(["dpkg-deb", "-e", str(debs[0]), str(root / "DEBIAN")])
        roots[arch] = root
    return roots, suite


# ---------------------------------------------------------------------------------------------
# Package metadata


@dataclass(frozen=True)
class PackageInfo:
    name: str
    version: str
    architecture: str
    changelog_distribution: str


def package_info(root: Path, expected_arch: str) -> PackageInfo:
    name, version, arch = PACKAGE, "", ""
    control = root / "DEBIAN" / "control"
    if control.is_file():
        for line in control.read_text(errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key == "Package":
                name = value.strip()
            elif key == "Version":
                version = value.strip()
            elif key == "Architecture":
                arch = value.strip()
    dist = ""
    changelog = root / "usr/share/doc/linux-libc-dev/changelog.Debian.gz"
    if changelog.is_file():
        with gzip.open(changelog, "rt", errors="replace") as f:
            first = f.readline()
        m = re.match(r"^\S+ \(([^)]+)\) ([^;]+);", first)
        if m:
            version = version or m.group(1)
            dist = m.group(2).strip()
    if not version:
        raise Failure(f"cannot tell the package version of {root} (no DEBIAN/control, no changelog)")
    return PackageInfo(name, version, arch or expected_arch, dist)


# ---------------------------------------------------------------------------------------------
# Extraction with the C preprocessor


def cpp_command(root: Path, abi: Abi, extra: list[str]) -> list[str]:
    inc = root / "usr/include"
    cmd = ["gcc", "-E", "-P", "-nostdinc", "-undef", "-x", "c",
           "-I", str(inc / abi.triplet), "-I", str(inc)]
    for d in abi.defines:
        cmd += ["-D", d]
    return cmd + extra + ["-"]


def header_chain(root: Path, abi: Abi) -> list[str]:
    """The files the header pulls in, relative to the package root, in inclusion order."""
    out = run(cpp_command(root, abi, ["-M"]), input_text=f"#include <{abi.header}>\n")
    deps = out.replace("\\\n", " ").split()[1:]
    rels = []
    for d in deps:
        # Lexically, not resolving symlinks: Debian's usr/include/<triplet>/asm is a symlink into
        # usr/lib/linux/uapi/<arch>/asm, and the include path is the name people know.
        p = Path(os.path.normpath(os.path.abspath(d)))
        try:
            rels.append(str(p.relative_to(Path(os.path.normpath(os.path.abspath(root))))))
        except ValueError:
            raise Failure(f"{abi.header} pulled in {d}, outside the package {root}")
    return rels


_INT = re.compile(r"\b(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*\b")


def c_int_value(expr: str) -> int:
    """Evaluate a preprocessed C integer constant expression (numbers and operators only)."""
    def literal(m: re.Match[str]) -> str:
        t = m.group(1)
        if t.lower().startswith("0x"):
            return str(int(t, 16))
        if len(t) > 1 and t.startswith("0"):
            return str(int(t, 8))
        return t

    text = _INT.sub(literal, expr).replace("&&", " and ").replace("||", " or ")
    tree = ast.parse(text, mode="eval")

    def ev(node: ast.AST) -> int:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.UnaryOp):
            v = ev(node.operand)
            if isinstance(node.op, ast.USub):
                return -v
            if isinstance(node.op, ast.UAdd):
                return v
            if isinstance(node.op, ast.Invert):
                return ~v
        if isinstance(node, ast.BinOp):
            a, b = ev(node.left), ev(node.right)
            ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
                   ast.LShift: lambda: a << b, ast.RShift: lambda: a >> b,
                   ast.BitOr: lambda: a | b, ast.BitAnd: lambda: a & b, ast.BitXor: lambda: a ^ b,
                   ast.Div: lambda: int(a / b), ast.Mod: lambda: a - b * int(a / b)}
            for op, f in ops.items():
                if isinstance(node.op, op):
                    return f()
        raise Failure(f"not an integer constant expression after preprocessing: {expr!r}")

    return ev(tree)


def extract(root: Path, abi: Abi) -> list[tuple[int, str]]:
    include = f"#include <{abi.header}>\n"
    if abi.check_bits_per_long is not None:
        include = "#include <asm/bitsperlong.h>\n" + include

    # 1. Which __NR_* object-like macros does the header define (after its own #if logic)?
    defined = run(cpp_command(root, abi, ["-dM"]), input_text=include)
    names = sorted({m.group(1) for m in re.finditer(r"^#define (__NR_\w+)(?=[ \t]|$)", defined, re.M)}
                   - NOT_SYSCALLS)
    if not names:
        raise Failure(f"{abi.header} under {root} defines no __NR_* macros")

    # 2. Preprocess a file that mentions each one, and evaluate what it expands to. The name
    #    is carried in a string literal, which the preprocessor leaves alone.
    probe = [include]
    if abi.check_bits_per_long is not None:
        probe.append('osprey_nr "__BITS_PER_LONG" = __BITS_PER_LONG ;\n')
    probe += [f'osprey_nr "{n}" = {n} ;\n' for n in names]
    expanded = run(cpp_command(root, abi, []), input_text="".join(probe))

    values: dict[str, int] = {}
    for m in re.finditer(r'^osprey_nr "(\w+)" = (.*?) ;\s*$', expanded, re.M):
        values[m.group(1)] = c_int_value(m.group(2))
    missing = [n for n in names if n not in values]
    if missing:
        raise Failure(f"{abi.pretty}: did not get a value for {missing[:5]}")

    if abi.check_bits_per_long is not None:
        bits = values.pop("__BITS_PER_LONG")
        if bits != abi.check_bits_per_long:
            raise Failure(f"{abi.pretty}: __BITS_PER_LONG is {bits}, expected {abi.check_bits_per_long}")

    table = sorted((v, n[len("__NR_"):]) for n, v in values.items())
    check_table(abi, table)
    return table


def check_table(abi: Abi, table: list[tuple[int, str]]) -> None:
    numbers = [n for n, _ in table]
    names = [s for _, s in table]
    dup_numbers = sorted({n for n in numbers if numbers.count(n) > 1})
    if dup_numbers:
        raise Failure(f"{abi.pretty}: numbers used twice: {dup_numbers}: "
                      f"{[(n, s) for n, s in table if n in dup_numbers]}")
    dup_names = sorted({s for s in names if names.count(s) > 1})
    if dup_names:
        raise Failure(f"{abi.pretty}: names used twice: {dup_names}")
    for n, s in table:
        if not (0 <= n < MAX_SANE_NUMBER):
            raise Failure(f"{abi.pretty}: implausible number {n} for {s}")
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", s):
            raise Failure(f"{abi.pretty}: implausible name {s!r}")
    by_name = {s: n for n, s in table}
    for s, n in abi.known.items():
        if by_name.get(s) != n:
            raise Failure(f"{abi.pretty}: expected {s} = {n}, got {by_name.get(s)}")


# ---------------------------------------------------------------------------------------------
# Swift output


def swift_file(source: str, provenance: list[str], docs: dict[str, str],
               tables: dict[str, list[tuple[int, str]]]) -> str:
    out = [
        "// GENERATED FILE - DO NOT EDIT.",
        f"// Generated by {SCRIPT_REL} from Debian's {PACKAGE} headers, by running the C",
        "// preprocessor on them (see the script). Re-run the script to update this file.",
        "//",
        *[f"//   {line}" for line in provenance],
        "",
        "extension LinuxSyscallNames {",
        "    /// Where the tables come from.",
        f"    public static let source = {swift_string(source)}",
    ]
    for abi in ABIS:
        out.append(f"    /// {docs[abi.swift_name]}")
        out.append(f"    public static let {abi.swift_name}: [(number: Int, name: String)] = [")
        out += [f"        ({n}, {swift_string(s)})," for n, s in tables[abi.swift_name]]
        out.append("    ]")
    out.append("}")
    return "\n".join(out) + "\n"


def swift_string(s: str) -> str:
    if any(c in s for c in '"\\\n\r') or not s.isprintable():
        raise Failure(f"unexpected character in {s!r}")
    return f'"{s}"'


def short_header(rel: str, abi: Abi) -> str:
    prefix = f"usr/include/{abi.triplet}/"
    if rel.startswith(prefix):
        return rel[len(prefix):]
    return rel.removeprefix("usr/include/")


# ---------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(
        description="Generate LinuxSyscallNames+Generated.swift from Debian's linux-libc-dev.")
    ap.add_argument("--headers-dir-amd64", type=Path, metavar="DIR",
                    help="unpacked amd64 (or all) linux-libc-dev: the directory holding usr/include")
    ap.add_argument("--headers-dir-arm64", type=Path, metavar="DIR",
                    help="unpacked arm64 (or all) linux-libc-dev: the directory holding usr/include")
    ap.add_argument("--suite", help="offline mode: the Debian suite the packages came from")
    ap.add_argument("--mirror", help="Debian mirror (default: the system's, else " + DEFAULT_MIRROR + ")")
    ap.add_argument("--keep-downloads", type=Path, metavar="DIR",
                    help="download mode: keep the private apt state, .deb and unpacked tree in DIR")
    ap.add_argument("--output", type=Path, default=REPO / OUTPUT_REL,
                    help=f"the Swift file to write (default: {OUTPUT_REL})")
    args = ap.parse_args()

    offline = args.headers_dir_amd64 is not None or args.headers_dir_arm64 is not None
    if offline and (args.headers_dir_amd64 is None or args.headers_dir_arm64 is None):
        ap.error("--headers-dir-amd64 and --headers-dir-arm64 go together")
    if offline and (args.keep_downloads or args.mirror):
        ap.error("--keep-downloads and --mirror are for download mode")

    tmp: tempfile.TemporaryDirectory[str] | None = None
    try:
        if offline:
            roots = {"amd64": args.headers_dir_amd64.resolve(), "arm64": args.headers_dir_arm64.resolve()}
            for arch, root in roots.items():
                if not (root / "usr/include").is_dir():
                    raise Failure(f"{root} has no usr/include: pass the root of the unpacked {arch} package")
            suite = args.suite
        else:
            for tool in ("apt-get", "apt-cache", "dpkg", "dpkg-deb"):
                if shutil.which(tool) is None:
                    raise Failure(f"{tool} not found (download mode needs Debian's apt and dpkg)")
            if args.keep_downloads:
                work = args.keep_downloads.resolve()
                work.mkdir(parents=True, exist_ok=True)
            else:
                tmp = tempfile.TemporaryDirectory(prefix="osprey-syscalls-")
                work = Path(tmp.name)
            roots, suite = download_packages(work, (args.mirror or system_mirror()).rstrip("/"))
        if shutil.which("gcc") is None:
            raise Failure("gcc not found (the tables are extracted with its preprocessor)")

        infos = {arch: package_info(root, arch) for arch, root in roots.items()}
        versions = {i.version for i in infos.values()}
        if len(versions) != 1:
            raise Failure(f"the amd64 and arm64 packages differ in version: {versions}")
        version = versions.pop()
        names = {i.name for i in infos.values()}
        if names != {PACKAGE}:
            raise Failure(f"not {PACKAGE}: {names}")

        tables: dict[str, list[tuple[int, str]]] = {}
        provenance: list[str] = []
        docs: dict[str, str] = {}
        for abi in ABIS:
            root, info = roots[abi.deb_arch], infos[abi.deb_arch]
            chain = header_chain(root, abi)
            tables[abi.swift_name] = extract(root, abi)
            arch_note = info.architecture
            if arch_note != abi.deb_arch:
                arch_note = f"Architecture: {arch_note}, used as {abi.deb_arch}"
            provenance.append(f"{abi.swift_name}: {info.name} {info.version} ({arch_note}): "
                              + " -> ".join(chain))
            shown = [short_header(c, abi) for c in chain]
            if abi.swift_name == "x86_64":
                docs[abi.swift_name] = f"x86-64 (64-bit) system calls: {' -> '.join(shown)}."
            elif abi.swift_name == "i386":
                docs[abi.swift_name] = ("i386 (and x86-64 compat, int 0x80 / sysenter) system calls: "
                                        f"{' -> '.join(shown)}.")
            else:
                docs[abi.swift_name] = (f"AArch64 system calls: arm64's {shown[0]}"
                                        + (f", which includes {', '.join(shown[1:])}" if shown[1:] else "")
                                        + ".")

        where = f"Debian {suite}" if suite else (
            f"Debian, changelog distribution {infos['amd64'].changelog_distribution}"
            if infos["amd64"].changelog_distribution else "Debian")
        arches = {i.architecture for i in infos.values()}
        if arches == {"all"}:
            where += ", Architecture: all"
        source = f"{PACKAGE} {version} ({where}), amd64 + arm64"

        text = swift_file(source, provenance, docs, tables)
        out = args.output.resolve()
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        enum_file = REPO / ENUM_REL
        if args.output.resolve() == (REPO / OUTPUT_REL).resolve() and not enum_file.exists():
            enum_file.parent.mkdir(parents=True, exist_ok=True)
            enum_file.write_text(ENUM_TEXT)
            say(f"created {ENUM_REL}")

        print(f"source: {source}")
        for abi in ABIS:
            t = tables[abi.swift_name]
            print(f"{abi.swift_name:8} {len(t):4} syscalls, numbers {t[0][0]}..{t[-1][0]}")
        print(f"wrote {out}")
        if args.keep_downloads and not offline:
            print("offline re-run: python3 " + SCRIPT_REL
                  + f" --headers-dir-amd64 {roots['amd64']} --headers-dir-arm64 {roots['arm64']}"
                  + f" --suite {suite}")
        return 0
    except Failure as e:
        say(f"FAILED: {e}")
        return 1
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
