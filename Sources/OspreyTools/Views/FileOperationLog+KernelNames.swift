import OspreyCore

extension FileOperationLog {
    /// The operations with the kernel's names (the object monitors' `file` events, as
    /// `/proc/PID/fd` shows them) where the log's own are unknown or relative: a handle the
    /// calls never showed opened (`?`, such as the console descriptors a process inherited from
    /// before the trace began) and a relative path opened without a known working directory.
    /// Names the log knows as absolute paths, and its own `pipe#N`/`socket#N` names, stay.
    ///
    /// Each operation takes the name its handle had in the process's descriptor table just
    /// before the call's record (the state the events up to it rebuild); an `open` takes the
    /// name of the `file open` event the monitors wrote for its new handle, before that
    /// process's next call.
    public static func withKernelNames(_ operations: [FileOperation], trace: TraceFile) -> [FileOperation] {
        guard !trace.objectEvents.isEmpty else { return operations }
        let events = trace.objectEvents.sorted { $0.seq < $1.seq }
        // `file open` events by process and descriptor, and every call's seq by process.
        var opens: [Int: [Int: [(seq: UInt64, path: GuestText)]]] = [:]
        for e in events where e.type == "file" && e.event == "open" {
            if let fd = e.int("fd"), let path = e.strings["path"] { opens[e.pid, default: [:]][fd, default: []].append((e.seq, path)) }
        }
        var callSeqs: [Int: [UInt64]] = [:]
        for s in trace.syscalls { if let pid = s.pid { callSeqs[pid, default: []].append(s.seq) } }
        for pid in callSeqs.keys { callSeqs[pid]!.sort() }

        var result = operations
        var state = SystemState()
        var next = 0
        for i in operations.indices.sorted(by: { (operations[$0].seq, $0) < (operations[$1].seq, $1) }) {
            let o = operations[i]
            while next < events.count && events[next].seq < o.seq {
                state.apply(events[next])
                next += 1
            }
            guard let pid = o.pid else { continue }
            let kernelName: (Int?) -> GuestText? = { handle in handle.flatMap { state.processes[pid]?.files[$0]?.path } }
            var named = o
            if o.op == "open" {
                if !o.failed, let h = o.handle, needsName(o.name) {
                    let limit = callSeqs[pid].flatMap { firstAbove(o.seq, in: $0) } ?? .max
                    if let e = opens[pid]?[h]?.first(where: { $0.seq > o.seq && $0.seq < limit }) { named.name = e.path }
                }
            } else if needsName(o.name), let name = kernelName(o.handle) {
                named.name = name
            }
            if needsName(o.replaces), let name = kernelName(o.target) { named.replaces = name }
            if o.op == "dup", needsName(o.targetName) { named.targetName = named.name }
            result[i] = named
        }
        return result
    }

    /// The first number above `seq` in the sorted `seqs`.
    static func firstAbove(_ seq: UInt64, in seqs: [UInt64]) -> UInt64? {
        var low = 0, high = seqs.count
        while low < high {
            let mid = (low + high) / 2
            if seqs[mid] <= seq { low = mid + 1 } else { high = mid }
        }
        return low < seqs.count ? seqs[low] : nil
    }

    /// A name the kernel's would improve: unknown, or a relative path.
    static func needsName(_ name: GuestText?) -> Bool {
        guard let name else { return false }
        if name == HandleTable.unknownName { return true }
        let own = ["/", "pipe#", "socket#", "anon_inode:", "memfd:"]
        return !own.contains { name.hasPrefix($0) }
    }
}
