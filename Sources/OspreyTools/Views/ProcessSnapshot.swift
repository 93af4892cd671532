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
        public var comm: String
        /// argv joined by spaces.
        public var cmdline: String?
        public var exe: String?
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
            cmdline = p.commandLine.map { $0.joined(separator: " ") }
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

        enum CodingKeys: String, CodingKey {
            case pid, ppid, tgid, comm, cmdline, exe, state, uid, fds, maps, threads
            case kernelThread = "kernel_thread", exitCode = "exit_code", exitSignal = "exit_signal"
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(pid, forKey: .pid)
            try c.encode(ppid, forKey: .ppid)
            try c.encode(pid, forKey: .tgid)
            try c.encode(comm, forKey: .comm)
            try c.encode(cmdline, forKey: .cmdline)  // null when unknown
            try c.encode(exe, forKey: .exe)
            try c.encode(state, forKey: .state)
            try c.encode(uid, forKey: .uid)
            try c.encode(kernelThread, forKey: .kernelThread)
            try c.encode(threads, forKey: .threads)
            try c.encode(fds, forKey: .fds)
            try c.encode(maps, forKey: .maps)
            try c.encodeIfPresent(exitCode, forKey: .exitCode)
            try c.encodeIfPresent(exitSignal, forKey: .exitSignal)
        }
    }

    /// An open descriptor.
    public struct Descriptor: Sendable, Encodable, Equatable {
        public var fd: Int
        public var path: String
    }

    /// A memory region; addresses and offset as `0x` hex strings.
    public struct Mapping: Sendable, Encodable, Equatable {
        public var start: String
        public var end: String
        public var perms: String
        public var offset: String
        public var path: String
    }
}

/// `0x1f`: addresses the way the trace writes them.
func hexAddress(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
