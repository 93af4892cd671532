import Foundation

/// Parses `strace -f -o FILE` output: the calls per process, in order, each as one line
/// (`name(args) = result`, with split `<unfinished ...>`/`<... resumed>` halves joined).
struct StraceLog {
    struct Call: Equatable {
        var name: String
        /// `name(args) = result`, as strace printed it (joined when split).
        var line: String
    }

    /// Calls per pid, in the order strace printed their entries.
    private(set) var callsByPID: [Int: [Call]] = [:]
    /// Pids in order of first appearance.
    private(set) var pids: [Int] = []

    init(_ text: String) {
        // Where each pid's unfinished call sits, to join its resumed half.
        var open: [Int: Int] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\r", with: "")
            let fields = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard fields.count == 2, let pid = Int(fields[0]) else { continue }
            let rest = fields[1].trimmingCharacters(in: .whitespaces)
            // Signals and exits are not calls.
            if rest.hasPrefix("+++") || rest.hasPrefix("---") { continue }
            if rest.hasPrefix("<..."), let close = rest.range(of: " resumed>") {
                if let index = open.removeValue(forKey: pid) {
                    callsByPID[pid]![index].line += rest[close.upperBound...]
                }
                continue
            }
            guard let paren = rest.firstIndex(of: "("), paren > rest.startIndex else { continue }
            let name = String(rest[..<paren])
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { continue }
            if callsByPID[pid] == nil { pids.append(pid) }
            var text = rest
            if let cut = text.range(of: " <unfinished ...>", options: .backwards) {
                text = String(text[..<cut.lowerBound])
                open[pid] = callsByPID[pid, default: []].count
            }
            callsByPID[pid, default: []].append(Call(name: name, line: text))
        }
    }

    /// A line with pointer values and column padding taken out, for comparison.
    static func normalised(_ line: String) -> String {
        var s = line.replacingOccurrences(of: "0x[0-9a-f]+", with: "0x_", options: .regularExpression)
        s = s.replacingOccurrences(of: "\\)\\s+= ", with: ") = ", options: .regularExpression)
        return s
    }

    /// `name(...) = RESULT` → the result part (`90`, `-1 ENOENT (...)`, `?`).
    static func result(_ line: String) -> String {
        guard let eq = line.range(of: ") = ", options: .backwards) else { return "" }
        return String(line[eq.upperBound...])
    }
}
