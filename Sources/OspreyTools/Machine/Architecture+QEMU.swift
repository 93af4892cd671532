import OspreyCore

extension Architecture {
    /// The QEMU system emulator for machines of this architecture, looked up on PATH: the only
    /// program Osprey runs for a machine description (a recording or a guest directory never
    /// names one).
    public var qemuSystemBinary: String {
        switch self {
        case .x86_64: "qemu-system-x86_64"
        case .aarch64: "qemu-system-aarch64"
        }
    }

    /// The architecture whose emulator is `name` (`qemu-system-aarch64`), if any.
    public init?(qemuSystemBinary name: String) {
        guard let match = Architecture.allCases.first(where: { $0.qemuSystemBinary == name }) else { return nil }
        self = match
    }

    /// How QEMU attaches a `-drive` without `if=` on this architecture's usual machines
    /// (IDE on the PC machines, virtio on `virt`).
    var defaultDriveInterface: MachineDescription.Drive.Interface {
        switch self {
        case .x86_64: .ide
        case .aarch64: .virtio
        }
    }
}
