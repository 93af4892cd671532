import Foundation

/// A QEMU `key=value,key=value` option value (`-drive`, `-netdev`, `-accel`), in order.
/// A doubled comma stands for a comma inside a value, as QEMU reads it.
public struct QemuKeyValues: Sendable, Equatable {
    public var pairs: [(key: String, value: String)]

    public init(_ text: String, impliedKey: String? = nil) {
        var parts: [String] = []
        var current = ""
        var chars = Array(text)[...]
        while let c = chars.first {
            chars = chars.dropFirst()
            if c == "," {
                if chars.first == "," {
                    current.append(",")
                    chars = chars.dropFirst()
                } else {
                    parts.append(current)
                    current = ""
                }
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        pairs = parts.enumerated().compactMap { index, part in
            if let eq = part.firstIndex(of: "=") {
                return (String(part[..<eq]), String(part[part.index(after: eq)...]))
            }
            if part.isEmpty { return nil }
            if index == 0, let impliedKey { return (impliedKey, part) }
            return (part, "on")  // a bare key is a boolean set on
        }
    }

    public init(pairs: [(key: String, value: String)]) { self.pairs = pairs }

    public subscript(key: String) -> String? {
        pairs.last { $0.key == key }?.value
    }

    /// The value as QEMU reads it back (commas in values doubled).
    public var text: String {
        pairs.map { "\($0.key)=\($0.value.replacingOccurrences(of: ",", with: ",,"))" }.joined(separator: ",")
    }

    public static func == (a: QemuKeyValues, b: QemuKeyValues) -> Bool {
        a.pairs.map(\.key) == b.pairs.map(\.key) && a.pairs.map(\.value) == b.pairs.map(\.value)
    }
}
