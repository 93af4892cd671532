/// How strace shows a number against a table of names, and the little-endian reads every
/// struct renderer needs. Internal to the `Strace*` renderers.
///
/// strace has two ways to name a value (src/xlat.c):
/// - one value (`printxval`): the name when the table has the value exactly, otherwise the
///   number in hex followed by a comment naming the family, `0x1234 /* PR_??? */`;
/// - a set of bits (`printflags`): the names of the table entries whose bits are all set, in
///   table order, `|`-joined, then whatever is left in hex (`POLLIN|0x10000`); `0` for zero.
enum StraceXlat {
    /// Names in the order strace's table lists them (the order matters for flags).
    typealias Table = [(value: UInt64, name: String)]

    /// C's `%#llx`: `0` for zero, `0x1f` otherwise.
    static func hex(_ value: UInt64) -> String {
        value == 0 ? "0" : "0x" + String(value, radix: 16)
    }

    /// C's `%#0*llx` with `width`: zero-padded to `width` characters, `0x` counted in the width
    /// (and left out for zero, as C does).
    static func paddedHex(_ value: UInt64, width: Int) -> String {
        if value == 0 { return String(repeating: "0", count: width) }
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, width - 2 - digits.count)) + digits
    }

    /// C's `%#03o`: `000` for zero, otherwise a leading `0` and zero-padded to three characters.
    static func octal3(_ value: UInt64) -> String {
        if value == 0 { return "000" }
        let text = "0" + String(value, radix: 8)
        return String(repeating: "0", count: max(0, 3 - text.count)) + text
    }

    /// strace's `printxval`: the name, or the hex number and `/* dflt */`.
    static func value(_ value: UInt64, _ table: Table, _ dflt: String?) -> String {
        if let entry = table.first(where: { $0.value == value }) { return entry.name }
        return hex(value) + comment(dflt)
    }

    /// strace's `printflags`: names of the set bits in table order, the rest in hex.
    /// Zero is the first entry's name when that entry is zero, else `0` (nothing at all when the
    /// caller gives no default, as strace's termios flags do).
    static func flags(_ value: UInt64, _ table: Table, _ dflt: String?) -> String {
        var rest = value
        var names: [String] = []
        for entry in table {
            if rest == 0 && !names.isEmpty { break }
            if rest == entry.value || (entry.value != 0 && rest & entry.value == entry.value) {
                names.append(entry.name)
                rest &= ~entry.value
            }
            if rest == 0 { break }
        }
        if !names.isEmpty {
            if rest != 0 { names.append(hex(rest)) }
            return names.joined(separator: "|")
        }
        if rest != 0 { return hex(rest) + comment(dflt) }
        return dflt == nil ? "" : "0"
    }

    /// ` /* text */`, or nothing for no text.
    static func comment(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "" }
        return " /* \(text) */"
    }
}

/// Little-endian reads from untrusted guest bytes: nil instead of a trap when out of range.
struct StraceBytes {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var count: Int { bytes.count }

    func le(_ offset: Int, _ size: Int) -> UInt64? {
        guard offset >= 0, size > 0, size <= 8, offset <= bytes.count - size else { return nil }
        var value: UInt64 = 0
        for i in (0..<size).reversed() { value = value << 8 | UInt64(bytes[offset + i]) }
        return value
    }

    func u8(_ offset: Int) -> UInt8? { le(offset, 1).map { UInt8(truncatingIfNeeded: $0) } }
    func u16(_ offset: Int) -> UInt16? { le(offset, 2).map { UInt16(truncatingIfNeeded: $0) } }
    func u32(_ offset: Int) -> UInt32? { le(offset, 4).map { UInt32(truncatingIfNeeded: $0) } }
    func u64(_ offset: Int) -> UInt64? { le(offset, 8) }
    func i16(_ offset: Int) -> Int16? { u16(offset).map { Int16(bitPattern: $0) } }
    func i32(_ offset: Int) -> Int32? { u32(offset).map { Int32(bitPattern: $0) } }
    func i64(_ offset: Int) -> Int64? { u64(offset).map { Int64(bitPattern: $0) } }

    /// Big-endian (network order) 16 and 32 bits.
    func be16(_ offset: Int) -> UInt16? { u16(offset).map { $0.byteSwapped } }
    func be32(_ offset: Int) -> UInt32? { u32(offset).map { $0.byteSwapped } }

    /// `length` bytes from `offset`, nil when they are not all there.
    func slice(_ offset: Int, _ length: Int) -> [UInt8]? {
        guard offset >= 0, length >= 0, offset <= bytes.count - length else { return nil }
        return Array(bytes[offset..<(offset + length)])
    }
}
