/// Builds one JSON object into a reusable byte buffer, without Foundation and without
/// allocating once the buffer has grown to its working size.
public struct JSONLineWriter {
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    public init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    /// Clears the buffer (keeping its storage) and opens a new object.
    public mutating func begin() {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// Closes the object and appends a newline.
    public mutating func end() {
        bytes.append(UInt8(ascii: "}"))
        bytes.append(UInt8(ascii: "\n"))
    }

    public mutating func key(_ k: StaticString) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
        bytes.append(UInt8(ascii: "\""))
        k.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// A key known only at run time (monitor event fields).
    public mutating func key(dynamic k: String) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
        appendString(k)
        bytes.append(UInt8(ascii: ":"))
    }

    /// A key known only at run time with a fixed suffix (`path` + `_hex`).
    public mutating func key(dynamic k: String, suffix: StaticString) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
        bytes.append(UInt8(ascii: "\""))
        var k = k
        k.withUTF8 { appendEscapedContent($0) }
        suffix.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// Guest text under `k`, losslessly: a JSON string when `raw` is UTF-8, otherwise hex
    /// digits under `k` + `_hex` (the trace's rule for every guest string).
    public mutating func textField<C: Collection<UInt8>>(_ k: StaticString, _ raw: C) {
        if isValidUTF8(raw) {
            key(k)
            appendStringBytes(raw)
            return
        }
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
        bytes.append(UInt8(ascii: "\""))
        k.withUTF8Buffer { bytes.append(contentsOf: $0) }
        appendRaw("_hex\":")
        appendHexBytes(raw)
    }

    public mutating func field(_ k: StaticString, _ v: Int64) { key(k); appendInteger(v) }
    public mutating func field(_ k: StaticString, _ v: UInt64) { key(k); appendUnsigned(v) }
    public mutating func field(_ k: StaticString, _ v: Int) { key(k); appendInteger(Int64(v)) }
    public mutating func field(_ k: StaticString, _ v: String) { key(k); appendString(v) }
    public mutating func field(_ k: StaticString, _ v: Bool) {
        key(k)
        appendRaw(v ? "true" : "false")
    }
    /// A field whose value is `0x`-prefixed lower-case hex in a JSON string.
    public mutating func hexField(_ k: StaticString, _ v: UInt64) { key(k); appendHexString(v) }

    public mutating func appendRaw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func appendByte(_ b: UInt8) { bytes.append(b) }

    public mutating func appendUnsigned(_ value: UInt64) {
        if value == 0 { bytes.append(UInt8(ascii: "0")); return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, enough for 20 digits
        var v = value
        var n = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            while v > 0 {
                raw[n] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                n += 1
            }
            for i in stride(from: n - 1, through: 0, by: -1) { bytes.append(raw[i]) }
        }
    }

    public mutating func appendInteger(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            appendUnsigned(UInt64(bitPattern: 0 &- value))  // also right for Int64.min
        } else {
            appendUnsigned(UInt64(value))
        }
    }

    public mutating func appendHexString(_ value: UInt64) {
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: "0"))
        bytes.append(UInt8(ascii: "x"))
        var started = false
        for shift in stride(from: 60, through: 0, by: -4) {
            let nibble = UInt8((value >> UInt64(shift)) & 0xF)
            if nibble != 0 || started || shift == 0 {
                started = true
                bytes.append(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func appendString(_ s: String) {
        var s = s
        s.withUTF8 { appendStringBytes($0) }
    }

    /// Appends bytes that are known to be valid UTF-8 as a JSON string, escaping what JSON needs.
    public mutating func appendStringBytes<C: Collection<UInt8>>(_ utf8: C) {
        bytes.append(UInt8(ascii: "\""))
        appendEscapedContent(utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    /// The inside of a JSON string: `utf8` with what JSON needs escaped.
    private mutating func appendEscapedContent<C: Collection<UInt8>>(_ utf8: C) {
        for b in utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
            case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0..<0x20, 0x7F:
                appendRaw("\\u00")
                bytes.append(Self.hexDigit(b >> 4))
                bytes.append(Self.hexDigit(b & 0xF))
            default:
                bytes.append(b)
            }
        }
    }

    /// Appends arbitrary bytes as a JSON string of lower-case hex digits.
    public mutating func appendHexBytes<C: Collection<UInt8>>(_ raw: C) {
        bytes.append(UInt8(ascii: "\""))
        for b in raw {
            bytes.append(Self.hexDigit(b >> 4))
            bytes.append(Self.hexDigit(b & 0xF))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    @inline(__always) static func hexDigit(_ n: UInt8) -> UInt8 {
        n < 10 ? UInt8(ascii: "0") + n : UInt8(ascii: "a") + n - 10
    }
}

/// Whether `bytes` is well-formed UTF-8.
public func isValidUTF8<C: Collection<UInt8>>(_ bytes: C) -> Bool {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    while true {
        switch decoder.decode(&iterator) {
        case .scalarValue: continue
        case .emptyInput: return true
        case .error: return false
        }
    }
}
