#!/usr/bin/env python3
"""Generate Osprey's system-call signatures (argument names, C types and kinds) for x86-64 and
AArch64 from the kernel's own declarations in Debian's linux-headers packages.

Usage:
    python3 scripts/gen-syscall-signatures.py                 # download, extract, write the Swift file
    python3 scripts/gen-syscall-signatures.py --keep-downloads DIR

Sources (the same Debian suite and kernel series as the names of gen-syscall-tables.py):
- `include/linux/syscalls.h` and `include/asm-generic/syscalls.h` of
  `linux-headers-<ver>-common`: one `asmlinkage long sys_NAME(type name, ...)` prototype per
  kernel entry point (where the kernel has several, the one for neither
  CONFIG_CLONE_BACKWARDS* is kept: the last);
- which entry point serves which number: x86-64 from
  `arch/x86/include/generated/asm/syscalls_64.h` of `linux-headers-<ver>-amd64`
  (`__SYSCALL(NR, sys_x)`), AArch64 from `include/uapi/asm-generic/unistd.h` of the common
  package (`__SYSCALL`, `__SC_COMP`, `__SC_3264`, ... with 64-bit, non-compat choices);
- the names per number: the tables already generated in
  Sources/OspreyCore/Syscalls/Generated/LinuxSyscallNames+Generated.swift.

Argument kinds are decided here from the C type and the parameter name (rules in `kind()`),
so the decoders in Swift do not guess. A few prototypes have no parameter names; their names
come from NAMELESS below (as the kernel's own definitions in the .c files spell them).
Downloads go through the private apt configuration of gen-syscall-tables.py. Standard library
only; needs apt-get, apt-cache, dpkg-deb.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPT_REL = "scripts/gen-syscall-signatures.py"
OUTPUT_REL = "Sources/OspreyCore/Syscalls/Generated/LinuxSyscallSignatures+Generated.swift"
NAMES_REL = "Sources/OspreyCore/Syscalls/Generated/LinuxSyscallNames+Generated.swift"

spec = importlib.util.spec_from_file_location("tables", REPO / "scripts/gen-syscall-tables.py")
tables = importlib.util.module_from_spec(spec)
sys.modules["tables"] = tables  # its dataclasses look their module up
spec.loader.exec_module(tables)
Failure, run, PrivateApt = tables.Failure, tables.run, tables.PrivateApt


def say(msg: str) -> None:
    print(f"gen-syscall-signatures: {msg}", file=sys.stderr)


# Parameter names for prototypes declared without them (from the kernel's SYSCALL_DEFINEn).
NAMELESS = {
    "clone": ["clone_flags", "newsp", "parent_tidptr", "child_tidptr", "tls"],
    "socket": ["family", "type", "protocol"],
    "socketpair": ["family", "type", "protocol", "usockvec"],
    "bind": ["fd", "umyaddr", "addrlen"],
    "connect": ["fd", "uservaddr", "addrlen"],
    "accept": ["fd", "upeer_sockaddr", "upeer_addrlen"],
    "accept4": ["fd", "upeer_sockaddr", "upeer_addrlen", "flags"],
    "getsockname": ["fd", "usockaddr", "usockaddr_len"],
    "getpeername": ["fd", "usockaddr", "usockaddr_len"],
    "sendto": ["fd", "buff", "len", "flags", "addr", "addr_len"],
    "recvfrom": ["fd", "ubuf", "size", "flags", "addr", "addr_len"],
    "setsockopt": ["fd", "level", "optname", "optval", "optlen"],
    "shutdown": ["fd", "how"],
    "listen": ["fd", "backlog"],
    "sendmsg": ["fd", "msg", "flags"],
    "recvmsg": ["fd", "msg", "flags"],
    "rt_sigaction": ["sig", "act", "oact", "sigsetsize"],
    "ppoll": ["ufds", "nfds", "tsp", "sigmask", "sigsetsize"],
    "pselect6": ["n", "inp", "outp", "exp", "tsp", "sig"],
    "mmap": ["addr", "len", "prot", "flags", "fd", "off"],
}


# x86-64 calls defined only in arch/x86/kernel/*.c (no header declares them), as their
# SYSCALL_DEFINEn lines spell them (process_64.c, ldt.c, ioport.c).
ARCH_ONLY = {
    "arch_prctl": [("int", "option"), ("unsigned long", "arg2")],
    "modify_ldt": [("int", "func"), ("void __user *", "ptr"), ("unsigned long", "bytecount")],
    "iopl": [("unsigned int", "level")],
}


def parse_prototypes(text: str) -> dict[str, list[tuple[str, str]]]:
    """sys_NAME -> [(C type, parameter name)] from a header's asmlinkage declarations."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    out: dict[str, list[tuple[str, str]]] = {}
    for name, params in re.findall(r"asmlinkage\s+long\s+sys_(\w+)\s*\(([^;]*?)\)\s*;", text, flags=re.S):
        params = " ".join(params.split())
        parsed: list[tuple[str, str]] = []
        if params not in ("void", ""):
            for i, p in enumerate(split_params(params)):
                ctype, pname = split_param(p)
                parsed.append((ctype, pname))
        if parsed and any(n == "" for _, n in parsed):
            names = NAMELESS.get(name)
            if names is None or len(names) != len(parsed):
                names = [n or f"arg{i}" for i, (_, n) in enumerate(parsed)]
            parsed = [(t, names[i] if not n else n) for i, (t, n) in enumerate(parsed)]
        out[name] = parsed  # later declarations win (the generic variant comes last)
    return out


def split_params(params: str) -> list[str]:
    depth, cur, out = 0, "", []
    for ch in params:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


TYPE_WORDS = {"unsigned", "signed", "int", "long", "char", "short", "const", "void", "struct", "union",
              "__user", "size_t", "u32", "u64", "umode_t", "pid_t", "uid_t", "gid_t", "off_t", "loff_t",
              "key_serial_t", "qid_t", "rwf_t", "timer_t", "clockid_t", "mqd_t", "fd_set", "sigset_t",
              "cap_user_header_t", "cap_user_data_t", "aio_context_t", "__s32", "__u32", "__u64",
              "old_uid_t", "old_gid_t", "siginfo_t", "key_t", "compat_size_t"}


def split_param(p: str) -> tuple[str, str]:
    """'const char __user *filename' -> ('const char __user *', 'filename'); unnamed -> (p, '')."""
    m = re.match(r"^(.*?[\s*])(\w+)(\s*\[\s*\d*\s*\])?$", p)
    if not m:
        return p, ""
    ctype, word = m.group(1).strip(), m.group(2)
    if word in TYPE_WORDS or word.endswith("_t") or (ctype.split() and ctype.split()[-1] in ("struct", "union")):
        return p, ""
    if m.group(3):
        ctype += " *"
    return ctype, word


# --- kinds -------------------------------------------------------------------------------------

FD_NAMES = {"fd", "fd_in", "fd_out", "oldfd", "newfd", "epfd", "ufd", "out_fd", "in_fd", "fdin", "fdout",
            "pidfd", "mqdes", "fanotify_fd", "watchfd", "from_dfd", "to_dfd", "fildes"}
DIRFD_NAMES = {"dfd", "olddfd", "newdfd", "dirfd"}
PATH_NAMES = {"filename", "pathname", "path", "oldname", "newname", "specialfile", "dir_name",
              "library", "dev_name", "target", "oldpath", "newpath", "name", "linkpath", "to_path", "from_path"}
LENGTH_NAMES = ("count", "len", "size", "length", "bufsiz", "nbytes", "sz", "buflen", "bufsize")

FLAGS = {  # (syscall, parameter) -> flag family
    ("open", "flags"): "open", ("openat", "flags"): "open", ("openat2", "how"): None,
    ("mmap", "prot"): "prot", ("mprotect", "prot"): "prot", ("pkey_mprotect", "prot"): "prot",
    ("mmap", "flags"): "map",
    ("clone", "clone_flags"): "clone", ("unshare", "unshare_flags"): "clone",
    ("socket", "family"): "addressFamily", ("socketpair", "family"): "addressFamily",
    ("socket", "type"): "socketType", ("socketpair", "type"): "socketType",
    ("lseek", "whence"): "whence",
    ("access", "mode"): "access", ("faccessat", "mode"): "access", ("faccessat2", "mode"): "access",
    ("pipe2", "flags"): "open", ("dup3", "flags"): "open", ("accept4", "flags"): "socketType",
    ("wait4", "options"): "wait",
    ("fcntl", "cmd"): "fcntl",
    ("sendto", "flags"): "msg", ("recvfrom", "flags"): "msg", ("sendmsg", "flags"): "msg", ("recvmsg", "flags"): "msg",
}
AT_FLAG_CALLS = {"newfstatat", "fstatat64", "statx", "unlinkat", "linkat", "fchownat", "fchmodat",
                 "utimensat", "faccessat2", "name_to_handle_at", "execveat", "open_tree", "move_mount", "mount_setattr"}
SIGNAL_PARAMS = {("kill", "sig"), ("tkill", "sig"), ("tgkill", "sig"), ("rt_sigaction", "sig"),
                 ("rt_sigqueueinfo", "sig"), ("rt_tgsigqueueinfo", "sig"), ("pidfd_send_signal", "sig")}
MODE_PARAMS = {"mode"}
# Addresses passed as unsigned long (shown in hex, as pointers are).
ADDRESS_NAMES = {"addr", "start", "brk", "new_addr", "old_addr", "newsp", "tls", "shmaddr", "arg2_addr"}


def kind(call: str, index: int, params: list[tuple[str, str]]) -> str:
    """The Swift SyscallArgumentKind literal for parameter `index` of `call`."""
    ctype, name = params[index]
    names = [n for _, n in params]
    t = " ".join(ctype.replace("__user", "").split())
    pointer = "*" in t

    def length_arg() -> int | None:
        for i, n in enumerate(names):
            if i != index and (n in LENGTH_NAMES or n.endswith("len") or n.endswith("size") or n == "vlen") and "*" not in params[i][0]:
                return i
        return None

    if (call, name) in SIGNAL_PARAMS:
        return ".signal"
    if (call, name) in FLAGS and FLAGS[(call, name)]:
        return f".flags(.{FLAGS[(call, name)]})"
    if name in ("flag", "flags") and call in AT_FLAG_CALLS and not pointer:
        return ".flags(.at)"
    if not pointer:
        if name in ADDRESS_NAMES and "long" in t:
            return ".pointer"
        if name in DIRFD_NAMES:
            return ".dirfd"
        if name in FD_NAMES and "long" not in t or name == "fd":
            return ".fd"
        if name in MODE_PARAMS and ("umode_t" in t or call in ("mkdir", "mkdirat", "chmod", "fchmod", "fchmodat", "mknod", "mknodat", "creat", "open", "openat")):
            return ".mode"
        if t in ("pid_t",) or name in ("pid", "tgid", "tid", "upid"):
            return ".pid"
        if re.search(r"\b(unsigned|size_t|u32|u64|__u32|__u64|umode_t|uid_t|gid_t)\b", t):
            return ".unsigned"
        return ".signed"
    # Pointers.
    if "const char * const *" in t or "const char *const *" in t:
        return ".stringArray"
    if re.fullmatch(r"(const )?char \*", t):
        length = length_arg()
        if t.startswith("const"):
            if length is not None and name in ("buf", "ubuf", "buff", "optval", "data", "value"):
                return f".bufferIn(length: {length})"
            return ".path" if name in PATH_NAMES or call in ("execve", "execveat") else ".string"
        if length is not None:
            return f".bufferOut(length: {length})"
        return ".pointer"
    if re.fullmatch(r"(const )?void \*", t):
        length = length_arg()
        if length is not None and name in ("buf", "ubuf", "buff", "data", "value", "optval"):
            return f".bufferIn(length: {length})" if t.startswith("const") or call in ("write", "pwrite64", "sendto", "setsockopt") else f".bufferOut(length: {length})"
        return ".pointer"
    m = re.fullmatch(r"(const )?struct (\w+) \*", t)
    if m:
        struct, const = m.group(2), bool(m.group(1))
        if struct == "sockaddr":
            length = length_arg()
            if call in ("bind", "connect", "sendto") and length is not None:
                return f".sockaddrIn(length: {length})"
            lengths = [i for i, (pt, n) in enumerate(params) if "int" in pt and "*" in pt and n.endswith("len")]
            if lengths:
                return f".sockaddrOut(lengthPointer: {lengths[0]})"
            return ".pointer"
        if struct == "iovec":
            counts = [i for i, n in enumerate(names) if n in ("vlen", "iovcnt")]
            if counts:
                out = call in ("readv", "preadv", "preadv2", "process_vm_readv")
                return f".iovec(count: {counts[0]}, output: {'true' if out else 'false'})"
        if struct == "pollfd":
            return f".pollfds(count: {names.index('nfds')})" if "nfds" in names else ".pointer"
        if struct in ("stat", "statx", "stat64"):
            return f".structOut(.{struct})"
        return f".structPointer(\"{struct}\")"
    if call in ("pipe", "pipe2") and name == "fildes":
        return ".fdPairOut"
    if re.fullmatch(r"int \*", t) and name in ("stat_addr",):
        return ".waitStatusOut"
    return ".pointer"


# --- entry points ------------------------------------------------------------------------------

def x86_entries(root: Path) -> dict[int, str]:
    path = next(root.glob("usr/src/linux-headers-*/arch/x86/include/generated/asm/syscalls_64.h"), None)
    if path is None:
        raise Failure(f"no arch/x86/include/generated/asm/syscalls_64.h under {root}")
    out = {}
    for nr, entry in re.findall(r"__SYSCALL(?:_NORETURN)?\((\d+),\s*sys_(\w+)\)", path.read_text()):
        out[int(nr)] = entry
    return out


def generic_entries(common: Path) -> dict[str, str]:
    """__NR name (without prefix) -> entry, for asm-generic (AArch64), 64-bit non-compat."""
    path = next(common.glob("usr/src/linux-headers-*/include/uapi/asm-generic/unistd.h"))
    text = path.read_text()
    out: dict[str, str] = {}
    for macro, args in re.findall(r"^(__SYSCALL|__SC_COMP|__SC_3264|__SC_COMP_3264)\(([^)]*)\)", text, flags=re.M):
        parts = [a.strip() for a in args.replace("\\", " ").split(",")]
        if len(parts) < {"__SYSCALL": 2, "__SC_COMP": 3, "__SC_3264": 3, "__SC_COMP_3264": 4}[macro]:
            raise Failure(f"{path}: cannot read {macro}({args})")
        nr = re.sub(r"^__NR(3264)?_", "", parts[0])
        entry = parts[1] if macro in ("__SYSCALL", "__SC_COMP") else parts[2]  # 64-bit, not compat
        out[nr] = entry.removeprefix("sys_")
    # `#define __NR_fstat __NR3264_fstat`: the table's name for a 3264 slot.
    for alias, target in re.findall(r"#define __NR_(\w+)\s+__NR3264_(\w+)", text):
        if target in out:
            out.setdefault(alias, out[target])
    return out


def names_table(abi: str) -> list[tuple[int, str]]:
    text = (REPO / NAMES_REL).read_text()
    m = re.search(rf"public static let {abi}: \[\(number: Int, name: String\)\] = \[(.*?)\n    \]", text, flags=re.S)
    if not m:
        raise Failure(f"no {abi} table in {NAMES_REL}")
    return [(int(n), s) for n, s in re.findall(r'\((\d+), "(\w+)"\)', m.group(1))]


# --- download ----------------------------------------------------------------------------------

def names_source() -> tuple[str, str]:
    """(suite, upstream version) of the names' linux-libc-dev, e.g. ('trixie', '6.12.107')."""
    m = re.search(r'public static let source = "linux-libc-dev ([\w.~+]+)-\S* \(Debian (\S+),', (REPO / NAMES_REL).read_text())
    if not m:
        raise Failure(f"cannot tell which linux-libc-dev {NAMES_REL} came from")
    return m.group(2), m.group(1)


def download(work: Path) -> tuple[Path, Path, str]:
    suite, upstream = names_source()
    apt = PrivateApt(work / "apt", tables.system_mirror())
    apt.set_suites([suite])
    apt.update()
    found = apt.cache("search", "--names-only", r"^linux-headers-[0-9.]+(-[0-9]+)?(\+deb[0-9]+)?-common$")
    packages = sorted({line.split()[0] for line in found.splitlines() if line.strip()})
    if not packages:
        raise Failure(f"no linux-headers-*-common in {suite}")
    # The newest ABI of the series the names came from.
    series = ".".join(upstream.split(".")[:2])
    same = [p for p in packages if p.startswith(f"linux-headers-{series}")] or packages
    common = max(same, key=lambda p: [int(x) for x in re.findall(r"\d+", p)])
    amd64 = common.removesuffix("-common") + "-amd64"
    say(f"using {common} and {amd64} from {suite}")
    debs = work / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    apt.download([common, f"{amd64}:amd64"], debs)
    roots = []
    for package in (common, amd64):
        deb = next(debs.glob(f"{package}_*.deb"))
        root = work / package
        if not root.exists():
            run(["dpkg-deb", "-x", str(deb), str(root)])
        roots.append(root)
    version = re.search(r"_([^_]+)_", next(debs.glob(f"{common}_*.deb")).name).group(1)
    return roots[0], roots[1], f"{common} {version} and {amd64} (Debian {suite})"


def swift(entries: dict[str, list[tuple[str, list[tuple[str, str]]]]], source: str) -> str:
    out = [
        "// GENERATED FILE - DO NOT EDIT.",
        f"// Generated by {SCRIPT_REL} from the kernel's own prototypes (include/linux/syscalls.h)",
        f"// in {source}. Re-run the script to update this file.",
        "",
        "extension LinuxSyscallSignatures {",
        "    /// Where the signatures come from.",
        f"    public static let source = \"{source}\"",
    ]
    for abi, rows in entries.items():
        out.append(f"    /// {abi} calls by name: each parameter's name, C type and kind.")
        out.append(f"    public static let {abi}: [String: [SyscallParameter]] = [")
        for name, params in rows:
            items = ", ".join(f'.init("{n}", "{t}", {kind(name, i, params)})' for i, (t, n) in enumerate(params))
            out.append(f'        "{name}": [{items}],')
        out.append("    ]")
    out.append("}")
    return "\n".join(out) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep-downloads", type=Path)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="osprey-signatures-") as tmp:
        work = a.keep_downloads or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        common, amd64, source = download(work)
        header = next(common.glob("usr/src/linux-headers-*/include/linux/syscalls.h"))
        generic = next(common.glob("usr/src/linux-headers-*/include/asm-generic/syscalls.h"))
        protos = parse_prototypes(generic.read_text())
        protos.update(parse_prototypes(header.read_text()))
        protos.update(ARCH_ONLY)
        result: dict[str, list] = {}
        for abi, entry_of in (("x86_64", None), ("aarch64", None)):
            rows, missing = [], []
            if abi == "x86_64":
                by_number = x86_entries(amd64)
                lookup = lambda nr, name: by_number.get(nr)
            else:
                by_name = generic_entries(common)
                lookup = lambda nr, name: by_name.get(name)
            for nr, name in names_table(abi):
                entry = lookup(nr, name)
                if entry is None or entry not in protos:
                    missing.append(f"{name}({entry or '?'})")
                    continue
                rows.append((name, protos[entry]))
            say(f"{abi}: {len(rows)} signatures, {len(missing)} without a prototype: {' '.join(missing)}")
            for must in ("read", "write", "openat", "execve", "mmap", "connect", "clone"):
                if must not in dict(rows):
                    raise Failure(f"{abi}: no signature for {must}")
            result[abi] = sorted(rows)
        (REPO / OUTPUT_REL).write_text(swift(result, source))
        say(f"wrote {OUTPUT_REL}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as e:
        say(f"error: {e}")
        sys.exit(1)
