import OspreyCore

/// `osprey modules`: per process, the executables and shared libraries it mapped (the `module`
/// events), with their base addresses and the events that loaded and unloaded them.
///
/// Processes that have exited are included. A pid that starts again after its process exited
/// (pid reuse) is a new process. An `unload` without a `load` before it (the module was mapped
/// before the monitors looked) is kept with an unknown load.
public struct ModuleHistory: Sendable {
    /// One module of one process.
    public struct Module: Sendable, Encodable, Equatable {
        public var path: GuestText
        /// The lowest address it is mapped at, when the event said.
        public var base: UInt64?
        public var loadSeq: UInt64?
        public var unloadSeq: UInt64?

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.encode(text: path, forKey: "path")
            try c.encode(base.map(hexAddress), forKey: "base")
            try c.encode(loadSeq, forKey: "load_seq")
            try c.encode(unloadSeq, forKey: "unload_seq")
        }
    }

    /// One process and its modules, in the order they were loaded.
    public struct Process: Sendable, Encodable, Equatable {
        public var pid: Int
        public var comm: GuestText
        /// argv, when the trace had it.
        public var argv: [GuestText]?
        /// The exit event's sequence number, when the process exited.
        public var exitSeq: UInt64?
        public var modules: [Module]

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.encode(pid, forKey: "pid")
            try c.encode(text: comm, forKey: "comm")
            try c.encode(text: argv.map { GuestText.joined($0) }, forKey: "cmdline", nullWhenAbsent: true)
            if let argv { try c.encode(texts: argv, forKey: "argv") }
            try c.encode(exitSeq, forKey: "exit_seq")
            try c.encode(modules, forKey: "modules")
        }
    }

    /// Processes with at least one module event, in the order of their first one.
    public var processes: [Process] = []

    public init(events: [TraceObjectEvent]) {
        var state = SystemState()
        var current: [Int: Int] = [:]  // pid -> index in processes
        for e in events.sorted(by: { $0.seq < $1.seq }) {
            state.apply(e)
            if e.type == "process" && e.event == "start", let i = current[e.pid], processes[i].exitSeq != nil {
                current[e.pid] = nil  // the pid was reused
            }
            if e.type == "process", let i = current[e.pid] {
                if e.event == "exit" { processes[i].exitSeq = e.seq }
                names(of: i, from: state)
            }
            guard e.type == "module", let path = e.strings["path"], e.event == "load" || e.event == "unload" else { continue }
            let i: Int
            if let known = current[e.pid] {
                i = known
            } else {
                processes.append(Process(pid: e.pid, comm: e.comm, modules: []))
                i = processes.count - 1
                current[e.pid] = i
            }
            if e.event == "load" {
                processes[i].modules.append(Module(path: path, base: e.address("base"), loadSeq: e.seq))
            } else if let m = processes[i].modules.lastIndex(where: { $0.path == path && $0.unloadSeq == nil && $0.loadSeq != nil }) {
                processes[i].modules[m].unloadSeq = e.seq
            } else {
                processes[i].modules.append(Module(path: path, loadSeq: nil, unloadSeq: e.seq))
            }
            names(of: i, from: state)
        }
    }

    /// Names as the process state last describes them (after an exec: the new program's).
    private mutating func names(of i: Int, from state: SystemState) {
        guard let p = state.processes[processes[i].pid] else { return }
        processes[i].comm = p.comm
        processes[i].argv = p.commandLine
    }

    /// Text: a heading per process, one module a line.
    ///
    ///     pid 119 pigz -p 2 -k random.bin  (exited at seq 4165)
    ///       0x55740fbae000  /usr/bin/pigz                          loaded at seq 3836
    ///       0x400000        /usr/bin/busybox                       loaded at seq 3801, unloaded at seq 3835
    public func render() -> String {
        var text = ""
        for p in processes {
            text += "pid \(p.pid) " + (p.argv.map { GuestText.shownCommand($0) } ?? "[\(p.comm)]")
            if let seq = p.exitSeq { text += "  (exited at seq \(seq))" }
            text += "\n"
            for m in p.modules {
                let base = m.base.map(hexAddress) ?? "?"
                var line = TraceSummary.pad("  " + TraceSummary.pad(base, 16) + " \(m.path)", 70)
                line += m.loadSeq.map { " loaded at seq \($0)" } ?? " loaded before the trace saw it"
                if let u = m.unloadSeq { line += ", unloaded at seq \(u)" }
                text += line + "\n"
            }
        }
        return text
    }
}
