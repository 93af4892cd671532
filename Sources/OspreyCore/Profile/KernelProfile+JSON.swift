/// Reading and writing profiles as JSON (the layout is in `docs/profile-format.md`).
extension KernelProfile {
    /// The profile as a JSON document. Keys are sorted so that equal profiles give equal text.
    public func jsonText() -> String {
        var members: [(String, JSONValue)] = [
            ("format", .string(Self.formatName)),
            ("version", .int(Self.version)),
            ("kernel", .object([
                ("banner", kernel.banner.map(JSONValue.string) ?? .null),
                ("release", kernel.release.map(JSONValue.string) ?? .null),
                ("architecture", .string(kernel.architecture.rawValue)),
            ])),
            ("complete", .bool(isComplete)),
        ]
        switch currentTask {
        case .perCPU(let register, let offset)?:
            members.append(("current_task", .object([
                ("location", .string("per_cpu")), ("base_register", .string(register)), ("offset", .int(offset)),
            ])))
        case .register(let register)?:
            members.append(("current_task", .object([("location", .string("register")), ("register", .string(register))])))
        case nil:
            members.append(("current_task", .null))
        }
        members.append(("vma_container", vmaContainer.map { .string($0.rawValue) } ?? .null))
        members.append(("offsets", .object(offsets.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })))
        members.append(("missing", .array(missing.map {
            .object([("field", .string($0.field)), ("reason", .string($0.reason))])
        })))
        members.append(("evidence", .object(evidence.sorted { $0.key < $1.key }.map {
            ($0.key, .object([("test", .string($0.value.test)), ("stops", .int($0.value.stops)), ("decision", .string($0.value.decision))]))
        })))
        return JSONValue.object(members).serialized() + "\n"
    }

    /// The largest profile file Osprey reads (a real one is about 10 KB): checked by every
    /// reader before it reads, so a huge or endless file costs nothing.
    public static let maximumFileSize = 1 << 20
    /// The largest offset a profile may give: far beyond any kernel struct, and small enough
    /// that offset arithmetic can never overflow.
    public static let maximumOffset = 1 << 20
    /// Limits on the lists and strings a profile may hold.
    static let maximumEntries = 10_000, maximumText = 4096

    /// Parses a profile written by ``jsonText()``. A profile is untrusted input (users pass
    /// them around): every field is checked (names, ranges, lengths, the current task's
    /// location for the architecture), and the first problem is the error, naming the field.
    public init(jsonText: String) throws(ProfileError) {
        let root: JSONValue
        do { root = try JSONValue.parse(jsonText) } catch { throw ProfileError.invalid("\(error)") }
        guard case .object = root else { throw ProfileError.invalid("not a JSON object") }
        guard root["format"]?.stringValue == Self.formatName else {
            throw ProfileError.invalid("not an Osprey profile (\"format\" is not \"\(Self.formatName)\")")
        }
        guard let version = root["version"]?.intValue, (1...Self.version).contains(version) else {
            throw ProfileError.invalid("profile version \(root["version"]?.intValue.map(String.init) ?? "?") is not one this Osprey understands (1 to \(Self.version))")
        }
        guard let archName = root["kernel"]?["architecture"]?.stringValue, let arch = Architecture(rawValue: archName) else {
            throw ProfileError.invalid("kernel.architecture is missing or unknown")
        }
        let banner = root["kernel"]?["banner"]?.stringValue
        if let banner, banner.utf8.count > Self.maximumText { throw ProfileError.invalid("kernel.banner is longer than \(Self.maximumText) bytes") }
        var profile = KernelProfile(kernel: KernelIdentity(banner: banner, architecture: arch))
        let offsets = root["offsets"]?.objectValue ?? []
        guard offsets.count <= Self.maximumEntries else { throw ProfileError.invalid("more than \(Self.maximumEntries) offsets") }
        for (key, value) in offsets {
            guard Self.isFieldName(key) else { throw ProfileError.invalid("offsets: \(TextEscaping.token(key)) is not a struct.member name") }
            guard let offset = value.intValue, (0...Self.maximumOffset).contains(offset) else {
                throw ProfileError.invalid("offset of \(key) is not an integer from 0 to \(Self.maximumOffset)")
            }
            profile.offsets[key] = offset
        }
        if let current = root["current_task"], current != .null {
            profile.currentTask = try Self.currentTask(current, architecture: arch)
        }
        if let container = root["vma_container"], container != .null {
            guard let name = container.stringValue, let value = VMAContainer(rawValue: name) else {
                throw ProfileError.invalid("vma_container must be \"maple_tree\" or \"list\"")
            }
            profile.vmaContainer = value
        }
        let missing = root["missing"]?.arrayValue ?? []
        guard missing.count <= Self.maximumEntries else { throw ProfileError.invalid("more than \(Self.maximumEntries) missing fields") }
        for item in missing {
            guard let field = item["field"]?.stringValue, Self.isFieldName(field) else {
                throw ProfileError.invalid("missing: an entry without a struct.member field name")
            }
            let reason = item["reason"]?.stringValue ?? ""
            guard reason.utf8.count <= Self.maximumText else { throw ProfileError.invalid("missing: the reason for \(field) is too long") }
            profile.missing.append(MissingField(field: field, reason: reason))
        }
        let evidence = root["evidence"]?.objectValue ?? []
        guard evidence.count <= Self.maximumEntries else { throw ProfileError.invalid("more than \(Self.maximumEntries) evidence entries") }
        for (key, value) in evidence {
            guard Self.isFieldName(key) else { throw ProfileError.invalid("evidence: \(TextEscaping.token(key)) is not a struct.member name") }
            let test = value["test"]?.stringValue ?? "", decision = value["decision"]?.stringValue ?? ""
            guard test.utf8.count <= Self.maximumText, decision.utf8.count <= Self.maximumText else {
                throw ProfileError.invalid("evidence of \(key) is too long")
            }
            profile.evidence[key] = FieldEvidence(test: test, stops: max(0, value["stops"]?.intValue ?? 0), decision: decision)
        }
        self = profile
    }

    /// Where the current task is, as the architecture allows it: a per-CPU slot from GS base
    /// on x86-64, SP_EL0 on AArch64.
    static func currentTask(_ json: JSONValue, architecture: Architecture) throws(ProfileError) -> CurrentTaskLocation {
        switch (json["location"]?.stringValue, architecture) {
        case ("per_cpu", .x86_64):
            guard json["base_register"]?.stringValue == "gs_base", let offset = json["offset"]?.intValue,
                  (0...Int(UInt32.max)).contains(offset)
            else { throw ProfileError.invalid("current_task: per_cpu needs base_register \"gs_base\" and an offset from 0 to 2^32-1") }
            return .perCPU(baseRegister: "gs_base", offset: offset)
        case ("register", .aarch64):
            guard json["register"]?.stringValue == "sp_el0" else { throw ProfileError.invalid("current_task: the register on aarch64 is \"sp_el0\"") }
            return .register("sp_el0")
        case ("per_cpu", .aarch64), ("register", .x86_64):
            throw ProfileError.invalid("current_task: location \(json["location"]?.stringValue ?? "") does not exist on \(architecture.rawValue)")
        default:
            throw ProfileError.invalid("current_task.location must be per_cpu or register")
        }
    }

    /// `task_struct.pid`, `sock_common.skc_daddr`, `current_task`: identifiers joined by dots,
    /// at most 128 bytes.
    static func isFieldName(_ name: String) -> Bool {
        let parts = name.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return name.utf8.count <= 128 && parts.allSatisfy { part in
            !part.isEmpty && part.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x5F }
        }
    }
}

/// A profile that cannot be used.
public enum ProfileError: Error, CustomStringConvertible, Sendable, Equatable {
    case invalid(String)
    /// The profile was made on another kernel than the one running.
    case otherKernel(profile: String, running: String)

    public var description: String {
        switch self {
        case .invalid(let why): "invalid profile: \(why)"
        case .otherKernel(let profile, let running):
            "the profile is for \(profile) but the guest runs \(running): make a profile for this kernel with `osprey profile`"
        }
    }
}
