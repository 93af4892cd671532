import OspreyCore

/// `osprey ps --json`: the processes at one point of a trace, in a fixed shape:
///
///     {"seq": 1234, "processes": [
///       {"pid": 84, "ppid": 1, "tgid": 84, "comm": "sh", "cmdline": "sh /scenario.sh",
///        "exe": "/usr/bin/busybox", "state": "S", "uid": 0, "kernel_thread": false,
///        "threads": [84], "fds": [{"fd": 0, "path": "/dev/null"}],
///        "maps": [{"start": "0x400000", "end": "0x401000", "perms": "r--p", "offset": "0x0",
///                  "path": "/usr/bin/busybox"}],
///        "exit_code": 0}]}
///
/// `cmdline`, `exe` and `uid` are null when the trace did not say; `exit_code` (or
/// `exit_signal`, for a process killed by a signal) is there only for processes that have
/// exited with a known status. Processes come in pid order, `fds` by number, `maps` by start.
public struct ProcessSnapshot: Sendable, Encodable, Equatable {
    public var seq: UInt64
    public var processes: [Entry]

    /// The processes of `state` that `include` accepts.
    public init(_ state: SystemState, including include: (SystemState.Process) -> Bool = { _ in true }) {
        seq = state.seq
        processes = state.processes.values.filter(include).sorted { $0.pid < $1.pid }.map(Entry.init)
    }

    /// One process.
    public struct Entry: Sendable, Encodable, Equatable {
        public var pid: Int
        public var ppid: Int
        public var comm: GuestText
        /// argv, when known (JSON: `cmdline`, argv joined by spaces, and `argv`).
        public var argv: [GuestText]?
        public var exe: GuestText?
        public var state: String
        public var uid: Int?
        public var kernelThread: Bool
        /// Every thread id, the main thread's (= pid) included, in order.
        public var threads: [Int]
        public var fds: [Descriptor]
        public var maps: [Mapping]
        public var exitCode: Int?
        public var exitSignal: Int?

        public init(_ p: SystemState.Process) {
            pid = p.pid
            ppid = p.ppid
            comm = p.comm
            argv = p.commandLine
            exe = p.executable
            state = p.state
            uid = p.uid
            kernelThread = p.kernelThread
            threads = p.threads.union([p.pid]).sorted()
            fds = p.files.values.sorted { $0.fd < $1.fd }.map { Descriptor(fd: $0.fd, path: $0.path) }
            maps = p.regions.values.sorted { $0.start < $1.start }.map {
                Mapping(start: hexAddress($0.start), end: hexAddress($0.end), perms: $0.perms, offset: hexAddress($0.offset), path: $0.path)
            }
            exitCode = p.exit?.signal == nil ? p.exit?.code : nil
            exitSignal = p.exit?.signal
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.encode(pid, forKey: "pid")
            try c.encode(ppid, forKey: "ppid")
            try c.encode(pid, forKey: "tgid")
            try c.encode(text: comm, forKey: "comm")
            try c.encode(text: argv.map { GuestText.joined($0) }, forKey: "cmdline", nullWhenAbsent: true)
            if let argv { try c.encode(texts: argv, forKey: "argv") }
            try c.encode(text: exe, forKey: "exe", nullWhenAbsent: true)
            try c.encode(state, forKey: "state")
            try c.encode(uid, forKey: "uid")
            try c.encode(kernelThread, forKey: "kernel_thread")
            try c.encode(threads, forKey: "threads")
            try c.encode(fds, forKey: "fds")
            try c.encode(maps, forKey: "maps")
            try c.encodeIfPresent(exitCode, forKey: "exit_code")
            try c.encodeIfPresent(exitSignal, forKey: "exit_signal")
        }
    }

    /// An open descriptor.
    public struct Descriptor: Sendable, Encodable, Equatable {
        public var fd: Int
        public var path: GuestText

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.encode(fd, forKey: "fd")
            try c.encode(text: path, forKey: "path")
        }
    }

    /// A memory region; addresses and offset as `0x` hex strings.
    public struct Mapping: Sendable, Encodable, Equatable {
        public var start: String
        public var end: String
        public var perms: String
        public var offset: String
        public var path: GuestText

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.encode(start, forKey: "start")
            try c.encode(end, forKey: "end")
            try c.encode(perms, forKey: "perms")
            try c.encode(offset, forKey: "offset")
            try c.encode(text: path, forKey: "path")
        }
    }
}

/// `0x1f`: addresses the way the trace writes them.
func hexAddress(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
