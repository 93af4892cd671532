/// `osprey flow`: which process wrote data that another read, through files, pipes and sockets.
///
/// One pass over the trace in sequence order replays the object monitors' events into a
/// `SystemState` alongside the system calls, so each call's descriptor is looked up in its
/// process's table as it stood at that moment. A call that moved data (result > 0) adds its
/// bytes to an edge: process -> object for writes, object -> process for reads. The calls:
/// `write`, `writev`, `pwrite64`, `pwritev`, `pwritev2`, `send`, `sendto`, `sendmsg` (writes);
/// `read`, `readv`, `pread64`, `preadv`, `preadv2`, `recv`, `recvfrom`, `recvmsg` (reads);
/// `sendfile`, `splice` and `copy_file_range` read one descriptor and write the other.
///
/// Objects: a file by path, a pipe by inode, a socket by inode. The two ends of a connection
/// inside the guest (one socket's local address is the other's remote, and back; or the two
/// sockets of a `socketpair`) become one `channel` node when both ends moved data. A call on a
/// descriptor the trace never showed open (or by a process it never identified) is counted in
/// `unresolved` and left out.
import OspreyCore

public struct DataFlowGraph: Sendable, Encodable {
    public enum Kind: String, Sendable, Encodable {
        case process, file, pipe, socket, channel, other
    }

    public struct Node: Sendable, Encodable, Equatable {
        /// `pid:84`, `file:/tmp/a`, `pipe:9920`, `socket:9982`, `channel:9982+9989`, `other:...`.
        public var id: String
        public var kind: Kind
        /// `84 sh` for processes; the path, `pipe:[9920]`, or the addresses for the others.
        /// Guest names in ids and labels are escaped tokens (``TextEscaping/token(_:)``).
        public var label: String
        /// Processes only.
        public var pid: Int?
        /// Files and other objects named by path: the exact bytes (`path`, or `path_hex`).
        public var path: GuestText?
        /// Pipes, sockets (one inode) and channels (two).
        public var inodes: [Int64]?

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.encode(id, forKey: "id")
            try c.encode(kind, forKey: "kind")
            try c.encode(label, forKey: "label")
            try c.encodeIfPresent(pid, forKey: "pid")
            try c.encode(text: path, forKey: "path")
            try c.encodeIfPresent(inodes, forKey: "inodes")
        }
    }

    public struct Edge: Sendable, Encodable, Equatable {
        public var from: String
        public var to: String
        public var bytes: Int64
        /// How many calls moved them.
        public var calls: Int
    }

    /// Processes by pid, then the objects by id.
    public var nodes: [Node] = []
    /// Ordered by `from`, then `to`.
    public var edges: [Edge] = []
    /// Transfers left out: their descriptor (or process) was not known at that point.
    public var unresolved = 0

    /// The calls that move data: the argument holding the descriptor read, and the one written.
    static let transfers: [String: (read: Int?, write: Int?)] = {
        var t: [String: (read: Int?, write: Int?)] = [:]
        for name in ["read", "readv", "pread64", "preadv", "preadv2", "recv", "recvfrom", "recvmsg"] { t[name] = (0, nil) }
        for name in ["write", "writev", "pwrite64", "pwritev", "pwritev2", "send", "sendto", "sendmsg"] { t[name] = (nil, 0) }
        t["sendfile"] = (1, 0)
        t["splice"] = (0, 2)
        t["copy_file_range"] = (0, 2)
        return t
    }()

    public init(syscalls: [TraceSyscall], events: [TraceObjectEvent]) {
        var builder = DataFlowBuilder()
        let events = events.sorted { $0.seq < $1.seq }
        var next = 0
        for s in syscalls.sorted(by: { $0.seq < $1.seq }) {
            while next < events.count && events[next].seq <= s.seq {
                builder.apply(events[next])
                next += 1
            }
            builder.record(s)
        }
        while next < events.count {
            builder.apply(events[next])
            next += 1
        }
        self = builder.graph()
    }

    enum CodingKeys: String, CodingKey { case nodes, edges, unresolved }

    init(nodes: [Node], edges: [Edge], unresolved: Int) {
        self.nodes = nodes
        self.edges = edges
        self.unresolved = unresolved
    }
}
