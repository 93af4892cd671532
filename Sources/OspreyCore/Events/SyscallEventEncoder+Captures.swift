/// The `decoded` field: memory behind the arguments, by moment and slot (docs/trace-format.md).
extension SyscallEventEncoder {
    mutating func encodeCaptures(_ captures: [CapturedArgument], abi: SyscallABI) {
        writer.key("decoded")
        writer.appendByte(UInt8(ascii: "{"))
        var first = true
        for moment in [CaptureMoment.entry, .exit] where captures.contains(where: { $0.moment == moment }) {
            if !first { writer.appendByte(UInt8(ascii: ",")) }
            first = false
            writer.appendRaw(moment == .entry ? "\"entry\":{" : "\"exit\":{")
            var firstSlot = true
            for c in captures where c.moment == moment {
                if !firstSlot { writer.appendByte(UInt8(ascii: ",")) }
                firstSlot = false
                writer.appendByte(UInt8(ascii: "\""))
                if c.slot == CapturedArgument.signalFrame {
                    writer.appendRaw("frame")
                } else {
                    writer.appendUnsigned(UInt64(c.slot))
                }
                writer.appendRaw("\":")
                encodeValue(c.value, abi: abi)
            }
            writer.appendByte(UInt8(ascii: "}"))
        }
        writer.appendByte(UInt8(ascii: "}"))
    }

    private mutating func encodeValue(_ value: CapturedValue, abi: SyscallABI) {
        switch value {
        case .bytes(let b):
            writer.appendRaw("{\"hex\":")
            writer.appendHexBytes(b)
        case .strings(let items, let count):
            writer.appendRaw("{\"count\":")
            writer.appendUnsigned(UInt64(count))
            if !items.isEmpty {
                writer.appendRaw(",\"items\":[")
                for (i, item) in items.enumerated() {
                    if i > 0 { writer.appendByte(UInt8(ascii: ",")) }
                    writer.appendHexBytes(item)
                }
                writer.appendByte(UInt8(ascii: "]"))
            }
        case .iovecs(let vecs):
            writer.appendRaw("{\"iov\":[")
            for (i, v) in vecs.enumerated() {
                if i > 0 { writer.appendByte(UInt8(ascii: ",")) }
                writer.appendRaw("{\"base\":")
                writer.appendHexString(v.base)
                writer.appendRaw(",\"len\":")
                writer.appendUnsigned(v.length)
                writer.appendRaw(",\"hex\":")
                writer.appendHexBytes(v.bytes)
                writer.appendByte(UInt8(ascii: "}"))
            }
            writer.appendByte(UInt8(ascii: "]"))
        case .entries(let n):
            writer.appendRaw("{\"entries\":")
            writer.appendUnsigned(UInt64(n))
        case .signalFrame(let mask, let result):
            writer.appendRaw("{\"mask\":")
            writer.appendHexString(mask)
            writer.appendRaw(",\"ret\":")
            writer.appendInteger(abi.signedResult(result))
        case .unreadable:
            writer.appendRaw("{\"unreadable\":true")
        }
        writer.appendByte(UInt8(ascii: "}"))
    }
}
