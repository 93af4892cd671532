import OspreyCore

/// The other tools' kernel configurations `osprey profile export` can write from a profile.
/// What each key means and where its value comes from is in `docs/profile-exports.md`.
public enum ProfileExportFormat: String, CaseIterable, Sendable {
    /// A section of PANDA's `kernelinfo.conf` (a GLib key file read by its `osi_linux` plugin).
    case panda
    /// An entry of `libvmi.conf` for a Linux guest (read by LibVMI's Linux OS driver).
    case libvmi
}

/// One kernel configuration for another tool, written from an Osprey profile.
///
/// A profile learned without symbols holds offsets, not addresses or sizes. Keys of the other
/// tool that cannot be filled from it are written as comment lines that say why and what to add,
/// and are listed in ``warnings``. Keys the other tool reads at a different base than ours (a
/// member of an embedded struct, a field of `struct mount` counted from its embedded
/// `vfsmount`) are computed from our offsets to mean what that tool expects.
public struct ProfileExport: Sendable {
    /// The file content (a whole `kernelinfo.conf` or `libvmi.conf` holding one section/entry).
    public var text: String
    /// One line per key that could not be filled, or whose meaning the other tool assumes
    /// differently from this kernel; for the CLI to print on stderr.
    public var warnings: [String]
    /// The section (PANDA) or entry (LibVMI) name written.
    public var name: String

    /// - Parameter name: the section or entry name; by default one derived from the kernel
    ///   release (``defaultName(for:format:)``).
    public init(profile: KernelProfile, format: ProfileExportFormat, name: String? = nil) {
        let document: ExportDocument
        switch format {
        case .panda: document = PandaKernelInfo.document(for: profile, name: name)
        case .libvmi: document = LibVMIConfig.document(for: profile, name: name)
        }
        text = document.text
        warnings = document.warnings
        self.name = document.name
    }

    /// The name used when none is given.
    /// - PANDA: `distro:release:64` (`debian:6.1.0-56-amd64:64`), the group `osi_linux` looks
    ///   for by itself when PANDA runs with `-os linux-64-debian:6.1.0-56-amd64`.
    /// - LibVMI: `distro-release` (`debian-6.1.0-56-amd64`), with characters its lexer does not
    ///   take in a name replaced by `-`; LibVMI picks an entry by the VM's name, so users
    ///   usually rename it.
    public static func defaultName(for profile: KernelProfile, format: ProfileExportFormat) -> String {
        let facts = BannerFacts(profile.kernel)
        let release = facts.release ?? "unknown"
        switch format {
        case .panda: return PandaKernelInfo.groupName("\(facts.distribution):\(release):64")
        case .libvmi: return LibVMIConfig.entryName("\(facts.distribution)-\(release)")
        }
    }
}

// MARK: - What the writers share

/// A rendered export: the text, the warnings, the name used.
struct ExportDocument {
    var name: String
    var text: String
    var warnings: [String]
}

/// One line-to-be of an export, before it is put in a format's syntax.
enum ExportItem: Equatable {
    /// A comment line of free text.
    case comment(String)
    /// An empty line.
    case blank
    /// `key = value`, with an optional note (written as a comment just above) saying how the
    /// value was derived.
    case value(key: String, value: String, note: String?)
    /// A key that could not be filled: written as a comment giving the reason. `required`:
    /// the other tool cannot do without it. `warn`: listed in the warnings.
    case unfilled(key: String, reason: String, required: Bool, warn: Bool)
}

/// Collects items while looking fields up in a profile.
struct ExportBuilder {
    let profile: KernelProfile
    /// The keys the other tool cannot do without.
    let requiredKeys: Set<String>
    private(set) var items: [ExportItem] = []
    /// Warnings that are not about one unfilled key (a layout the other tool assumes, ...).
    private(set) var notices: [String] = []

    init(profile: KernelProfile, requiredKeys: Set<String>) {
        self.profile = profile
        self.requiredKeys = requiredKeys
    }

    func offset(_ field: String) -> Int? { profile.offsets[field] }

    mutating func comment(_ text: String) { items.append(.comment(text)) }
    mutating func blank() { items.append(.blank) }
    mutating func notice(_ text: String) { notices.append(text) }

    mutating func value(_ key: String, _ value: String, note: String? = nil) {
        items.append(.value(key: key, value: value, note: note))
    }

    mutating func unfilled(_ key: String, _ reason: String, warn: Bool = true) {
        items.append(.unfilled(key: key, reason: reason, required: requiredKeys.contains(key), warn: warn))
    }

    /// `key` = the offset of `field`, as the other tool reads it (same struct, same base).
    mutating func direct(_ key: String, _ field: String, format: (Int) -> String) {
        if let v = offset(field) {
            value(key, format(v))
        } else {
            unfilled(key, absence([field]))
        }
    }

    /// `key` = `compute` of the offsets of `fields`, with a note built from them.
    mutating func derived(
        _ key: String, from fields: [String], format: (Int) -> String,
        note: ([Int]) -> String, _ compute: ([Int]) -> Int
    ) {
        let values = fields.compactMap(offset)
        if values.count == fields.count {
            value(key, format(compute(values)), note: note(values))
        } else {
            unfilled(key, absence(fields))
        }
    }

    /// Why a key built from `fields` is not filled: which of them the profile lacks, with the
    /// profile's own reason when it gives one.
    func absence(_ fields: [String]) -> String {
        let lacking = fields.filter { offset($0) == nil }
        let parts = lacking.map { field -> String in
            if let reason = profile.missing.first(where: { $0.field == field })?.reason {
                return "\(field) (not found: \(reason))"
            }
            return field
        }
        return "the profile has no " + parts.joined(separator: ", ")
    }

    /// The warnings of a finished export: one per unfilled key marked `warn`, then the notices.
    /// `requiredSuffix` is appended to the keys the other tool cannot do without.
    func warnings(requiredSuffix: String) -> [String] {
        var out: [String] = []
        for case let .unfilled(key, reason, required, warn) in items where warn {
            out.append("\(key): \(reason)" + (required ? requiredSuffix : ""))
        }
        return out + notices
    }
}

/// Facts read from the kernel banner
/// (`Linux version RELEASE (BUILDER) (COMPILER) UTS_VERSION`).
struct BannerFacts {
    var banner: String?
    var release: String?
    /// The `uname -v` part: `#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-01-12)`.
    var utsVersion: String?
    /// `uname -m`.
    var machine: String
    /// A short lowercase distribution name for default section names, `linux` when unknown.
    var distribution: String

    init(_ kernel: KernelIdentity) {
        banner = kernel.banner
        release = kernel.release
        machine = kernel.architecture == .x86_64 ? "x86_64" : "aarch64"
        utsVersion = kernel.banner.flatMap(Self.utsVersion(ofBanner:))
        distribution = Self.distribution(ofBanner: kernel.banner ?? "")
    }

    /// The part after the release and the parenthesised builder and compiler groups (which
    /// may nest: `(gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld ...)`).
    static func utsVersion(ofBanner banner: String) -> String? {
        let prefix = "Linux version "
        guard banner.hasPrefix(prefix) else { return nil }
        var rest = Substring(banner.dropFirst(prefix.count))
        guard let space = rest.firstIndex(of: " ") else { return nil }
        rest = rest[space...].drop(while: { $0 == " " })
        while rest.first == "(" {
            var depth = 0
            var end: Substring.Index?
            for i in rest.indices {
                if rest[i] == "(" { depth += 1 }
                if rest[i] == ")" {
                    depth -= 1
                    if depth == 0 {
                        end = i
                        break
                    }
                }
            }
            guard let close = end else { return nil }
            rest = rest[rest.index(after: close)...].drop(while: { $0 == " " })
        }
        let version = rest.trimmingTrailingWhitespace()
        return version.isEmpty ? nil : version
    }

    static func distribution(ofBanner banner: String) -> String {
        let lower = banner.lowercased()
        let known: [(needle: String, name: String)] = [
            ("ubuntu", "ubuntu"), ("debian", "debian"), ("fedora", "fedora"), ("centos", "centos"),
            ("red hat", "redhat"), ("suse", "suse"), ("alpine", "alpine"),
        ]
        return known.first(where: { lower.contains($0.needle) })?.name ?? "linux"
    }

    /// (a, b, c) of the release, the way PANDA's generators take it: the first three
    /// dot-separated parts, keeping the leading digits of the third (`6.1.0-56-amd64` -> 6, 1, 0).
    var releaseTriple: (Int, Int, Int)? {
        guard let release else { return nil }
        let parts = release.split(separator: ".", maxSplits: 2)
        guard parts.count >= 2, let a = Int(parts[0]) else { return nil }
        guard let b = Int(parts[1].prefix(while: \.isNumber)) else { return nil }
        let c = parts.count > 2 ? Int(parts[2].prefix(while: \.isNumber)) ?? 0 : 0
        return (a, b, c)
    }
}

extension Substring {
    fileprivate func trimmingTrailingWhitespace() -> String {
        var s = self
        while let last = s.last, last == " " || last == "\n" || last == "\t" || last == "\r" { s = s.dropLast() }
        return String(s)
    }
}

/// Lowercase hex with `0x`, for offsets (non-negative).
func exportHex(_ value: Int) -> String {
    value < 0 ? "-0x" + String(-value, radix: 16) : "0x" + String(value, radix: 16)
}
