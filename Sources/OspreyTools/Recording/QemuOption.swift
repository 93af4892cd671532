import Foundation

/// One option of a QEMU command line: `-name` alone, or `-name value`.
public struct QemuOption: Sendable, Equatable {
    /// The name without its dash(es): `drive`, `kernel`, `nodefaults`.
    public var name: String
    public var value: String?

    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    /// The options of a command line (without the binary). QEMU options take one value except
    /// a known set of flags; `--name` is the same as `-name`. An argument that is not an
    /// option (a disk image given without `-hda`) is kept as an option with an empty name.
    public static func parse(_ arguments: [String]) -> [QemuOption] {
        var options: [QemuOption] = []
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            i += 1
            guard argument.hasPrefix("-"), argument.count > 1 else {
                options.append(QemuOption("", argument))
                continue
            }
            let name = String(argument.drop(while: { $0 == "-" }))
            if flags.contains(name) || i >= arguments.count {
                options.append(QemuOption(name))
            } else {
                options.append(QemuOption(name, arguments[i]))
                i += 1
            }
        }
        return options
    }

    /// The options back as arguments.
    public static func arguments(_ options: [QemuOption]) -> [String] {
        options.flatMap { option -> [String] in
            if option.name.isEmpty { return option.value.map { [$0] } ?? [] }
            return ["-" + option.name] + (option.value.map { [$0] } ?? [])
        }
    }

    /// QEMU 10's options that take no value.
    static let flags: Set<String> = [
        "nodefaults", "no-reboot", "no-shutdown", "nographic", "snapshot", "S", "s", "enable-kvm", "daemonize",
        "full-screen", "no-user-config", "usb", "one-insn-per-tb", "singlestep", "no-hpet", "no-acpi", "win2k-hack",
        "no-fd-bootchk", "preconfig", "only-migratable", "enable-fips", "curses", "semihosting", "h", "help", "version",
        "enable-sync-profile", "no-frame", "alt-grab", "ctrl-grab", "portrait", "old-param",
    ]
}

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
