import OspreyCore

/// Counts per system call and per process: the demo's readable summary.
public struct TraceSummary: Sendable {
    public struct ProcessRow: Sendable, Equatable {
        public var pid: Int?
        /// The names the process had, in order (`sh`, then `cat` after an exec).
        public var names: [GuestText]
        public var calls: Int

        /// `sh -> cat`, each name escaped; `?` when none is known.
        public var comm: String { names.isEmpty ? "?" : names.map(\.description).joined(separator: " -> ") }
    }

    public var total = 0
    public var returned = 0
    /// `exit`, `exit_group`, `rt_sigreturn`: never return by design.
    public var noReturn = 0
    public var unfinished: [TraceSyscall] = []
    public var byName: [(name: String, count: Int, errors: Int)] = []
    public var byProcess: [ProcessRow] = []

    public init(_ trace: TraceFile) {
        var names: [String: (Int, Int)] = [:]
        var processes: [String: ProcessRow] = [:]
        for s in trace.syscalls where s.end != "child" {
            total += 1
            if s.result != nil { returned += 1 }
            if s.end == "noreturn" { noReturn += 1 }
            if s.end == "unfinished" { unfinished.append(s) }
            var n = names[s.displayName] ?? (0, 0)
            n.0 += 1
            if let r = s.result, r < 0, r > -4096 { n.1 += 1 }
            names[s.displayName] = n
            // One row per pid (one per name while the pid is unknown); the names a process
            // had, in order: `sh -> cat` after an exec.
            let key = s.pid.map(String.init) ?? "?/\(s.comm?.quoted ?? "?")"
            if processes[key] == nil {
                processes[key] = ProcessRow(pid: s.pid, names: [], calls: 0)
            }
            processes[key]!.calls += 1
            if let comm = s.comm, processes[key]!.names.last != comm {
                processes[key]!.names.append(comm)
            }
        }
        byName = names.map { ($0.key, $0.value.0, $0.value.1) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
        byProcess = processes.values.sorted {
            ($0.pid ?? Int.max, $0.comm) < ($1.pid ?? Int.max, $1.comm)
        }
    }

    /// A plain-text report.
    public func render(topCalls: Int = 25) -> String {
        var out = "System calls: \(total) (\(returned) returned, \(noReturn) do not return by design, "
            + "\(unfinished.count) still in flight when the run ended)\n\n"
        out += "Top system calls:\n"
        out += Self.pad("count", 8, right: true) + "  " + Self.pad("errors", 7, right: true) + "  name\n"
        for row in byName.prefix(topCalls) {
            out += Self.pad(String(row.count), 8, right: true) + "  " + Self.pad(String(row.errors), 7, right: true) + "  " + row.name + "\n"
        }
        if byName.count > topCalls { out += "  ... and \(byName.count - topCalls) other calls\n" }
        out += "\nProcesses (pid learnt from call results; ? = not yet known):\n"
        out += Self.pad("pid", 7, right: true) + "  " + Self.pad("calls", 7, right: true) + "  comm\n"
        for p in byProcess {
            out += Self.pad(p.pid.map(String.init) ?? "?", 7, right: true) + "  " + Self.pad(String(p.calls), 7, right: true) + "  " + p.comm + "\n"
        }
        if !unfinished.isEmpty {
            out += "\nCalls still in flight when the run ended:\n"
            for s in unfinished {
                out += "  \(s.displayName) (pid \(s.pid.map(String.init) ?? "?"), \(s.comm.map(\.description) ?? "?"))\n"
            }
        }
        return out
    }

    static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        guard s.count < width else { return s }
        let fill = String(repeating: " ", count: width - s.count)
        return right ? fill + s : s + fill
    }
}
