/// An event of the OS object monitors (`"type"`: `process`, `thread`, `file`, `region`,
/// `module`, `socket`, `pipe`): something the kernel's own structures showed changing.
///
/// Monitor events are rare next to system calls (one per state change), so they carry their
/// details as a small ordered list of named values rather than a type per event.
public struct MonitorEvent: Sendable, Equatable {
    /// The record type (`process`, `thread`, `file`, `region`, `module`, `socket`, `pipe`).
    public var type: String
    /// What happened (`start`, `exec`, `exit`, `open`, `close`, `map`, `unmap`, `load`,
    /// `unload`, `create`, `bind`, `listen`, `connect`, `accept`).
    public var event: String
    public var vcpu: Int
    /// The task the event is about, from its `task_struct`.
    public var pid: GuestPID
    public var tid: GuestPID
    public var comm: GuestText
    public var fields: [Field]
    /// The instruction count of the kernel stop that saw it (the plugin's clock), when known.
    public var icount: UInt64?

    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: Value
        public init(_ name: String, _ value: Value) {
            self.name = name
            self.value = value
        }
    }

    public enum Value: Sendable, Equatable {
        case int(Int64)
        /// Written as a `0x` hex string (addresses).
        case hex(UInt64)
        /// Text Osprey made (a kind, a state letter, an address).
        case string(String)
        case strings([String])
        /// Text from the guest (a path, a name, argv): its exact bytes, written as a JSON string
        /// when they are UTF-8 and as hex under the field's name plus `_hex` when they are not.
        case text(GuestText)
        /// A list of guest texts (argv); as hex strings under `NAME_hex` if any is not UTF-8.
        case texts([GuestText])
        case bool(Bool)
    }

    public init(type: String, event: String, vcpu: Int, pid: GuestPID, tid: GuestPID, comm: GuestText, fields: [Field] = []) {
        self.type = type
        self.event = event
        self.vcpu = vcpu
        self.pid = pid
        self.tid = tid
        self.comm = comm
        self.fields = fields
    }

    /// The value named `name`, if present.
    public subscript(name: String) -> Value? { fields.first { $0.name == name }?.value }
}

extension JSONLineWriter {
    /// Writes a monitor event as one trace line.
    public mutating func write(_ e: MonitorEvent, seq: UInt64) {
        begin()
        key("type")
        appendString(e.type)
        field("seq", seq)
        key("event")
        appendString(e.event)
        field("vcpu", e.vcpu)
        if let icount = e.icount { field("icount", icount) }
        field("pid", Int(e.pid))
        field("tid", Int(e.tid))
        textField("comm", e.comm.bytes)
        for f in e.fields {
            switch f.value {
            case .text(let t):
                if isValidUTF8(t.bytes) {
                    key(dynamic: f.name)
                    appendStringBytes(t.bytes)
                } else {
                    key(dynamic: f.name, suffix: "_hex")
                    appendHexBytes(t.bytes)
                }
                continue
            case .texts(let list):
                let hex = !list.allSatisfy { isValidUTF8($0.bytes) }
                if hex { key(dynamic: f.name, suffix: "_hex") } else { key(dynamic: f.name) }
                appendByte(UInt8(ascii: "["))
                for (i, t) in list.enumerated() {
                    if i > 0 { appendByte(UInt8(ascii: ",")) }
                    if hex { appendHexBytes(t.bytes) } else { appendStringBytes(t.bytes) }
                }
                appendByte(UInt8(ascii: "]"))
                continue
            default:
                key(dynamic: f.name)
            }
            switch f.value {
            case .text, .texts: break
            case .int(let v): appendInteger(v)
            case .hex(let v): appendHexString(v)
            case .string(let s): appendString(s)
            case .bool(let b): appendRaw(b ? "true" : "false")
            case .strings(let list):
                appendByte(UInt8(ascii: "["))
                for (i, s) in list.enumerated() {
                    if i > 0 { appendByte(UInt8(ascii: ",")) }
                    appendString(s)
                }
                appendByte(UInt8(ascii: "]"))
            }
        }
        end()
    }
}
