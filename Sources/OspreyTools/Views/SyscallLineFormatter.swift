import OspreyCore

/// Formats a syscall event as one line in strace's syntax: `name(args) = ret`, prefixed with
/// the pid as `strace -f` does, so that `diff` against strace's output is meaningful.
///
/// Each argument is shown by its kind in the kernel's prototype (``LinuxSyscallSignatures``)
/// and the guest memory the trace captured for it (`decoded`): strings and buffers quoted
/// the way strace quotes them (first 32 bytes), structs as strace prints them (`stat`,
/// `sockaddr`, `sigaction`, `timespec`...), flags by name, modes in octal, descriptors and
/// integers in decimal, other pointers in hex (`NULL` for 0). Memory the trace did not capture
/// (an output argument of a failed call, an unreadable page) shows as the address, as strace
/// does. Errors read `-1 ENOENT (No such file or directory)`.
public enum SyscallLineFormatter {
    /// The line, with `PID ` in front when `withPID` (pid `?` when unknown).
    public static func line(_ s: TraceSyscall, withPID: Bool = true, stringLimit: Int = 32) -> String {
        let call = FormattedCall(s, stringLimit: stringLimit)
        var text = withPID ? "\(s.pid.map(String.init) ?? "?") " : ""
        text += "\(s.displayName)(\(call.arguments().joined(separator: ", ")))"
        switch s.end {
        case "returned", "exec", "child": text += " = " + call.result()
        case "noreturn": text += " = " + call.noReturnResult()
        case "restarted": text += " = ? ERESTARTSYS (To be restarted if SA_RESTART is set)"
        case "unfinished": text += " <unfinished ...>"
        default: text += " = " + (s.result.map { _ in call.result() } ?? "?")
        }
        return text
    }
}

/// One call being formatted: the event, its ABI and signature.
struct FormattedCall {
    let s: TraceSyscall
    let abi: SyscallABI
    let params: [SyscallParameter]?
    let limit: Int

    init(_ s: TraceSyscall, stringLimit: Int) {
        self.s = s
        let abi = SyscallABI(traceName: s.abi) ?? .x86_64
        self.abi = abi
        self.params = s.name.flatMap { LinuxSyscallSignatures.parameters(of: $0, abi: abi) }
        self.limit = stringLimit
    }

    var name: String { s.name ?? "" }

    /// Argument `i`'s raw value (32 bits for i386).
    func raw(_ i: Int) -> UInt64 {
        let v = i < s.args.count ? s.args[i] : 0
        return abi == .i386 ? v & 0xFFFF_FFFF : v
    }

    /// Argument `i` as a length or count, bounded (the guest may pass anything).
    func count(_ i: Int) -> Int { Int(min(raw(i), UInt64(Int32.max))) }

    /// Argument `i` as a C `int`.
    func int(_ i: Int) -> Int64 { Int64(Int32(truncatingIfNeeded: raw(i))) }

    /// Argument `i` as strace prints a pointer: `NULL` or hex.
    func pointer(_ i: Int) -> String { StraceRender.address(raw(i)) }

    var succeeded: Bool { (s.result ?? -1) >= 0 && s.end != "unfinished" }

    func arguments() -> [String] {
        if let special = specialArguments() { return special }
        guard let params else {
            let lastString = s.strings.keys.max() ?? -1
            let lastNonZero = s.args.lastIndex(where: { $0 != 0 }) ?? -1
            return (0..<(max(lastString, lastNonZero) + 1)).map { argument($0, .pointer, name: "") }
        }
        var shown = params.indices.map { argument($0, params[$0].kind, name: params[$0].name) }
        // open/openat take a mode only with O_CREAT or O_TMPFILE; strace leaves it out otherwise.
        if let flags = params.firstIndex(where: { $0.kind == .flags(.open) }), params.last?.kind == .mode,
           ["open", "openat"].contains(name), raw(flags) & (0o100 | 0o20000000) == 0 {
            shown.removeLast()
        }
        return shown
    }

    /// Argument `i` shown by its kind and captured memory.
    func argument(_ i: Int, _ kind: SyscallArgumentKind, name parameterName: String) -> String {
        let value = raw(i)
        switch kind {
        case .path, .string:
            if let string = s.strings[i] { return StraceRender.pathString(string.bytes) }
            return pointer(i)
        case .fd, .signed, .pid: return String(int(i))
        case .dirfd: return int(i) == -100 ? "AT_FDCWD" : String(int(i))
        case .unsigned: return String(value)
        case .mode: return StraceXlat.octal3(value)
        case .signal: return LinuxConstants.signalName(Int(int(i))) ?? String(int(i))
        case .flags(let family): return LinuxConstants.format(value, family, abi: abi)
        case .stringArray:
            guard case .strings(let items, let count)? = s.decoded.entry[i] else { return pointer(i) }
            if parameterName == "envp" { return "\(pointer(i)) /* \(count) var\(count == 1 ? "" : "s") */" }
            var shown = items.map { StraceRender.quoted($0, limit: limit, total: $0.count) }
            if count > items.count { shown.append("...") }
            return "[" + shown.joined(separator: ", ") + "]"
        case .bufferIn(let length):
            guard let bytes = s.decoded.bytes(i, at: .entry) else { return pointer(i) }
            return StraceRender.quoted(bytes, limit: limit, total: count(length))
        case .bufferOut:
            guard succeeded, let bytes = s.decoded.bytes(i, at: .exit) else { return pointer(i) }
            return StraceRender.quoted(bytes, limit: limit, total: Int(s.result ?? 0))
        case .sockaddrIn:
            return s.decoded.bytes(i, at: .entry).flatMap(StraceRender.sockaddr) ?? pointer(i)
        case .sockaddrOut:
            guard succeeded else { return pointer(i) }
            return s.decoded.bytes(i, at: .exit).flatMap(StraceRender.sockaddr) ?? pointer(i)
        case .iovec(let count, let output):
            return iovecs(i, count: count, output: output)
        case .pollfds(let count):
            return s.decoded.bytes(i).flatMap { StraceRender.pollfds($0, count: self.count(count)) } ?? pointer(i)
        case .structOut(let type):
            guard succeeded, let bytes = s.decoded.bytes(i, at: .exit) else { return pointer(i) }
            let text = type == .statx ? StraceRender.statx(bytes) : StraceRender.stat(bytes, abi: abi)
            return text ?? pointer(i)
        case .structPointer(let type):
            return structPointer(i, type: type)
        case .fdPairOut:
            guard succeeded, let b = s.decoded.bytes(i, at: .exit).map(StraceBytes.init),
                  let read = b.i32(0), let write = b.i32(4) else { return pointer(i) }
            return StraceRender.intArray([read, write])
        case .waitStatusOut:
            guard (s.result ?? 0) > 0, let status = s.decoded.bytes(i, at: .exit).flatMap({ StraceBytes($0).i32(0) })
            else { return pointer(i) }
            return StraceRender.waitStatus(status)
        case .pointer:
            if let length = socketLengthPointer(i) { return length }
            return pointer(i)
        }
    }

    /// A struct behind a pointer, when the trace captured it.
    func structPointer(_ i: Int, type: String) -> String {
        if type == "linux_dirent64" || type == "linux_dirent" {
            guard succeeded, case .entries(let n)? = s.decoded.exit[i] else { return pointer(i) }
            return "\(pointer(i)) /* \(n) entries */"
        }
        guard let bytes = s.decoded.bytes(i) else { return pointer(i) }
        if s.decoded.exit[i] != nil, !succeeded { return pointer(i) }
        let text: String? = switch type {
        case "sigaction": StraceRender.sigaction(bytes, abi: abi)
        case "__kernel_timespec", "timespec": StraceRender.timespec(bytes)
        case "rlimit64", "rlimit": StraceRender.rlimit(bytes)
        case "new_utsname": StraceRender.utsname(bytes)
        default: nil
        }
        return text ?? pointer(i)
    }

    /// `accept`'s and `getsockname`'s address length: `[16]`, or `[128 => 16]` when the
    /// kernel changed it.
    func socketLengthPointer(_ i: Int) -> String? {
        guard raw(i) != 0, let entry = s.decoded.bytes(i, at: .entry).flatMap({ StraceBytes($0).i32(0) }) else { return nil }
        guard succeeded, let exit = s.decoded.bytes(i, at: .exit).flatMap({ StraceBytes($0).i32(0) }) else { return "[\(entry)]" }
        return exit == entry ? "[\(exit)]" : "[\(entry) => \(exit)]"
    }

    func iovecs(_ i: Int, count: Int, output: Bool) -> String {
        guard case .iovecs(let vecs)? = output ? s.decoded.exit[i] : s.decoded.entry[i] else { return pointer(i) }
        if output && !succeeded { return pointer(i) }
        var remaining = UInt64(max(s.result ?? 0, 0))
        let shown = vecs.map { v -> String in
            let filled = output ? min(v.length, remaining) : v.length
            if output { remaining -= filled }
            let base = output && filled == 0 && v.length > 0 ? StraceRender.address(v.base)
                : StraceRender.quoted(v.bytes, limit: limit, total: Int(min(filled, UInt64(Int.max))))
            return "{iov_base=\(base), iov_len=\(v.length)}"
        }
        let total = raw(count)
        return "[" + shown.joined(separator: ", ") + (total > UInt64(vecs.count) ? ", ..." : "") + "]"
    }

    // MARK: results

    /// Calls whose result is an address (strace prints it in hex).
    static let addressResults: Set<String> = ["mmap", "mmap2", "brk", "mremap", "shmat"]

    func result() -> String {
        guard let r = s.result else { return "?" }
        if r < 0 && r > -4096 { return Self.errorText(Int(-r)) }
        switch name {
        case _ where Self.addressResults.contains(name): return "0x" + String(UInt64(bitPattern: r), radix: 16)
        case "umask": return StraceXlat.octal3(UInt64(bitPattern: r))
        case "poll", "ppoll":
            if r == 0 { return "0 (Timeout)" }
            if let b = s.decoded.bytes(0, at: .exit), let revents = StraceRender.pollRevents(b, count: count(1)) {
                return "\(r) (\(revents))"
            }
            return String(r)
        default: return String(r)
        }
    }

    /// `rt_sigreturn` returns what the frame restores; `exit` and `exit_group` nothing.
    func noReturnResult() -> String {
        if case .signalFrame(_, let restored)? = s.decoded.frame {
            let r = abi.signedResult(restored)
            return r < 0 && r > -4096 ? Self.errorText(Int(-r)) : String(r)
        }
        return "?"
    }

    static func errorText(_ number: Int) -> String {
        guard let (name, message) = LinuxConstants.errno(number) else { return "-1 E\(number) (Unknown error \(number))" }
        return "-1 \(name) (\(message))"
    }
}

extension SyscallABI {
    /// The ABI as a trace names it (`x86_64`, `i386`, `aarch64`).
    public init?(traceName: String) {
        switch traceName {
        case "x86_64": self = .x86_64
        case "i386": self = .i386
        case "aarch64": self = .aarch64
        default: return nil
        }
    }
}
