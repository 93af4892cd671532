/// Encodes syscall events as trace lines (schema version `TraceSchema.version`).
public struct SyscallEventEncoder {
    var writer = JSONLineWriter(capacity: 2048)

    public init() {}

    /// The JSON line for `event`, including the trailing newline. The returned buffer is
    /// reused by the next call.
    public mutating func encode(_ event: SyscallEvent) -> [UInt8] {
        writer.begin()
        writer.field("seq", event.seq)
        writer.field("entry", event.entry)
        writer.field("type", "syscall")
        writer.field("vcpu", event.vcpu)
        if let icount = event.icount { writer.field("icount", icount) }
        if let icount = event.exitIcount { writer.field("icount_ret", icount) }
        writer.field("abi", event.abi.name)
        writer.hexField("as", event.addressSpace.rawValue)
        writer.hexField("sp", event.stackPointer)
        writer.hexField("pc", event.pc.rawValue)
        if let pid = event.task.pid { writer.field("pid", Int64(pid)) }
        if let tid = event.task.tid { writer.field("tid", Int64(tid)) }
        if let ppid = event.task.ppid { writer.field("ppid", Int64(ppid)) }
        if let comm = event.task.comm { writer.textField("comm", comm.bytes) }
        writer.field("nr", event.number)
        if let name = event.name { writer.field("name", name) }
        writer.key("args")
        writer.appendByte(UInt8(ascii: "["))
        for i in 0..<SyscallArguments.count {
            if i > 0 { writer.appendByte(UInt8(ascii: ",")) }
            writer.appendHexString(event.args[i])
        }
        writer.appendByte(UInt8(ascii: "]"))
        if !event.strings.isEmpty { encodeStrings(event.strings) }
        if !event.captures.isEmpty { encodeCaptures(event.captures, abi: event.abi) }
        if let result = event.result { writer.field("ret", result) }
        if event.end != .returned { writer.field("end", event.end.rawValue) }
        writer.end()
        return writer.bytes
    }

    private mutating func encodeStrings(_ strings: [DecodedString]) {
        let text = strings.filter { !$0.unreadable && isValidUTF8($0.bytes) }
        let binary = strings.filter { !$0.unreadable && !isValidUTF8($0.bytes) }
        let unreadable = strings.filter(\.unreadable)
        let truncated = strings.filter { $0.truncated && !$0.unreadable }
        if !text.isEmpty {
            writer.key("strings")
            writeObject(text) { w, s in w.appendStringBytes(s.bytes) }
        }
        if !binary.isEmpty {
            writer.key("strings_hex")
            writeObject(binary) { w, s in w.appendHexBytes(s.bytes) }
        }
        if !truncated.isEmpty { writer.key("truncated"); writeIndexList(truncated) }
        if !unreadable.isEmpty { writer.key("unreadable"); writeIndexList(unreadable) }
    }

    private mutating func writeObject(_ items: [DecodedString], value: (inout JSONLineWriter, DecodedString) -> Void) {
        writer.appendByte(UInt8(ascii: "{"))
        for (i, s) in items.enumerated() {
            if i > 0 { writer.appendByte(UInt8(ascii: ",")) }
            writer.appendByte(UInt8(ascii: "\""))
            writer.appendUnsigned(UInt64(s.argument))
            writer.appendByte(UInt8(ascii: "\""))
            writer.appendByte(UInt8(ascii: ":"))
            value(&writer, s)
        }
        writer.appendByte(UInt8(ascii: "}"))
    }

    private mutating func writeIndexList(_ items: [DecodedString]) {
        writer.appendByte(UInt8(ascii: "["))
        for (i, s) in items.enumerated() {
            if i > 0 { writer.appendByte(UInt8(ascii: ",")) }
            writer.appendUnsigned(UInt64(s.argument))
        }
        writer.appendByte(UInt8(ascii: "]"))
    }
}
