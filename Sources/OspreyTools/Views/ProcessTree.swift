/// The process tree of `osprey ps`: the processes of a `SystemState`, each under its parent,
/// alive ones and those that have exited (marked with how they ended).
///
/// A process whose parent is not shown (pid 0, a parent never seen, or filtered out) is a root.
/// Children come in pid order. Parent links that loop (only a damaged trace has them) are
/// broken where the loop closes, so every process is shown exactly once.
public struct ProcessTree: Sendable {
    /// One line of the tree: a process and how deep it sits (roots at 0).
    public struct Row: Sendable, Equatable {
        public var depth: Int
        public var process: SystemState.Process
    }

    /// The sequence number the state was taken at.
    public var seq: UInt64
    /// The processes in tree order (depth-first, children by pid).
    public var rows: [Row]

    /// The tree of the processes of `state` that `include` accepts.
    public init(_ state: SystemState, including include: (SystemState.Process) -> Bool = { _ in true }) {
        seq = state.seq
        let shown = state.processes.values.filter(include)
        let pids = Set(shown.map(\.pid))
        var children: [Int: [SystemState.Process]] = [:]
        var roots: [SystemState.Process] = []
        for p in shown {
            if p.ppid != p.pid && pids.contains(p.ppid) { children[p.ppid, default: []].append(p) } else { roots.append(p) }
        }
        var rows: [Row] = []
        var placed: Set<Int> = []
        func walk(from root: SystemState.Process) {
            var stack: [(SystemState.Process, Int)] = [(root, 0)]
            while let (p, depth) = stack.popLast() {
                guard placed.insert(p.pid).inserted else { continue }
                rows.append(Row(depth: depth, process: p))
                for c in (children[p.pid] ?? []).sorted(by: { $0.pid > $1.pid }) { stack.append((c, depth + 1)) }
            }
        }
        for r in roots.sorted(by: { $0.pid < $1.pid }) { walk(from: r) }
        // What is left sits on a parent loop: show each left-over process as a root.
        for p in shown.sorted(by: { $0.pid < $1.pid }) where !placed.contains(p.pid) { walk(from: p) }
        self.rows = rows
    }

    /// A table with one process a line, the command indented under its parent's:
    ///
    ///         PID    PPID S      UID  COMMAND
    ///          84       1 S        0  sh /scenario.sh
    ///          95      84 Z        0   \_ cat /tmp/a.txt  (exited 0)
    public func render() -> String {
        var text = "    PID    PPID S      UID  COMMAND\n"
        for row in rows {
            let p = row.process
            let indent = row.depth == 0 ? "" : String(repeating: "    ", count: row.depth - 1) + " \\_ "
            var line = pad(String(p.pid), 7) + " " + pad(String(p.ppid), 7) + " " + (p.state.first.map(String.init) ?? "?")
            line += " " + pad(p.uid.map(String.init) ?? "?", 8) + "  " + indent + p.shownCommand
            if let exit = p.exit { line += "  (\(exit.summary))" }
            text += line + "\n"
        }
        return text
    }

    private func pad(_ s: String, _ width: Int) -> String { TraceSummary.pad(s, width, right: true) }
}
