import OspreyCore

/// What is known about a recorded run, kept in its manifest for the user and for judging
/// replays. Informational: nothing here is run or passed to QEMU.
public struct RecordingFacts: Sendable, Equatable {
    /// `qemu-system-* --version`'s first line at recording time: a replay log is only
    /// readable by the QEMU that wrote it.
    public var qemuVersion = ""
    /// Seconds the recording took (wall clock).
    public var durationSeconds: Double?
    /// Instructions the recorded run executed (Osprey's block count), when known.
    public var instructions: UInt64?
    /// How the recorded run ended (a sentence); a replay must end the same way.
    public var outcome: String?
    /// The kernel's banner, once a profile replay saw it.
    public var kernelBanner: String?
    /// When the recording was made (ISO 8601).
    public var recordedAt: String?
    /// The QEMU command that recorded, for the record (never run again).
    public var recordCommand: String?

    /// No facts known.
    public init() {}

    /// The longest text a fact may hold (the record command may be longer).
    static let maximumText = 4096

    var json: JSONValue {
        var members: [(String, JSONValue)] = [("qemu_version", .string(qemuVersion))]
        if let durationSeconds { members.append(("duration_seconds", .double(durationSeconds))) }
        if let instructions { members.append(("instructions", .int(Int(clamping: instructions)))) }
        for (key, value) in [("outcome", outcome), ("kernel_banner", kernelBanner), ("recorded_at", recordedAt), ("record_command", recordCommand)] {
            if let value { members.append((key, .string(value))) }
        }
        return .object(members)
    }

    init(json value: JSONValue, at field: String) throws(MachineProblem) {
        var object = try JSONFields(value, at: field)
        qemuVersion = try object.string("qemu_version", maxBytes: 256) ?? ""
        durationSeconds = try object.number("duration_seconds", in: 0...1e9)
        instructions = try object.int("instructions", in: 0...Int.max).map(UInt64.init)
        outcome = try object.string("outcome", maxBytes: Self.maximumText)
        kernelBanner = try object.string("kernel_banner", maxBytes: Self.maximumText)
        recordedAt = try object.string("recorded_at", maxBytes: 64)
        recordCommand = try object.string("record_command", maxBytes: 65536)
        try object.finish()
    }
}
