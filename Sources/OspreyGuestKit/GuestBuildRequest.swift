/// What to build: a kernel (a Debian package name or a vmlinuz file), a scenario, extra
/// Debian packages, the output directory, and whether the guest's files go on a disk.
public struct GuestBuildRequest: Sendable, Equatable {
    /// A Debian kernel package, e.g. `linux-image-6.1.0-56-amd64`.
    public var kernelPackage: String?
    /// A user's own kernel image (vmlinuz / bzImage / arm64 Image).
    public var kernelFile: String?
    /// `x86_64` or `aarch64` (also `amd64`/`arm64`); needed only when it cannot be detected.
    public var architecture: String?
    /// A shell script to run as `/scenario.sh`; `nil` runs ``DefaultScenario`` (and adds its
    /// ``DefaultScenario/packages``).
    public var scenarioFile: String?
    /// Debian packages whose programs (or shared objects) and libraries go into the guest.
    public var packages: [String]
    /// The guest directory to write.
    public var outDir: String
    /// Put the guest's files on an ext4 root file system in `disk.qcow2` instead of the
    /// initramfs, which then only loads the modules that reach the disk and mounts it.
    public var disk: Bool
    /// The disk's size in MB (MiB); nil picks one with about 32 MB free, at least 64 MB.
    /// Only with ``disk``.
    public var diskSizeMB: Int?

    public init(
        kernelPackage: String? = nil, kernelFile: String? = nil, architecture: String? = nil,
        scenarioFile: String? = nil, packages: [String] = [], outDir: String, disk: Bool = false,
        diskSizeMB: Int? = nil
    ) {
        self.kernelPackage = kernelPackage
        self.kernelFile = kernelFile
        self.architecture = architecture
        self.scenarioFile = scenarioFile
        self.packages = packages
        self.outDir = outDir
        self.disk = disk
        self.diskSizeMB = diskSizeMB
    }
}
