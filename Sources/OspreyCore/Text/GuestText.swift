/// Text from an untrusted source (guest memory, or a trace, profile or recording someone handed
/// over): the exact bytes, which need not be UTF-8, shown only through ``TextEscaping``.
///
/// Its `description` is the escaped token, so interpolating it into a view's line (`"\(name)"`)
/// can never emit a control character or forge a second line, and two different names never
/// print alike. The trace keeps the bytes exactly: as a JSON string when they are UTF-8, as hex
/// under the field's `_hex` name when they are not (docs/trace-format.md).
public struct GuestText: Hashable, Comparable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The bytes, exactly as read.
    public var bytes: [UInt8]

    public init<S: Sequence<UInt8>>(bytes: S) { self.bytes = Array(bytes) }
    /// The UTF-8 bytes of `string`.
    public init(_ string: String) { bytes = Array(string.utf8) }
    public init(stringLiteral value: String) { self.init(value) }

    /// The text as a Swift string when its bytes are valid UTF-8, nil otherwise.
    public var utf8String: String? {
        isValidUTF8(bytes) ? String(decoding: bytes, as: UTF8.self) : nil
    }

    /// The text as a Swift string with invalid bytes replaced (U+FFFD). Only for matching and
    /// sorting by humans' criteria, never for showing or storing: two texts can give the same.
    public var lossyString: String { String(decoding: bytes, as: UTF8.self) }

    /// The escaped token a view prints (``TextEscaping/token(_:)``).
    public var description: String { TextEscaping.token(bytes) }
    /// The escaped text in double quotes, as strace prints strings.
    public var quoted: String { TextEscaping.quoted(bytes) }

    public var isEmpty: Bool { bytes.isEmpty }
    public var count: Int { bytes.count }

    /// Whether the text starts with `prefix`'s bytes.
    public func hasPrefix(_ prefix: String) -> Bool { bytes.starts(with: prefix.utf8) }

    /// The text after its last `/` (all of it without one).
    public var lastPathComponent: GuestText {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return self }
        return GuestText(bytes: bytes[(slash + 1)...])
    }

    /// Byte order (`memcmp`): a total order that needs no decoding.
    public static func < (a: GuestText, b: GuestText) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }

    public static func + (a: GuestText, b: GuestText) -> GuestText { GuestText(bytes: a.bytes + b.bytes) }
}
