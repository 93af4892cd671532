import OspreyCore

/// Formats a syscall event as one line in strace's syntax: `name(args) = ret`, prefixed with
/// the pid as `strace -f` does.
///
/// Each argument is shown by its kind in the kernel's prototype (``LinuxSyscallSignatures``):
/// descriptors and integers in decimal (`AT_FDCWD` for -100), strings read from guest memory
/// quoted, flags by name (`O_RDONLY|O_CLOEXEC`), modes in octal, other pointers in hex (`NULL`
/// for 0). Errors read `-1 ENOENT (No such file or directory)`. Calls without a known
/// signature show their non-zero raw arguments.
public enum SyscallLineFormatter {
    /// The line, with `PID ` in front when `withPID` (pid `?` when unknown).
    public static func line(_ s: TraceSyscall, withPID: Bool = true) -> String {
        let abi = SyscallABI(traceName: s.abi) ?? .x86_64
        let parts: [String]
        if let params = s.name.flatMap({ LinuxSyscallSignatures.parameters(of: $0, abi: abi) }) {
            var shown = params.indices.map { argument($0, params[$0].kind, s, abi: abi) }
            // open/openat take a mode only with O_CREAT or O_TMPFILE; strace leaves it out otherwise.
            if let flags = params.firstIndex(where: { $0.kind == .flags(.open) }), params.last?.kind == .mode,
               ["open", "openat"].contains(s.name ?? ""), flags < s.args.count, s.args[flags] & (0o100 | 0o20000000) == 0 {
                shown.removeLast()
            }
            parts = shown
        } else {
            let lastString = s.strings.keys.max() ?? -1
            let lastNonZero = s.args.lastIndex(where: { $0 != 0 }) ?? -1
            parts = (0..<(max(lastString, lastNonZero) + 1)).map { argument($0, .pointer, s, abi: abi) }
        }
        var text = withPID ? "\(s.pid.map(String.init) ?? "?") " : ""
        text += "\(s.displayName)(\(parts.joined(separator: ", ")))"
        switch s.end {
        case "returned", "exec", "child": text += " = " + result(s)
        case "noreturn": text += " = ?"
        case "restarted": text += " = ? ERESTARTSYS (To be restarted if SA_RESTART is set)"
        case "unfinished": text += " <unfinished ...>"
        default: text += " = " + (s.result.map { _ in result(s) } ?? "?")
        }
        return text
    }

    static func argument(_ i: Int, _ kind: SyscallArgumentKind, _ s: TraceSyscall, abi: SyscallABI) -> String {
        if let string = s.strings[i] { return quote(string) }
        let raw = i < s.args.count ? s.args[i] : 0
        let value = abi == .i386 ? raw & 0xFFFF_FFFF : raw
        let int = Int64(Int32(truncatingIfNeeded: value))
        switch kind {
        case .fd, .signed: return String(int)
        case .dirfd: return int == -100 ? "AT_FDCWD" : String(int)
        case .pid: return String(int)
        case .unsigned: return String(value)
        case .mode: return "0" + String(value & 0o7777, radix: 8)
        case .signal: return LinuxConstants.signalName(Int(int)) ?? String(int)
        case .flags(let family): return LinuxConstants.format(value, family, abi: abi)
        default: return value == 0 ? "NULL" : "0x" + String(value, radix: 16)
        }
    }

    /// Calls whose result is an address (strace prints it in hex).
    static let addressResults: Set<String> = ["mmap", "mmap2", "brk", "mremap", "shmat"]

    static func result(_ s: TraceSyscall) -> String {
        guard let r = s.result else { return "?" }
        if r < 0 && r > -4096 {
            let number = Int(-r)
            guard let (name, message) = LinuxConstants.errno(number) else { return "-1 E\(number) (Unknown error \(number))" }
            return "-1 \(name) (\(message))"
        }
        if let name = s.name, addressResults.contains(name) { return "0x" + String(UInt64(bitPattern: r), radix: 16) }
        return String(r)
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if ch.value < 0x20 || ch.value == 0x7F {
                    out += "\\x" + (ch.value < 16 ? "0" : "") + String(ch.value, radix: 16)
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out + "\""
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
