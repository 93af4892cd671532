/// Formats a syscall event as one strace-like line: `PID name(args) = ret`.
///
/// Arguments are shown raw (hex) except strings read from guest memory, which are quoted.
/// Trailing zero arguments are omitted, since the trace does not yet know each call's arity.
public enum SyscallLineFormatter {
    public static func line(_ s: TraceSyscall) -> String {
        let lastString = s.strings.keys.max() ?? -1
        let lastNonZero = s.args.lastIndex(where: { $0 != 0 }) ?? -1
        let count = max(lastString, lastNonZero) + 1
        var parts: [String] = []
        for i in 0..<count {
            if let str = s.strings[i] {
                parts.append(quote(str))
            } else {
                let v = i < s.args.count ? s.args[i] : 0
                parts.append(v < 10 ? String(v) : "0x" + String(v, radix: 16))
            }
        }
        let who = s.pid.map(String.init) ?? "?"
        var text = "\(who) \(s.displayName)(\(parts.joined(separator: ", ")))"
        switch s.end {
        case "returned", "exec": text += " = " + result(s.result ?? 0)
        case "noreturn": text += " = ?"
        case "restarted": text += " = ? (restarted)"
        case "unfinished": text += " <unfinished ...>"
        default: text += " = " + (s.result.map(result) ?? "?")
        }
        return text
    }

    static func result(_ r: Int64) -> String {
        r < 0 && r > -4096 ? "-1 (errno \(-r))" : String(r)
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
