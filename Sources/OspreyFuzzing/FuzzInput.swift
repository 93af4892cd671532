/// The bytes a fuzzer hands a harness, read front to back: `read*` moves, and every read
/// past the end gives nil, so any input decodes to something or to nothing, never a trap.
public struct FuzzInput {
    private let bytes: [UInt8]
    private var index = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var isAtEnd: Bool { index >= bytes.count }
    public var remaining: Int { max(0, bytes.count - index) }

    public mutating func readU8() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    /// A little-endian integer of `size` bytes (1...8).
    public mutating func readInteger(size: Int) -> UInt64? {
        guard size >= 1, size <= 8, remaining >= size else { return nil }
        var value: UInt64 = 0
        for i in 0..<size { value |= UInt64(bytes[index + i]) << (8 * UInt64(i)) }
        index += size
        return value
    }

    public mutating func readU16() -> UInt16? { readInteger(size: 2).map { UInt16($0) } }
    public mutating func readU64() -> UInt64? { readInteger(size: 8) }

    /// `count` bytes, or nil when fewer are left.
    public mutating func readBytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, remaining >= count else { return nil }
        defer { index += count }
        return Array(bytes[index..<index + count])
    }

    /// A length-prefixed (u16) byte string.
    public mutating func readBlob() -> [UInt8]? {
        guard let count = readU16() else { return nil }
        return readBytes(Int(count))
    }

    /// Everything not read yet.
    public mutating func readRest() -> [UInt8] {
        defer { index = bytes.count }
        return index < bytes.count ? Array(bytes[index...]) : []
    }
}

/// The writing side of ``FuzzInput``'s encoding, for making seeds.
public struct FuzzOutput {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public mutating func writeU8(_ v: UInt8) { bytes.append(v) }
    public mutating func writeInteger(_ v: UInt64, size: Int) {
        for i in 0..<size { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }
    public mutating func writeU16(_ v: UInt16) { writeInteger(UInt64(v), size: 2) }
    public mutating func writeU64(_ v: UInt64) { writeInteger(v, size: 8) }
    public mutating func writeBytes(_ b: [UInt8]) { bytes += b }
    /// A length-prefixed byte string, cut at 65535 bytes.
    public mutating func writeBlob(_ b: [UInt8]) {
        let cut = Array(b.prefix(Int(UInt16.max)))
        writeU16(UInt16(cut.count))
        bytes += cut
    }
}
