import OspreyCore

/// What a setting's value may be. Values end up inside QEMU's `key=value,...` options, so
/// every rule keeps to a small character set (no comma, no `=`, no path separator unless the
/// kind is an address) as well as to the values that make sense.
public enum ValueRule: Sendable {
    /// `on`/`off` and QEMU's other spellings of a boolean.
    case boolean
    /// A boolean or `auto`.
    case onOffAuto
    /// One of these exact values.
    case oneOf([String])
    /// A decimal number in the range.
    case integer(ClosedRange<Int>)
    /// Letters, digits, `.`, `_`, `-` (at most 64): bus names, serial numbers, model names.
    case name
    /// A MAC address `52:54:00:12:34:56`.
    case mac
    /// An IPv4 or IPv6 address or network (`10.0.2.0/24`, `fec0::/64`).
    case address
    /// A DNS name (`guest.example`).
    case hostname
    /// A PCI address (`0x3`, `04.0`).
    case pciAddress

    static let booleans = ["on", "off", "true", "false", "yes", "no"]

    /// Why `value` does not fit, or nil.
    public func problem(with value: String) -> String? {
        let ok: Bool
        switch self {
        case .boolean: ok = Self.booleans.contains(value)
        case .onOffAuto: ok = Self.booleans.contains(value) || value == "auto"
        case .oneOf(let values): ok = values.contains(value)
        case .integer(let range): ok = Int(value).map(range.contains) ?? false
        case .name: ok = Self.fits(value, max: 64, extra: "._-")
        case .mac:
            let parts = value.split(separator: ":", omittingEmptySubsequences: false)
            ok = parts.count == 6 && parts.allSatisfy { $0.count == 2 && $0.allSatisfy(\.isHexDigit) }
        case .address: ok = Self.fits(value, max: 64, extra: ".:/", letters: "abcdefABCDEF")
        case .hostname: ok = Self.fits(value, max: 253, extra: ".-")
        case .pciAddress: ok = Self.fits(value, max: 8, extra: ".x", letters: "abcdefABCDEF")
        }
        return ok ? nil : "\(TextEscaping.token(value)) is not \(description)"
    }

    /// The rule in words, for messages.
    public var description: String {
        switch self {
        case .boolean: "on or off"
        case .onOffAuto: "on, off or auto"
        case .oneOf(let values): "one of " + values.joined(separator: ", ")
        case .integer(let range): "a whole number from \(range.lowerBound) to \(range.upperBound)"
        case .name: "a name of letters, digits, '.', '_' and '-'"
        case .mac: "a MAC address"
        case .address: "an IP address or network"
        case .hostname: "a host name"
        case .pciAddress: "a PCI address"
        }
    }

    /// `value` is 1...`max` ASCII characters, each a digit, one of `letters` (all ASCII
    /// letters when nil) or one of `extra`.
    static func fits(_ value: String, max: Int, extra: String, letters: String? = nil) -> Bool {
        let utf8 = value.utf8
        guard !utf8.isEmpty, utf8.count <= max else { return false }
        return utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return true
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                return letters.map { $0.utf8.contains(byte) } ?? true
            default: return extra.utf8.contains(byte)
            }
        }
    }
}
