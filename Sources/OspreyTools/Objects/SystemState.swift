import OspreyCore

/// The guest's processes, their descriptors and memory maps at one point of a trace, rebuilt
/// from the object monitors' events (`osprey ps --at SEQ`).
public struct SystemState: Sendable {
    /// One process as the events last described it.
    public struct Process: Sendable, Equatable {
        public var pid: Int
        public var ppid: Int
        public var comm: GuestText
        public var commandLine: [GuestText]?
        public var executable: GuestText?
        /// The `/proc`-style state letter last read (R, S, D, I, Z...).
        public var state: String
        public var uid: Int?
        public var kernelThread: Bool
        public var threads: Set<Int> = []
        public var files: [Int: Descriptor] = [:]
        /// Regions by start address.
        public var regions: [UInt64: Region] = [:]
        /// Loaded modules (mapped files) by path, with their base address.
        public var modules: [GuestText: UInt64] = [:]
        public var startSeq: UInt64
        /// Set once the process has exited.
        public var exit: Exit?

        /// `cmdline` the way `ps` shows it (argv joined by spaces, each escaped as a token), or
        /// `[comm]` without one.
        public var displayCommand: String {
            if let argv = commandLine, !argv.isEmpty { return argv.map(\.description).joined(separator: " ") }
            return "[\(comm)]"
        }
    }

    public struct Descriptor: Sendable, Equatable {
        public var fd: Int
        public var path: GuestText
        /// `file`, `pipe`, `socket`, `anonymous` or `other`.
        public var kind: String
        public var inode: Int64?
        public var flags: Int64?
        /// Socket addresses (`a.b.c.d:port`), when known.
        public var local: GuestText?
        public var remote: GuestText?
        public var family: Int?
    }

    public struct Region: Sendable, Equatable {
        public var start: UInt64
        public var end: UInt64
        /// `r-xp` and the like.
        public var perms: String
        public var offset: UInt64
        public var path: GuestText
        public var inode: Int64?
    }

    public struct Exit: Sendable, Equatable {
        public var seq: UInt64
        public var code: Int?
        public var signal: Int?
        /// How the end was seen: exit_group, exit, reaped, zombie, vanished.
        public var how: String
    }

    public private(set) var processes: [Int: Process] = [:]
    /// The sequence number of the last event applied.
    public private(set) var seq: UInt64 = 0

    public init() {}

    /// The state after every object event with `seq <= limit` (all of them when nil).
    public init(events: [TraceObjectEvent], upTo limit: UInt64? = nil) {
        for e in events.sorted(by: { $0.seq < $1.seq }) {
            if let limit, e.seq > limit { break }
            apply(e)
        }
        if let limit { seq = max(seq, limit) }
    }

    /// Processes alive at this point, by pid.
    public var alive: [Process] { processes.values.filter { $0.exit == nil }.sorted { $0.pid < $1.pid } }
    /// Processes that have exited, by pid.
    public var exited: [Process] { processes.values.filter { $0.exit != nil }.sorted { $0.pid < $1.pid } }

    /// Applies one event.
    public mutating func apply(_ e: TraceObjectEvent) {
        seq = max(seq, e.seq)
        switch (e.type, e.event) {
        case ("process", "start"):
            processes[e.pid] = Process(
                pid: e.pid, ppid: e.int("ppid") ?? 0, comm: e.comm, commandLine: e.lists["argv"], executable: e.strings["exe"],
                state: Self.stateLetter(e.strings["state"]), uid: e.int("uid"), kernelThread: e.flags["kernel_thread"] ?? false, startSeq: e.seq)
        case ("process", "exec"):
            update(e.pid) { p in
                p.comm = e.comm
                p.commandLine = e.lists["argv"]
                p.executable = e.strings["exe"]
                p.kernelThread = false
                p.threads = []
            }
        case ("process", "rename"):
            update(e.pid) { $0.comm = e.comm }
        case ("process", "update"):
            update(e.pid) { p in
                if let ppid = e.int("ppid") { p.ppid = ppid }
                if let uid = e.int("uid") { p.uid = uid }
                if e.strings["state"] != nil { p.state = Self.stateLetter(e.strings["state"]) }
            }
        case ("process", "exit"):
            update(e.pid) { p in
                p.exit = Exit(seq: e.seq, code: e.int("code"), signal: e.int("signal"), how: e.word("how") ?? "?")
                p.state = "Z"
            }
        case ("thread", "start"):
            update(e.pid) { $0.threads.insert(e.tid) }
        case ("thread", "exit"):
            update(e.pid) { $0.threads.remove(e.tid) }
        case ("file", "open"):
            guard let fd = e.int("fd") else { return }
            update(e.pid) { p in
                p.files[fd] = Descriptor(
                    fd: fd, path: e.strings["path"] ?? "?", kind: Self.fileKind(e.strings["kind"]), inode: e.integers["inode"],
                    flags: e.integers["flags"], local: e.strings["local"], remote: e.strings["remote"], family: e.int("family"))
            }
        case ("file", "close"):
            guard let fd = e.int("fd") else { return }
            update(e.pid) { $0.files[fd] = nil }
        case ("socket", _):
            guard let fd = e.int("fd") else { return }
            update(e.pid) { p in
                guard var d = p.files[fd] else { return }
                if let family = e.int("family") { d.family = family }
                if let local = e.strings["local"] { d.local = local }
                if let remote = e.strings["remote"] { d.remote = remote }
                p.files[fd] = d
            }
        case ("region", "map"):
            guard let start = e.address("start"), let end = e.address("end") else { return }
            update(e.pid) { p in
                p.regions[start] = Region(
                    start: start, end: end, perms: Self.permissions(e.strings["perms"]), offset: e.address("offset") ?? 0,
                    path: e.strings["path"] ?? "", inode: e.integers["inode"])
            }
        case ("region", "unmap"):
            guard let start = e.address("start") else { return }
            update(e.pid) { p in
                if p.regions[start]?.end == e.address("end") || e.address("end") == nil { p.regions[start] = nil }
            }
        case ("module", "load"):
            guard let path = e.strings["path"] else { return }
            update(e.pid) { $0.modules[path] = e.address("base") ?? 0 }
        case ("module", "unload"):
            guard let path = e.strings["path"] else { return }
            update(e.pid) { $0.modules[path] = nil }
        default:
            break
        }
    }

    /// A `/proc` state letter from a trace, or `?` for anything else.
    static func stateLetter(_ text: GuestText?) -> String {
        guard let bytes = text?.bytes, bytes.count == 1, (0x41...0x5A).contains(bytes[0]) || (0x61...0x7A).contains(bytes[0]) else { return "?" }
        return String(UnicodeScalar(bytes[0]))
    }

    static let fileKinds: Set<String> = ["file", "pipe", "socket", "anonymous", "other"]

    /// A descriptor kind from a trace (`file` when absent, `other` for what Osprey never writes).
    static func fileKind(_ text: GuestText?) -> String {
        guard let text else { return "file" }
        return text.utf8String.flatMap { fileKinds.contains($0) ? $0 : nil } ?? "other"
    }

    /// Permissions as `/proc/PID/maps` writes them (`r-xp`), or `----` for anything else.
    static func permissions(_ text: GuestText?) -> String {
        guard let bytes = text?.bytes, bytes.count == 4,
              bytes.allSatisfy({ "rwxsp-".utf8.contains($0) }) else { return "----" }
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func update(_ pid: Int, _ change: (inout Process) -> Void) {
        guard var p = processes[pid] else { return }
        change(&p)
        processes[pid] = p
    }
}
