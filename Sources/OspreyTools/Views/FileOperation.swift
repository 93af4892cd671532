import OspreyCore

/// One platform-independent file operation of the abstract log (the 2015 paper's
/// `open(name /tmp/a.txt, mode READ|WRITE, handle 0x3)`), made from one system call.
/// A call that moves data between two handles (`sendfile`, `splice`, `copy_file_range`,
/// `tee`) gives two operations, a `read` and a `write`, with the same `seq`.
///
/// `op` is one of `open`, `read`, `write`, `close`, `dup`, `map`, `pipe`, `socket`, `accept`,
/// `seek`; `call` is the system call it came from. In JSON, `as`, `buffer` and `address` are
/// hex strings (as in the trace); fields that do not apply are left out.
public struct FileOperation: Sendable, Equatable, Codable {
    public var seq: UInt64
    public var entry: UInt64
    public var pid: Int?
    public var tid: Int?
    public var comm: GuestText?
    public var addressSpace: UInt64
    public var op: String
    public var call: String
    /// The handle operated on: the new handle for `open`, `socket`; the read end for `pipe`;
    /// the old handle for `dup`; the listening socket for `accept`.
    public var handle: Int?
    /// The handle's name at that moment: the resolved path for files, `pipe#N:read`,
    /// `socket#N`, `anon_inode:[eventfd]`, or `?` when the trace never showed it opened.
    public var name: GuestText?
    /// `READ`, `WRITE` or `READ|WRITE` (`PATH` for O_PATH), then `CREATE`, `EXCL`, `TRUNCATE`,
    /// `APPEND`, `DIRECTORY`, `TMPFILE` when set; `?` when the flags are not in the trace (openat2).
    public var mode: String?
    /// Socket family and type (`INET`, `STREAM`).
    public var family: String?
    public var type: String?
    /// The second handle: `dup`'s new handle, `pipe`'s write end, `accept`'s connection,
    /// `socketpair`'s second socket.
    public var target: Int?
    public var targetName: GuestText?
    /// The name `dup2`/`dup3` closed by reusing `target`, when it was open.
    public var replaces: GuestText?
    /// Buffer address; for vectored calls (`readv`...) the iovec array's address.
    public var buffer: UInt64?
    public var length: UInt64?
    /// Number of iovecs, for vectored calls.
    public var count: UInt64?
    /// File offset (`pread64`, `mmap`); for `seek` the signed offset as given.
    public var offset: Int64?
    public var whence: String?
    /// `map`: the mapping's address (the result; the requested address when the call failed).
    public var address: UInt64?
    public var protection: String?
    /// The call's return value (absent when it did not return).
    public var result: Int64?
    /// Errno name when the call failed (`ENOENT`).
    public var error: String?
    /// True when the handle numbers were worked out rather than read from the trace
    /// (`pipe` and `socketpair` write theirs to memory the trace does not hold).
    public var inferred: Bool?

    public init(seq: UInt64, entry: UInt64, pid: Int? = nil, tid: Int? = nil, comm: GuestText? = nil, addressSpace: UInt64 = 0,
                op: String, call: String, handle: Int? = nil, name: GuestText? = nil, mode: String? = nil,
                result: Int64? = nil, error: String? = nil) {
        self.seq = seq
        self.entry = entry
        self.pid = pid
        self.tid = tid
        self.comm = comm
        self.addressSpace = addressSpace
        self.op = op
        self.call = call
        self.handle = handle
        self.name = name
        self.mode = mode
        self.result = result
        self.error = error
    }

    /// True when the call failed (its result is an error number).
    public var failed: Bool { error != nil }

    enum CodingKeys: String, CodingKey, TextCodingKey {
        case seq, entry, pid, tid, comm, addressSpace = "as", op, call, handle, name, mode, family, type, target,
             targetName = "target_name", replaces, buffer, length, count, offset, whence, address, protection, result,
             error, inferred
        case commHex = "comm_hex", nameHex = "name_hex", targetNameHex = "target_name_hex", replacesHex = "replaces_hex"

        var hexKey: CodingKeys? {
            switch self {
            case .comm: .commHex
            case .name: .nameHex
            case .targetName: .targetNameHex
            case .replaces: .replacesHex
            default: nil
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seq, forKey: .seq)
        try c.encode(entry, forKey: .entry)
        try c.encodeIfPresent(pid, forKey: .pid)
        try c.encodeIfPresent(tid, forKey: .tid)
        try c.encode(text: comm, forKey: .comm)
        try c.encode(Self.hex(addressSpace), forKey: .addressSpace)
        try c.encode(op, forKey: .op)
        try c.encode(call, forKey: .call)
        try c.encodeIfPresent(handle, forKey: .handle)
        try c.encode(text: name, forKey: .name)
        try c.encodeIfPresent(mode, forKey: .mode)
        try c.encodeIfPresent(family, forKey: .family)
        try c.encodeIfPresent(type, forKey: .type)
        try c.encodeIfPresent(target, forKey: .target)
        try c.encode(text: targetName, forKey: .targetName)
        try c.encode(text: replaces, forKey: .replaces)
        try c.encodeIfPresent(buffer.map(Self.hex), forKey: .buffer)
        try c.encodeIfPresent(length, forKey: .length)
        try c.encodeIfPresent(count, forKey: .count)
        try c.encodeIfPresent(offset, forKey: .offset)
        try c.encodeIfPresent(whence, forKey: .whence)
        try c.encodeIfPresent(address.map(Self.hex), forKey: .address)
        try c.encodeIfPresent(protection, forKey: .protection)
        try c.encodeIfPresent(result, forKey: .result)
        try c.encodeIfPresent(error, forKey: .error)
        try c.encodeIfPresent(inferred, forKey: .inferred)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func hexField(_ key: CodingKeys) throws -> UInt64? {
            guard let text = try c.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard text.hasPrefix("0x"), let value = UInt64(text.dropFirst(2), radix: 16) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not a hex address: \(text)")
            }
            return value
        }
        seq = try c.decode(UInt64.self, forKey: .seq)
        entry = try c.decode(UInt64.self, forKey: .entry)
        pid = try c.decodeIfPresent(Int.self, forKey: .pid)
        tid = try c.decodeIfPresent(Int.self, forKey: .tid)
        comm = try c.decodeText(.comm)
        addressSpace = try hexField(.addressSpace) ?? 0
        op = try c.decode(String.self, forKey: .op)
        call = try c.decode(String.self, forKey: .call)
        handle = try c.decodeIfPresent(Int.self, forKey: .handle)
        name = try c.decodeText(.name)
        mode = try c.decodeIfPresent(String.self, forKey: .mode)
        family = try c.decodeIfPresent(String.self, forKey: .family)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        target = try c.decodeIfPresent(Int.self, forKey: .target)
        targetName = try c.decodeText(.targetName)
        replaces = try c.decodeText(.replaces)
        buffer = try hexField(.buffer)
        length = try c.decodeIfPresent(UInt64.self, forKey: .length)
        count = try c.decodeIfPresent(UInt64.self, forKey: .count)
        offset = try c.decodeIfPresent(Int64.self, forKey: .offset)
        whence = try c.decodeIfPresent(String.self, forKey: .whence)
        address = try hexField(.address)
        protection = try c.decodeIfPresent(String.self, forKey: .protection)
        result = try c.decodeIfPresent(Int64.self, forKey: .result)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        inferred = try c.decodeIfPresent(Bool.self, forKey: .inferred)
    }

    static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    /// `0x1f`, `-0x1` for negative values.
    static func hex(signed value: Int64) -> String {
        value < 0 ? "-0x" + String(value.magnitude, radix: 16) : "0x" + String(value, radix: 16)
    }

    /// `0x3`; negative handles (bad arguments) as `-0x1`.
    static func handleText(_ handle: Int) -> String { hex(signed: Int64(handle)) }

    // MARK: text

    /// The operation in the abstract log's syntax, without the process prefix:
    /// `read(handle 0x3 /tmp/sc/list, buffer 0x7ffd12345678, length 0x1000) = 0x9`.
    public var text: String {
        var parts: [String] = []
        func handlePart(_ h: Int?, _ n: GuestText?) { handlePart("handle", h, n) }
        func handlePart(_ label: String, _ h: Int?, _ n: GuestText?) {
            guard let h else { return }
            parts.append("\(label) \(Self.handleText(h)) \(n ?? HandleTable.unknownName)")
        }
        // Whether a successful call's result is shown (`= 0x9`) or is already in the arguments.
        var showsResult = false
        switch op {
        case "open":
            parts.append("name \(name ?? HandleTable.unknownName)")
            if let mode { parts.append("mode \(mode)") }
            if !failed, let handle { parts.append("handle \(Self.handleText(handle))") }
        case "read", "write":
            handlePart(handle, name)
            if let buffer { parts.append("\(count == nil ? "buffer" : "vector") \(Self.hex(buffer))") }
            if let count { parts.append("count \(Self.hex(count))") }
            if let length { parts.append("length \(Self.hex(length))") }
            if let offset { parts.append("offset \(Self.hex(signed: offset))") }
            showsResult = true
        case "seek":
            handlePart(handle, name)
            if let offset { parts.append("offset \(Self.hex(signed: offset))") }
            if let whence { parts.append("whence \(whence)") }
            showsResult = true
        case "dup":
            handlePart(handle, name)
            if let target { parts.append("new handle \(Self.handleText(target))") }
            if let replaces { parts.append("replaces \(replaces)") }
        case "map":
            handlePart(handle, name)
            if let address { parts.append("address \(Self.hex(address))") }
            if let length { parts.append("length \(Self.hex(length))") }
            if let offset { parts.append("offset \(Self.hex(signed: offset))") }
            if let protection { parts.append("protection \(protection)") }
        case "pipe":
            if !failed {
                handlePart("read handle", handle, name)
                handlePart("write handle", target, targetName)
            }
        case "socket":
            if let family { parts.append("family \(family)") }
            if let type { parts.append("type \(type)") }
            if !failed {
                handlePart(handle, name)
                handlePart(target, targetName)
            }
        case "accept":
            handlePart(handle, name)
            if !failed { handlePart("new handle", target, targetName) }
        default:  // close, and anything newer
            handlePart(handle, name)
        }
        var line = "\(op)(\(parts.joined(separator: ", ")))"
        if let error {
            line += " = \(error)"
        } else if let result {
            if showsResult { line += " = \(Self.hex(signed: result))" }
        } else {
            line += " = ?"
        }
        return line
    }

    /// `[pid 95 cat]`: the process prefix of a log line (`[as 0x1fdf0000 sh]` when the pid is
    /// not known, the name left out when it is not).
    public var processLabel: String { Self.processLabel(pid: pid, comm: comm, addressSpace: addressSpace) }

    static func processLabel(pid: Int?, comm: GuestText?, addressSpace: UInt64) -> String {
        let who = pid.map { "pid \($0)" } ?? "as \(hex(addressSpace))"
        return "[\(who)\(comm.map { " \($0)" } ?? "")]"
    }

    /// One line of the abstract log: `[pid 95 cat] close(handle 0x3 /tmp/sc/list)`.
    public var line: String { "\(processLabel) \(text)" }
}

/// One file a process opened, with every (mode, outcome) it was opened with: the `--opened`
/// summary of the abstract log.
public struct OpenedFile: Sendable, Equatable, Codable {
    public struct Opening: Sendable, Equatable, Codable {
        public var mode: String?
        /// The handle it got, or nil when the open failed.
        public var handle: Int?
        public var error: String?
        /// How many opens had this mode and outcome.
        public var times: Int
    }

    public var pid: Int?
    public var comm: GuestText?
    public var addressSpace: UInt64
    public var name: GuestText
    public var openings: [Opening]

    enum CodingKeys: String, CodingKey, TextCodingKey {
        case pid, comm, addressSpace = "as", name, openings
        case commHex = "comm_hex", nameHex = "name_hex"

        var hexKey: CodingKeys? {
            switch self {
            case .comm: .commHex
            case .name: .nameHex
            default: nil
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(pid, forKey: .pid)
        try c.encode(text: comm, forKey: .comm)
        try c.encode(FileOperation.hex(addressSpace), forKey: .addressSpace)
        try c.encode(text: name, forKey: .name)
        try c.encode(openings, forKey: .openings)
    }

    public init(pid: Int?, comm: GuestText?, addressSpace: UInt64, name: GuestText, openings: [Opening]) {
        self.pid = pid
        self.comm = comm
        self.addressSpace = addressSpace
        self.name = name
        self.openings = openings
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pid = try c.decodeIfPresent(Int.self, forKey: .pid)
        comm = try c.decodeText(.comm)
        let space = try c.decodeIfPresent(String.self, forKey: .addressSpace) ?? "0x0"
        addressSpace = UInt64(space.dropFirst(2), radix: 16) ?? 0
        guard let name = try c.decodeText(.name) else {
            throw DecodingError.keyNotFound(CodingKeys.name, .init(codingPath: c.codingPath, debugDescription: "no name or name_hex"))
        }
        self.name = name
        openings = try c.decode([Opening].self, forKey: .openings)
    }

    /// `[pid 95 cat] /tmp/sc/list: mode READ, handle 0x3`; several openings are separated by
    /// `; `, failures show the error (`mode READ, error ENOENT`), repeats `(2 times)`.
    public var line: String {
        let label = FileOperation.processLabel(pid: pid, comm: comm, addressSpace: addressSpace)
        let shown = openings.map { o -> String in
            var parts: [String] = []
            if let mode = o.mode { parts.append("mode \(mode)") }
            if let handle = o.handle { parts.append("handle \(FileOperation.handleText(handle))") }
            if let error = o.error { parts.append("error \(error)") }
            if o.handle == nil && o.error == nil { parts.append("unfinished") }
            return parts.joined(separator: ", ") + (o.times > 1 ? " (\(o.times) times)" : "")
        }
        return "\(label) \(name): \(shown.joined(separator: "; "))"
    }
}
