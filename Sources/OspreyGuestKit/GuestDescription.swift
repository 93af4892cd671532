import Foundation

/// The `guest.json` file of a guest directory (format `osprey-guest/2`): what the guest is
/// and the plain facts of the machine that boots it (architecture, machine type, CPU, memory,
/// kernel, initramfs, disk, kernel command line). It holds no QEMU binary and no command
/// line: Osprey's tools read it strictly, check its files inside the directory and build the
/// command themselves (`GuestMachine` in OspreyTools), so a guest directory someone hands over
/// is data, never a command. Paths are relative to the guest directory.
public struct GuestDescription: Encodable, Sendable, Equatable {
    /// The value of ``format`` this version writes.
    public static let currentFormat = "osprey-guest/2"
    /// The file name inside a guest directory.
    public static let fileName = "guest.json"
    /// The guest's memory.
    public static let memoryMiB = 512

    /// Always ``currentFormat``.
    public var format: String
    /// `x86_64` or `aarch64`.
    public var architecture: String
    /// QEMU's machine type (`q35`, `virt`).
    public var machine: String
    /// QEMU's CPU model, or nil for the machine's default.
    public var cpu: String?
    /// The guest's memory in MiB (512).
    public var memoryMiB: Int
    /// The kernel image, relative to the guest directory (`vmlinuz`).
    public var kernel: String
    /// The initramfs, relative to the guest directory (`initramfs.cpio`). For a disk guest
    /// it only loads the modules that reach the disk and mounts it.
    public var initrd: String
    /// The root disk of a disk guest (`disk.qcow2`: qcow2, ext4, the guest's `/init`,
    /// scenario and programs, seen by the guest as `/dev/vda`), relative to the guest
    /// directory; nil (absent in the JSON) for an initramfs guest.
    public var disk: String?
    /// The kernel command line. It names no root device: a disk guest's initramfs mounts the
    /// disk itself.
    public var append: String
    /// The guest kernel's console device (`ttyS0`, `ttyAMA0`).
    public var console: String
    /// The Debian kernel package, or nil for a user's own kernel file.
    public var kernelPackage: String?
    /// The Debian version of the kernel package, or nil for a user's own kernel file.
    public var kernelVersion: String?
    /// The packages added with `--package`, as requested, followed by those the default
    /// scenario needs when it is the scenario (``DefaultScenario/packages``).
    public var packages: [String]
    /// Every Debian package that went into the guest, as `name version architecture`, sorted.
    public var resolvedPackages: [String]?
    /// `default` for the built-in scenario, otherwise the scenario file's name.
    public var scenario: String?

    public init(
        architecture: GuestArchitecture, kernelPackage: String?, kernelVersion: String?,
        packages: [String], resolvedPackages: [String]?, scenario: String?,
        kernel: String = "vmlinuz", initrd: String = "initramfs.cpio", disk: String? = nil
    ) {
        self.format = Self.currentFormat
        self.architecture = architecture.rawValue
        self.machine = architecture.machineType
        self.cpu = architecture.cpuModel
        self.memoryMiB = Self.memoryMiB
        self.kernel = kernel
        self.initrd = initrd
        self.disk = disk
        self.append = architecture.kernelCommandLine
        self.console = architecture.console
        self.kernelPackage = kernelPackage
        self.kernelVersion = kernelVersion
        self.packages = packages
        self.resolvedPackages = resolvedPackages
        self.scenario = scenario
    }

    /// The architecture as an enum, if it is one the kit knows.
    public var guestArchitecture: GuestArchitecture? { GuestArchitecture(rawValue: architecture) }

    /// Writes `guest.json` into `dir` (pretty-printed, sorted keys: deterministic).
    public func write(to dir: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        try data.write(to: dir.appendingPathComponent(Self.fileName), options: .atomic)
    }
}
