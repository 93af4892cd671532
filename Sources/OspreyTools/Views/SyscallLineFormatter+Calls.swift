import OspreyCore

/// Calls strace prints in a form of their own rather than argument by argument.
extension FormattedCall {
    func specialArguments() -> [String]? {
        switch name {
        case "clone": return clone()
        case "rt_sigreturn":
            if case .signalFrame(let mask, _)? = s.decoded.frame { return ["{mask=\(StraceRender.sigset(Self.bytes(mask)))}"] }
            return []
        case "rt_sigprocmask":
            return [StraceConstants.sigprocmaskHow(Int(int(0))), sigset(1, .entry), sigset(2, .exit), String(raw(3))]
        case "prctl":
            let option = Int(int(0))
            let head = StraceConstants.prctlOption(option)
            switch option {
            case 15:
                return [head, s.decoded.bytes(1, at: .entry).map(StraceRender.pathString) ?? pointer(1)]
            case 16:
                guard succeeded, let b = s.decoded.bytes(1, at: .exit) else { return [head, pointer(1)] }
                return [head, StraceRender.pathString(b)]
            default:
                return [head] + (1..<5).map { "0x" + String(raw($0), radix: 16) }
            }
        case "arch_prctl":
            return [StraceConstants.archPrctlCode(Int(int(0))), pointer(1)]
        case "ioctl":
            let request = raw(1) & 0xFFFF_FFFF
            let requestName = StraceConstants.ioctlRequest(request) ?? "0x" + String(request, radix: 16)
            if request == 0x5401, succeeded, let b = s.decoded.bytes(2, at: .exit), let t = StraceRender.termios(b) {
                return [String(int(0)), requestName, t]
            }
            return [String(int(0)), requestName, pointer(2)]
        case "umask":
            return [StraceXlat.octal3(raw(0) & 0o777)]
        case "pipe2":
            return [argument(0, .fdPairOut, name: "fildes"), openFlagsWithoutAccessMode(raw(1))]
        case "dup3":
            return [String(int(0)), String(int(1)), openFlagsWithoutAccessMode(raw(2))]
        case "fcntl", "fcntl64":
            return fcntl()
        case "socket":
            let family = Int(int(0))
            return [LinuxConstants.format(raw(0), .addressFamily, abi: abi), LinuxConstants.format(raw(1), .socketType, abi: abi),
                    StraceConstants.ipProtocol(Int(int(2)), family: family)]
        case "setsockopt":
            let level = Int(int(1))
            let value: String
            if let b = s.decoded.bytes(3, at: .entry), b.count == 4, raw(4) == 4, let int = StraceBytes(b).i32(0) {
                value = "[\(int)]"
            } else {
                value = s.decoded.bytes(3, at: .entry).map { StraceRender.quoted($0, limit: limit, total: count(4)) } ?? pointer(3)
            }
            return [String(int(0)), StraceConstants.socketLevel(level), StraceConstants.socketOption(level: level, name: Int(int(2))), value, String(int(4))]
        case "shutdown":
            return [String(int(0)), StraceConstants.shutdownHow(Int(int(1)))]
        case "clock_gettime", "clock_getres", "clock_settime":
            return [StraceConstants.clockID(Int(int(0))), structPointer(1, type: "__kernel_timespec")]
        case "clock_nanosleep":
            let flags = int(1) == 1 ? "TIMER_ABSTIME" : String(int(1))
            return [StraceConstants.clockID(Int(int(0))), flags, structPointer(2, type: "__kernel_timespec"), pointer(3)]
        case "nanosleep":
            return [structPointer(0, type: "__kernel_timespec"), pointer(1)]
        case "prlimit64":
            return [String(int(0)), StraceConstants.rlimitResource(Int(int(1))), structPointer(2, type: "rlimit64"), structPointer(3, type: "rlimit64")]
        case "getrlimit", "setrlimit":
            return [StraceConstants.rlimitResource(Int(int(0))), structPointer(1, type: "rlimit")]
        case "getrandom":
            // strace shows random bytes in hex, whatever they are.
            let buffer = succeeded ? s.decoded.bytes(0, at: .exit).map { StraceRender.hexQuoted($0, limit: limit, total: Int(s.result ?? 0)) } : nil
            return [buffer ?? pointer(0), String(raw(1)), StraceConstants.getrandomFlags(raw(2))]
        case "rseq":
            return [pointer(0), "0x" + String(raw(1), radix: 16), String(int(2)), "0x" + String(raw(3) & 0xFFFF_FFFF, radix: 16)]
        case "mmap", "mmap2":
            return [pointer(0), String(raw(1)), LinuxConstants.format(raw(2), .prot, abi: abi), LinuxConstants.format(raw(3), .map, abi: abi),
                    String(int(4)), raw(5) == 0 ? "0" : "0x" + String(raw(5), radix: 16)]
        case "ppoll":
            let fds = s.decoded.bytes(0).flatMap { StraceRender.pollfds($0, count: count(1)) } ?? pointer(0)
            let timeout = s.decoded.bytes(2, at: .entry).flatMap(StraceRender.timespec) ?? pointer(2)
            return [fds, String(raw(1)), timeout, sigset(3, .entry), String(raw(4))]
        default:
            return nil
        }
    }

    /// `clone(child_stack=..., flags=..., parent_tid=..., tls=..., child_tidptr=...)`, as
    /// strace names the arguments; which appear depends on the flags. x86-64 passes
    /// (flags, stack, parent_tid, child_tid, tls), AArch64 (flags, stack, parent_tid, tls, child_tid).
    func clone() -> [String] {
        let flags = raw(0)
        var out = ["child_stack=\(pointer(1))", "flags=\(LinuxConstants.format(flags, .clone, abi: abi))"]
        let (childTID, tls) = abi == .aarch64 ? (4, 3) : (3, 4)
        if flags & (0x0010_0000 | 0x1000) != 0 { out.append("parent_tid=\(pointer(2))") }  // CLONE_PARENT_SETTID, CLONE_PIDFD
        if flags & 0x80000 != 0 { out.append("tls=\(pointer(tls))") }  // CLONE_SETTLS
        if flags & (0x0100_0000 | 0x0020_0000) != 0 { out.append("child_tidptr=\(pointer(childTID))") }  // CHILD_SETTID, CHILD_CLEARTID
        return out
    }

    /// fcntl's third argument depends on the command: none for the F_GET* ones, FD_CLOEXEC
    /// for F_SETFD, open flags for F_SETFL, a number otherwise.
    func fcntl() -> [String] {
        let command = Int(int(1))
        let head = [String(int(0)), LinuxConstants.format(raw(1), .fcntl, abi: abi)]
        switch command {
        case 1, 3, 9, 1025, 1032: return head  // F_GETFD, F_GETFL, F_GETOWN, F_GETSIG? (1025 F_GETLEASE), F_GETPIPE_SZ
        case 2: return head + [StraceConstants.fcntlFDFlags(raw(2))]
        case 4: return head + [LinuxConstants.openFlags(raw(2), abi: abi)]
        default: return head + [String(int(2))]
        }
    }

    /// `pipe2`'s and `dup3`'s flags: `O_CLOEXEC`, or `0`.
    func openFlagsWithoutAccessMode(_ v: UInt64) -> String {
        LinuxConstants.openFlagBits(v, abi: abi)
    }

    /// A signal set argument: `[CHLD]`, `~[]`, or NULL / the address when not captured.
    func sigset(_ i: Int, _ moment: CaptureMoment) -> String {
        guard raw(i) != 0 else { return "NULL" }
        if moment == .exit && !succeeded { return pointer(i) }
        guard let b = s.decoded.bytes(i, at: moment) else { return pointer(i) }
        return StraceRender.sigset(b)
    }

    static func bytes(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
}
