import OspreyCore

/// A QEMU machine described declaratively: what a recording's manifest and a guest
/// directory's `guest.json` hold instead of a command line. ``MachineCommand`` builds the
/// QEMU arguments from it, for the recording run and for every replay alike, so a recording
/// can only ask for what this type can say, and each part of it is checked
/// (``problems()``, ``MachineRules``) before anything runs.
///
/// File fields (`kernel`, `initrd`, `dtb`, `bios`, each drive's `file`) are paths: relative to
/// the recording or guest directory in a stored description (``contained(in:)`` resolves them
/// with the one path rule, ``ContainedPath``), or the user's own paths in a description just
/// parsed from their command line (``MachineArguments``), which `osprey record` copies in.
/// The machine always has one CPU, TCG, and Osprey's console (serial on standard output, no
/// monitor, no display).
public struct MachineDescription: Sendable, Equatable {
    /// The guest CPU architecture; it picks the QEMU binary.
    public var architecture: Architecture
    /// `-machine TYPE` (`q35`, `virt`); nil for QEMU's default machine.
    public var machineType: String?
    /// Further `-machine` properties (``MachineRules/machineProperties``).
    public var machineProperties = QemuKeyValues(pairs: [])
    /// `-cpu MODEL`; nil for the machine's default CPU.
    public var cpuModel: String?
    /// `-cpu MODEL,FEATURE,...`: `+x2apic`, `-vmx`, `pmu=off`.
    public var cpuFeatures: [String] = []
    /// `-m`, in MiB; nil for QEMU's default.
    public var memoryMiB: Int?
    /// `-kernel`: the kernel image file.
    public var kernel: String?
    /// `-initrd`: the initial RAM disk file.
    public var initrd: String?
    /// `-dtb`: a device tree blob file.
    public var dtb: String?
    /// `-bios`: a firmware file.
    public var bios: String?
    /// The kernel command line: any text, passed to QEMU as one argument.
    public var append: String?
    /// Disks and flash, in the order they are attached.
    public var drives: [Drive] = []
    /// Network back ends (user-mode only).
    public var netdevs: [Netdev] = []
    /// Further devices, in order.
    public var devices: [Device] = []
    /// `-nodefaults`, `-no-reboot`, `-no-shutdown`.
    public var flags: [Flag] = []
    /// `-display none` or `-nographic`.
    public var display: Display = .none
    /// `-vga MODEL` (``MachineRules/vgaModels``); nil for the machine's default.
    public var vga: String?
    /// `-rtc` settings (``MachineRules/rtcSettings``).
    public var rtc = QemuKeyValues(pairs: [])
    /// `-boot` settings (``MachineRules/bootSettings``).
    public var boot = QemuKeyValues(pairs: [])

    /// An empty machine of `architecture` (QEMU's defaults for everything).
    public init(architecture: Architecture) {
        self.architecture = architecture
    }

    /// QEMU options without a value that a description can hold.
    public enum Flag: String, Sendable, CaseIterable {
        case nodefaults
        case noReboot = "no-reboot"
        case noShutdown = "no-shutdown"
    }

    /// How the machine is shown: never a window or a host socket. `nographic` keeps QEMU's
    /// `-nographic` for a machine that was run so (its firmware may print to serial then).
    public enum Display: String, Sendable, CaseIterable {
        case none
        case nographic
    }

    /// One file the machine reads from its directory, with the manifest field that names it.
    public struct FileReference: Sendable, Equatable {
        /// The field, as in the manifest: `kernel`, `drives[0].file`.
        public var field: String
        public var path: String
    }

    /// Every file the description names, in a fixed order.
    public var files: [FileReference] {
        let boot: [(String, String?)] = [("kernel", kernel), ("initrd", initrd), ("dtb", dtb), ("bios", bios)]
        return boot.compactMap { field, path in path.map { FileReference(field: field, path: $0) } }
            + drives.enumerated().map { FileReference(field: "drives[\($0.offset)].file", path: $0.element.file) }
    }

    /// The description with each file path replaced by `transform(field, path)`.
    public func mappingFiles<E: Error>(_ transform: (String, String) throws(E) -> String) throws(E) -> MachineDescription {
        var copy = self
        if let kernel { copy.kernel = try transform("kernel", kernel) }
        if let initrd { copy.initrd = try transform("initrd", initrd) }
        if let dtb { copy.dtb = try transform("dtb", dtb) }
        if let bios { copy.bios = try transform("bios", bios) }
        for index in copy.drives.indices {
            copy.drives[index].file = try transform("drives[\(index)].file", copy.drives[index].file)
        }
        return copy
    }
}
