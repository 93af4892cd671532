/// A guest CPU architecture the guest kit can build for.
public enum GuestArchitecture: String, Codable, Sendable, CaseIterable {
    case x86_64
    case aarch64

    /// Parses a user's spelling: `x86_64`/`amd64`/`x86-64` or `aarch64`/`arm64`.
    public init?(userSpelling: String) {
        switch userSpelling.lowercased() {
        case "x86_64", "x86-64", "amd64": self = .x86_64
        case "aarch64", "arm64": self = .aarch64
        default: return nil
        }
    }

    /// Parses a Debian architecture name (`amd64`, `arm64`).
    public init?(debianArchitecture: String) {
        switch debianArchitecture {
        case "amd64": self = .x86_64
        case "arm64": self = .aarch64
        default: return nil
        }
    }

    /// Debian's name for the architecture (`amd64`, `arm64`).
    public var debianArchitecture: String {
        switch self {
        case .x86_64: "amd64"
        case .aarch64: "arm64"
        }
    }

    /// The GNU multiarch triplet (`x86_64-linux-gnu`, `aarch64-linux-gnu`).
    public var multiarchTriplet: String {
        switch self {
        case .x86_64: "x86_64-linux-gnu"
        case .aarch64: "aarch64-linux-gnu"
        }
    }

    /// The ELF `e_machine` value of binaries for this architecture.
    var elfMachine: UInt16 {
        switch self {
        case .x86_64: 62
        case .aarch64: 183
        }
    }

    /// The kernel console device of the machine the guest kit picks.
    public var console: String {
        switch self {
        case .x86_64: "ttyS0"
        case .aarch64: "ttyAMA0"
        }
    }

    /// QEMU's machine type for guests of this architecture.
    public var machineType: String {
        switch self {
        case .x86_64: "q35"
        case .aarch64: "virt"
        }
    }

    /// QEMU's CPU model, or nil for the machine's default.
    public var cpuModel: String? {
        switch self {
        case .x86_64: nil
        case .aarch64: "cortex-a57"
        }
    }

    /// The kernel command line of the kit's guests: the console, reboot on panic (QEMU runs
    /// with `-no-reboot`, so it exits), quiet.
    public var kernelCommandLine: String { "console=\(console) panic=-1 quiet" }
}
