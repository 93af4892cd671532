/// An introspection profile: where one kernel build keeps the fields Osprey reads, learned
/// from the running guest (never from symbols). Written as JSON (`docs/profile-format.md`).
///
/// Offsets are keyed `"struct.member"` with the kernel's own names, counted in bytes from the
/// start of the named struct, also when the member sits inside an anonymous struct or union.
public struct KernelProfile: Equatable, Sendable {
    /// The value of the `"format"` key.
    public static let formatName = "osprey-profile"
    /// The version of the JSON layout.
    public static let version = 1

    /// What the profile describes.
    public var kernel: KernelIdentity
    /// `"struct.member"` -> byte offset.
    public var offsets: [String: Int]
    /// Where the current task pointer is kept, if found.
    public var currentTask: CurrentTaskLocation?
    /// How `mm_struct` holds its memory regions, if found.
    public var vmaContainer: VMAContainer?
    /// Fields that were not found, with the reason (which stop never came, or what failed).
    public var missing: [MissingField]
    /// How each found field was decided (for the reader; not needed to use the profile).
    public var evidence: [String: FieldEvidence]

    public init(
        kernel: KernelIdentity, offsets: [String: Int] = [:], currentTask: CurrentTaskLocation? = nil,
        vmaContainer: VMAContainer? = nil, missing: [MissingField] = [], evidence: [String: FieldEvidence] = [:]
    ) {
        self.kernel = kernel
        self.offsets = offsets
        self.currentTask = currentTask
        self.vmaContainer = vmaContainer
        self.missing = missing
        self.evidence = evidence
    }

    /// True when no field is missing.
    public var isComplete: Bool { missing.isEmpty }

    /// The offset of `struct.member`, if known.
    public subscript(key: String) -> Int? { offsets[key] }
}

/// The kernel a profile belongs to.
public struct KernelIdentity: Equatable, Sendable {
    /// The `Linux version ...` banner as found in guest memory (without the newline), or nil.
    public var banner: String?
    public var architecture: Architecture

    public init(banner: String?, architecture: Architecture) {
        self.banner = banner
        self.architecture = architecture
    }

    /// The release from the banner (`6.1.0-56-amd64`), if the banner is known and the release
    /// looks like one (letters, digits, `.`, `-`, `_`, `+`, `~`, at most 64 of them): it is put
    /// into exported configuration files, so nothing else from a banner may pass.
    public var release: String? {
        guard let banner else { return nil }
        let prefix = "Linux version "
        guard banner.hasPrefix(prefix),
              let release = banner.dropFirst(prefix.count).split(separator: " ", maxSplits: 1).first,
              release.utf8.count <= 64,
              release.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || "._-+~".utf8.contains($0) })
        else { return nil }
        return String(release)
    }

    /// (major, minor) from the release, e.g. (6, 1).
    public var version: (major: Int, minor: Int)? {
        guard let release else { return nil }
        let parts = release.split(whereSeparator: { $0 == "." || $0 == "-" })
        guard parts.count >= 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        return (major, minor)
    }
}

/// Where the kernel keeps the pointer to the task running on a CPU.
public enum CurrentTaskLocation: Equatable, Sendable {
    /// A per-CPU variable: the pointer is at (per-CPU base register) + offset. x86-64 keeps
    /// the per-CPU base in GS base while in the kernel.
    case perCPU(baseRegister: String, offset: Int)
    /// A register that holds the pointer itself while in the kernel (AArch64: SP_EL0 in EL1).
    case register(String)
}

/// How `mm_struct` holds its VMAs.
public enum VMAContainer: String, Equatable, Sendable {
    /// `mm_struct.mm_mt`, a maple tree (Linux 6.1 and later).
    case mapleTree = "maple_tree"
    /// `mm_struct.mmap`, a list linked by `vm_area_struct.vm_next` (before 6.1).
    case list
}

/// A field the profile lacks, and why.
public struct MissingField: Equatable, Sendable {
    public var field: String
    public var reason: String
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }
}

/// How a field's offset was decided.
public struct FieldEvidence: Equatable, Sendable {
    /// The test of the graph that decided it.
    public var test: String
    /// Stops at which the test ran for this field.
    public var stops: Int
    /// `"only candidate left"`, `"votes N of M"`, `"lowest of equal candidates"`, `"given"`.
    public var decision: String
    public init(test: String, stops: Int, decision: String) {
        self.test = test
        self.stops = stops
        self.decision = decision
    }
}
