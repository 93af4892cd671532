import Foundation

/// The `guest.json` file of a guest directory: what the guest is and how QEMU boots it.
/// Paths are relative to the guest directory; the runner starts QEMU there.
public struct GuestDescription: Codable, Sendable, Equatable {
    /// The value of ``format`` this version writes.
    public static let currentFormat = "osprey-guest/1"
    /// The file name inside a guest directory.
    public static let fileName = "guest.json"

    /// Always ``currentFormat``.
    public var format: String
    /// `x86_64` or `aarch64`.
    public var architecture: String
    /// The kernel image, relative to the guest directory (`vmlinuz`).
    public var kernel: String
    /// The initramfs, relative to the guest directory (`initramfs.cpio`). For a disk guest
    /// it only loads the modules that reach the disk and mounts it.
    public var initrd: String
    /// The root disk of a disk guest (`disk.qcow2`: qcow2, ext4, the guest's `/init`,
    /// scenario and programs), relative to the guest directory; nil (absent in the JSON)
    /// for an initramfs guest.
    public var disk: String?
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
    /// `qemu-system-x86_64` or `qemu-system-aarch64`.
    public var qemuBinary: String
    /// Arguments that boot the guest, with paths relative to the guest directory; without
    /// `-serial`, `-plugin` and `-accel`.
    public var qemuArgs: [String]
    /// The guest kernel's console device (`ttyS0`, `ttyAMA0`).
    public var console: String

    public init(
        architecture: GuestArchitecture, kernelPackage: String?, kernelVersion: String?,
        packages: [String], resolvedPackages: [String]?, scenario: String?,
        kernel: String = "vmlinuz", initrd: String = "initramfs.cpio", disk: String? = nil
    ) {
        self.format = Self.currentFormat
        self.architecture = architecture.rawValue
        self.kernel = kernel
        self.initrd = initrd
        self.disk = disk
        self.kernelPackage = kernelPackage
        self.kernelVersion = kernelVersion
        self.packages = packages
        self.resolvedPackages = resolvedPackages
        self.scenario = scenario
        self.qemuBinary = architecture.qemuBinary
        self.qemuArgs = architecture.qemuArguments(kernel: kernel, initrd: initrd, disk: disk)
        self.console = architecture.console
    }

    /// The architecture as an enum, if it is one the kit knows.
    public var guestArchitecture: GuestArchitecture? { GuestArchitecture(rawValue: architecture) }

    /// Reads `guest.json` from a guest directory.
    public static func load(from dir: URL) throws -> GuestDescription {
        let url = dir.appendingPathComponent(fileName)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw GuestKitError.io("cannot read \(url.path): \(error.localizedDescription)")
        }
        let description: GuestDescription
        do {
            description = try JSONDecoder().decode(GuestDescription.self, from: data)
        } catch {
            throw GuestKitError.malformed(file: url.path, reason: "not a guest description: \(error)")
        }
        guard description.format == currentFormat else {
            throw GuestKitError.malformed(
                file: url.path, reason: "unsupported format \(description.format), expected \(currentFormat)")
        }
        return description
    }

    /// Writes `guest.json` into `dir` (pretty-printed, sorted keys: deterministic).
    public func write(to dir: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        try data.write(to: dir.appendingPathComponent(Self.fileName), options: .atomic)
    }
}
