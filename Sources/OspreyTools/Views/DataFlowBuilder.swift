/// Accumulates a `DataFlowGraph` during the one pass over a trace: the state the object events
/// build, the objects and processes seen moving data, and the bytes per edge.
import OspreyCore

struct DataFlowBuilder {
    typealias Node = DataFlowGraph.Node

    private var state = SystemState()
    private var objects: [String: Node] = [:]
    /// The names each process had in the calls that moved data, in order.
    private var processNames: [Int: [GuestText]] = [:]
    private var totals: [Edge: (bytes: Int64, calls: Int)] = [:]
    private var unresolved = 0
    /// Last known addresses of every socket, and the pairs `socketpair` made.
    private var addresses: [Int64: (local: GuestText, remote: GuestText)] = [:]
    private var pairs: [(Int64, Int64)] = []

    private struct Edge: Hashable {
        var from: String
        var to: String
    }

    mutating func apply(_ e: TraceObjectEvent) {
        state.apply(e)
        if let inode = e.integers["inode"], let local = e.strings["local"], let remote = e.strings["remote"],
           e.type == "socket" || e.strings["kind"] == "socket" {
            addresses[inode] = (local, remote)
        }
        if e.type == "socket", e.event == "pair" {
            let inodes = (e.lists["inodes"] ?? []).compactMap { $0.utf8String.flatMap { Int64($0) } }
            if inodes.count == 2 { pairs.append((inodes[0], inodes[1])) }
        }
    }

    mutating func record(_ s: TraceSyscall) {
        guard s.end != "child", let name = s.name, let moved = s.result, moved > 0,
              let arguments = DataFlowGraph.transfers[name]
        else { return }
        for (index, isWrite) in [(arguments.read, false), (arguments.write, true)] {
            guard let index else { continue }
            guard let pid = s.pid, index < s.args.count, let fd = Self.descriptor(s.args[index]),
                  let d = state.processes[pid]?.files[fd]
            else {
                unresolved += 1
                continue
            }
            let object = Self.node(for: d)
            objects[object.id] = object
            let process = "pid:\(pid)"
            let comm = s.comm ?? state.processes[pid]?.comm ?? "?"
            if processNames[pid]?.contains(comm) != true { processNames[pid, default: []].append(comm) }
            let edge = isWrite ? Edge(from: process, to: object.id) : Edge(from: object.id, to: process)
            var t = totals[edge] ?? (0, 0)
            let (sum, overflow) = t.bytes.addingReportingOverflow(moved)
            t.bytes = overflow ? .max : sum
            t.calls += 1
            totals[edge] = t
        }
    }

    /// A descriptor number from a call argument (an `int`: the low 32 bits, signed).
    static func descriptor(_ argument: UInt64) -> Int? {
        let fd = Int32(truncatingIfNeeded: argument)
        return fd >= 0 ? Int(fd) : nil
    }

    /// The object a descriptor refers to.
    static func node(for d: SystemState.Descriptor) -> Node {
        let inode = d.inode ?? NetworkInventory.inode(in: d.path)
        switch d.kind {
        case "pipe":
            let key = inode.map(String.init) ?? "\(d.path)"
            return Node(id: "pipe:" + key, kind: .pipe, label: inode.map { "pipe:[\($0)]" } ?? "\(d.path)", inodes: inode.map { [$0] })
        case "socket":
            let key = inode.map(String.init) ?? "\(d.path)"
            var label = inode.map { "socket:[\($0)]" } ?? "\(d.path)"
            if let local = d.local { label += "\n\(local)" + (d.remote.map { NetworkInventory.isUnset($0) ? "" : " -> \($0)" } ?? "") }
            return Node(id: "socket:" + key, kind: .socket, label: label, inodes: inode.map { [$0] })
        case "file":
            return Node(id: "file:\(d.path)", kind: .file, label: "\(d.path)", path: d.path)
        default:
            let id = "other:\(d.path)" + (inode.map { "#\($0)" } ?? "")
            return Node(id: id, kind: .other, label: "\(d.path)", path: d.path, inodes: inode.map { [$0] })
        }
    }

    /// The graph, with the two ends of each connection inside the guest merged into a channel.
    func graph() -> DataFlowGraph {
        var objects = self.objects
        var rename: [String: String] = [:]
        for (a, b, label) in connections() {
            let ids = ["socket:\(a)", "socket:\(b)"]
            guard objects[ids[0]] != nil, objects[ids[1]] != nil, rename[ids[0]] == nil, rename[ids[1]] == nil else { continue }
            let lo = min(a, b), hi = max(a, b)
            let channel = Node(id: "channel:\(lo)+\(hi)", kind: .channel, label: label, inodes: [lo, hi])
            for id in ids {
                objects[id] = nil
                rename[id] = channel.id
            }
            objects[channel.id] = channel
        }
        var merged: [Edge: (bytes: Int64, calls: Int)] = [:]
        for (edge, t) in totals {
            let e = Edge(from: rename[edge.from] ?? edge.from, to: rename[edge.to] ?? edge.to)
            var m = merged[e] ?? (0, 0)
            let (sum, overflow) = m.bytes.addingReportingOverflow(t.bytes)
            m.bytes = overflow ? .max : sum
            m.calls += t.calls
            merged[e] = m
        }
        var nodes = processNames.keys.sorted().map { pid in
            Node(id: "pid:\(pid)", kind: .process, label: "\(pid) " + (processNames[pid] ?? []).map(\.description).joined(separator: " -> "), pid: pid)
        }
        nodes += objects.values.sorted { $0.id < $1.id }
        let edges = merged.map { DataFlowGraph.Edge(from: $0.key.from, to: $0.key.to, bytes: $0.value.bytes, calls: $0.value.calls) }
            .sorted { ($0.from, $0.to) < ($1.from, $1.to) }
        return DataFlowGraph(nodes: nodes, edges: edges, unresolved: unresolved)
    }

    /// Pairs of socket inodes that are two ends of one connection, with a label for it:
    /// `socketpair` ends, and inet sockets whose addresses mirror each other.
    private func connections() -> [(Int64, Int64, String)] {
        var result = pairs.map { ($0.0, $0.1, "socketpair [\($0.0)] <-> [\($0.1)]") }
        var byAddresses: [GuestText: [Int64]] = [:]
        for (inode, a) in addresses.sorted(by: { $0.key < $1.key }) where !NetworkInventory.isUnset(a.remote) {
            byAddresses[a.local + " " + a.remote, default: []].append(inode)
        }
        for (inode, a) in addresses.sorted(by: { $0.key < $1.key }) where !NetworkInventory.isUnset(a.remote) {
            for other in byAddresses[a.remote + " " + a.local] ?? [] where other > inode {
                result.append((inode, other, "\(a.local) <-> \(a.remote)"))
            }
        }
        return result
    }
}
