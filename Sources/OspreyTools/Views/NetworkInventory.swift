import OspreyCore

/// `osprey net`: the sockets and pipes of a trace, from the object monitors' events.
///
/// Sockets are identified by inode. Each lists the processes and descriptors that held it
/// (from `file` open events of kind socket and from the socket events), its family and type,
/// its last known local and remote addresses, and its events (create, bind, listen, connect,
/// accept, pair) in order. Pipes list who created them and which descriptors held either end.
/// `alive` is what `/proc/net/tcp` and `/proc/net/udp` would list at the end: the inet sockets
/// still open in a process that has not exited.
public struct NetworkInventory: Sendable {
    /// A process's descriptor on a socket or pipe.
    public struct Holder: Sendable, Encodable, Equatable, Hashable {
        public var pid: Int
        public var comm: GuestText
        public var fd: Int
        /// For pipes: `read`, `write` or `read-write` (from the open flags); nil for sockets.
        public var end: String?

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.encode(pid, forKey: "pid")
            try c.encode(text: comm, forKey: "comm")
            try c.encode(fd, forKey: "fd")
            try c.encodeIfPresent(end, forKey: "end")
        }
    }

    /// One socket event.
    public struct SocketEvent: Sendable, Encodable, Equatable {
        public var seq: UInt64
        public var event: String
        public var pid: Int
        public var comm: GuestText
        public var fd: Int?
        public var local: GuestText?
        public var remote: GuestText?

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.encode(seq, forKey: "seq")
            try c.encode(event, forKey: "event")
            try c.encode(pid, forKey: "pid")
            try c.encode(text: comm, forKey: "comm")
            try c.encodeIfPresent(fd, forKey: "fd")
            try c.encode(text: local, forKey: "local")
            try c.encode(text: remote, forKey: "remote")
        }
    }

    public struct Socket: Sendable, Encodable, Equatable {
        public var inode: Int64
        /// 1 unix, 2 inet, 10 inet6, 16 netlink...
        public var family: Int?
        /// 1 stream, 2 datagram, 3 raw... (from the create event).
        public var socketType: Int?
        public var local: GuestText?
        public var remote: GuestText?
        /// The other end of a `socketpair`.
        public var peer: Int64?
        public var holders: [Holder] = []
        public var events: [SocketEvent] = []

        /// `tcp`, `udp`, `raw`, `unix`, `netlink`... from family and type.
        public var protocolName: String {
            switch family {
            case 2, 10:
                let v6 = family == 10 ? "6" : ""
                switch socketType {
                case 1: return "tcp" + v6
                case 2: return "udp" + v6
                case 3: return "raw" + v6
                default: return "inet" + v6
                }
            case 1: return "unix"
            case 16: return "netlink"
            case 17: return "packet"
            case nil: return "socket"
            case let f?: return "family \(f)"
            }
        }

        /// What the events say it became: `LISTEN`, `ESTABLISHED` (connected or accepted),
        /// `BOUND`, `PAIRED`, or `CREATED`.
        public var state: String {
            var s = "CREATED"
            for e in events {
                switch e.event {
                case "listen": s = "LISTEN"
                case "connect", "accept": s = "ESTABLISHED"
                case "bind" where s == "CREATED": s = "BOUND"
                case "pair": s = "PAIRED"
                default: break
                }
            }
            return s
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.encode(inode, forKey: "inode")
            try c.encode(family, forKey: "family")
            try c.encode(socketType, forKey: "socket_type")
            try c.encode(protocolName, forKey: "protocol")
            try c.encode(text: local, forKey: "local", nullWhenAbsent: true)
            try c.encode(text: remote, forKey: "remote", nullWhenAbsent: true)
            try c.encodeIfPresent(peer, forKey: "peer")
            try c.encode(state, forKey: "state")
            try c.encode(holders, forKey: "holders")
            try c.encode(events, forKey: "events")
        }
    }

    public struct Pipe: Sendable, Encodable, Equatable {
        public var inode: Int64
        /// The `pipe create` event, when the trace has it (a pipe inherited before the trace
        /// began only shows through its holders).
        public var seq: UInt64?
        public var creator: Int?
        public var creatorComm: GuestText?
        public var readFD: Int?
        public var writeFD: Int?
        public var holders: [Holder] = []

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.encode(inode, forKey: "inode")
            try c.encode(seq, forKey: "seq")  // null: created before the trace saw it
            try c.encode(creator, forKey: "creator")
            try c.encode(text: creatorComm, forKey: "creator_comm", nullWhenAbsent: true)
            try c.encode(readFD, forKey: "read_fd")
            try c.encode(writeFD, forKey: "write_fd")
            try c.encode(holders, forKey: "holders")
        }
    }

    /// An inet socket open at the end.
    public struct Endpoint: Sendable, Encodable, Equatable {
        public var protocolName: String
        public var local: GuestText?
        public var remote: GuestText?
        public var state: String
        public var inode: Int64
        public var holders: [Holder]

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.encode(protocolName, forKey: "protocol")
            try c.encode(text: local, forKey: "local")
            try c.encode(text: remote, forKey: "remote")
            try c.encode(state, forKey: "state")
            try c.encode(inode, forKey: "inode")
            try c.encode(holders, forKey: "holders")
        }
    }

    /// The sequence number this inventory was taken at.
    public var seq: UInt64
    /// Sockets by inode.
    public var sockets: [Socket]
    /// Pipes by inode.
    public var pipes: [Pipe]
    /// Inet sockets open in a live process at `seq`.
    public var alive: [Endpoint]

    /// The inventory of the events with `seq <= limit` (all of them when nil).
    public init(events: [TraceObjectEvent], upTo limit: UInt64? = nil) {
        var sockets: [Int64: Socket] = [:]
        var pipes: [Int64: Pipe] = [:]
        var state = SystemState()
        func socket(_ inode: Int64) -> Socket { sockets[inode] ?? Socket(inode: inode) }
        for e in events.sorted(by: { $0.seq < $1.seq }) {
            if let limit, e.seq > limit { break }
            state.apply(e)
            switch e.type {
            case "file" where e.event == "open":
                guard let fd = e.int("fd"), let inode = e.integers["inode"] ?? Self.inode(in: e.strings["path"]) else { continue }
                if e.strings["kind"] == "socket" {
                    var s = socket(inode)
                    s.family = s.family ?? e.int("family")
                    s.local = e.strings["local"] ?? s.local
                    s.remote = e.strings["remote"] ?? s.remote
                    s.holders.appendOnce(Holder(pid: e.pid, comm: e.comm, fd: fd))
                    sockets[inode] = s
                } else if e.strings["kind"] == "pipe" {
                    var p = pipes[inode] ?? Pipe(inode: inode)
                    p.holders.appendOnce(Holder(pid: e.pid, comm: e.comm, fd: fd, end: Self.pipeEnd(e.integers["flags"])))
                    pipes[inode] = p
                }
            case "socket" where e.event == "pair":
                let inodes = (e.lists["inodes"] ?? []).map { $0.utf8String.flatMap { Int64($0) } }
                let fds = (e.lists["fds"] ?? []).map { $0.utf8String.flatMap { Int($0) } }
                for (k, inode) in inodes.enumerated() {
                    guard let inode else { continue }
                    var s = socket(inode)
                    let fd = k < fds.count ? fds[k] : nil
                    s.family = s.family ?? e.int("family")
                    s.socketType = s.socketType ?? e.int("socket_type")
                    if inodes.count == 2, let other = inodes[1 - k] { s.peer = other }
                    s.events.append(SocketEvent(seq: e.seq, event: "pair", pid: e.pid, comm: e.comm, fd: fd))
                    if let fd { s.holders.appendOnce(Holder(pid: e.pid, comm: e.comm, fd: fd)) }
                    sockets[inode] = s
                }
            case "socket":
                guard let inode = e.integers["inode"] ?? state.processes[e.pid]?.files[e.int("fd") ?? -1]?.inode else { continue }
                var s = socket(inode)
                if let f = e.int("family") { s.family = f }
                if let t = e.int("socket_type") { s.socketType = t }
                // Only connection-oriented sockets accept; for inet that is TCP's stream.
                if e.event == "accept", s.socketType == nil, s.family == 2 || s.family == 10 { s.socketType = 1 }
                s.local = e.strings["local"] ?? s.local
                s.remote = e.strings["remote"] ?? s.remote
                s.events.append(SocketEvent(seq: e.seq, event: e.event, pid: e.pid, comm: e.comm, fd: e.int("fd"),
                                            local: e.strings["local"], remote: e.strings["remote"]))
                if let fd = e.int("fd") { s.holders.appendOnce(Holder(pid: e.pid, comm: e.comm, fd: fd)) }
                sockets[inode] = s
            case "pipe" where e.event == "create":
                guard let inode = e.integers["inode"] else { continue }
                var p = pipes[inode] ?? Pipe(inode: inode)
                p.seq = e.seq
                p.creator = e.pid
                p.creatorComm = e.comm
                p.readFD = e.int("read_fd")
                p.writeFD = e.int("write_fd")
                pipes[inode] = p
            default:
                break
            }
        }
        self.seq = max(state.seq, limit ?? 0)
        self.sockets = sockets.values.sorted { $0.inode < $1.inode }
        self.pipes = pipes.values.sorted { $0.inode < $1.inode }
        // What a live process still holds.
        var open: [Int64: [Holder]] = [:]
        for p in state.alive {
            for d in p.files.values.sorted(by: { $0.fd < $1.fd }) where d.kind == "socket" {
                guard let inode = d.inode ?? Self.inode(in: d.path) else { continue }
                // The name the descriptor's own event gave (the state's may predate a rename).
                let comm = sockets[inode]?.holders.first { $0.pid == p.pid && $0.fd == d.fd }?.comm ?? p.comm
                open[inode, default: []].append(Holder(pid: p.pid, comm: comm, fd: d.fd))
            }
        }
        self.alive = self.sockets.compactMap { s in
            guard s.family == 2 || s.family == 10, let holders = open[s.inode] else { return nil }
            return Endpoint(protocolName: s.protocolName, local: s.local, remote: s.remote, state: s.state, inode: s.inode, holders: holders)
        }
    }

    /// The inode in a `/proc/PID/fd` link name: 9920 for `pipe:[9920]`.
    static func inode(in path: GuestText?) -> Int64? {
        guard let bytes = path?.bytes, let open = bytes.firstIndex(of: UInt8(ascii: "[")), bytes.last == UInt8(ascii: "]"),
              open + 1 < bytes.count - 1
        else { return nil }
        let digits = bytes[(open + 1)..<(bytes.count - 1)]
        guard digits.count <= 19, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int64(String(decoding: digits, as: UTF8.self))
    }

    /// The end of a pipe a descriptor's open flags (`O_ACCMODE`) give.
    static func pipeEnd(_ flags: Int64?) -> String? {
        switch flags.map({ $0 & 3 }) {
        case 0: return "read"
        case 1: return "write"
        case 2: return "read-write"
        default: return nil
        }
    }
}

extension Array where Element: Equatable {
    fileprivate mutating func appendOnce(_ e: Element) {
        if !contains(e) { append(e) }
    }
}
