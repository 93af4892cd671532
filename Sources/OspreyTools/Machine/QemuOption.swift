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
