/// Parses `strace -f -o FILE` output: the system-call names per process, in order.
struct StraceLog {
    /// Calls per pid, in the order strace printed their entries.
    private(set) var callsByPID: [Int: [String]] = [:]
    /// Pids in order of first appearance.
    private(set) var pids: [Int] = []

    init(_ text: String) {
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\r", with: "")
            let fields = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard fields.count == 2, let pid = Int(fields[0]) else { continue }
            let rest = fields[1].trimmingCharacters(in: .whitespaces)
            // Signals, exits and the second half of split calls are not new calls.
            if rest.hasPrefix("+++") || rest.hasPrefix("---") || rest.hasPrefix("<...") { continue }
            guard let paren = rest.firstIndex(of: "("), paren > rest.startIndex else { continue }
            let name = String(rest[..<paren])
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { continue }
            if callsByPID[pid] == nil { pids.append(pid) }
            callsByPID[pid, default: []].append(name)
        }
    }
}

import Foundation
