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

    /// The QEMU system emulator that runs guests of this architecture.
    public var qemuBinary: String {
        switch self {
        case .x86_64: "qemu-system-x86_64"
        case .aarch64: "qemu-system-aarch64"
        }
    }

    /// The kernel console device of the machine the guest kit picks.
    public var console: String {
        switch self {
        case .x86_64: "ttyS0"
        case .aarch64: "ttyAMA0"
        }
    }

    /// QEMU arguments that boot `kernel` with `initrd` (paths as given, normally relative to
    /// the guest directory), and with `disk` (a qcow2 image) as a virtio-blk PCI disk when
    /// given. No `-serial`, `-plugin` or `-accel`: the runner adds those. The kernel command
    /// line names no root device: a disk guest's initramfs mounts the disk itself.
    public func qemuArguments(kernel: String, initrd: String, disk: String? = nil) -> [String] {
        let machine: [String] = switch self {
        case .x86_64: ["-machine", "q35"]
        case .aarch64: ["-M", "virt", "-cpu", "cortex-a57"]
        }
        return machine + [
            "-m", "512M", "-nodefaults", "-no-reboot", "-display", "none",
            "-kernel", kernel, "-initrd", initrd,
            "-append", "console=\(console) panic=-1 quiet",
        ] + (disk.map(Self.diskArguments) ?? [])
    }

    /// `-drive` and `-device` for a qcow2 root disk the guest sees as `/dev/vda`.
    static func diskArguments(_ disk: String) -> [String] {
        ["-drive", "file=\(disk),format=qcow2,if=none,id=root", "-device", "virtio-blk-pci,drive=root"]
    }
}
