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

    /// Parses a profile written by ``jsonText()``.
    public init(jsonText: String) throws(ProfileError) {
        let root: JSONValue
        do { root = try JSONValue.parse(jsonText) } catch { throw ProfileError.invalid("\(error)") }
        guard root["format"]?.stringValue == Self.formatName else {
            throw ProfileError.invalid("not an Osprey profile (\"format\" is not \"\(Self.formatName)\")")
        }
        guard let version = root["version"]?.intValue, version <= Self.version else {
            throw ProfileError.invalid("profile version \(root["version"]?.intValue.map(String.init) ?? "?") is newer than this Osprey understands (\(Self.version))")
        }
        guard let archName = root["kernel"]?["architecture"]?.stringValue, let arch = Architecture(rawValue: archName) else {
            throw ProfileError.invalid("kernel.architecture is missing or unknown")
        }
        var profile = KernelProfile(kernel: KernelIdentity(banner: root["kernel"]?["banner"]?.stringValue, architecture: arch))
        for (key, value) in root["offsets"]?.objectValue ?? [] {
            guard let offset = value.intValue, offset >= 0 else { throw ProfileError.invalid("offset of \(key) is not a non-negative integer") }
            profile.offsets[key] = offset
        }
        if let current = root["current_task"], current != .null {
            switch current["location"]?.stringValue {
            case "per_cpu":
                guard let register = current["base_register"]?.stringValue, let offset = current["offset"]?.intValue else {
                    throw ProfileError.invalid("current_task: per_cpu needs base_register and offset")
                }
                profile.currentTask = .perCPU(baseRegister: register, offset: offset)
            case "register":
                guard let register = current["register"]?.stringValue else { throw ProfileError.invalid("current_task: register needs a name") }
                profile.currentTask = .register(register)
            default:
                throw ProfileError.invalid("current_task.location must be per_cpu or register")
            }
        }
        if let container = root["vma_container"]?.stringValue {
            guard let value = VMAContainer(rawValue: container) else { throw ProfileError.invalid("unknown vma_container \(container)") }
            profile.vmaContainer = value
        }
        for item in root["missing"]?.arrayValue ?? [] {
            if let field = item["field"]?.stringValue {
                profile.missing.append(MissingField(field: field, reason: item["reason"]?.stringValue ?? ""))
            }
        }
        for (key, value) in root["evidence"]?.objectValue ?? [] {
            profile.evidence[key] = FieldEvidence(
                test: value["test"]?.stringValue ?? "", stops: value["stops"]?.intValue ?? 0,
                decision: value["decision"]?.stringValue ?? "")
        }
        self = profile
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
