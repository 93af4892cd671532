import OspreyCore

/// The JSON parser the plugin uses, and what it parses inside QEMU: profiles (and, as a
/// property, a profile that parses writes itself out as text that parses to the same profile)
/// and capture lines.
public enum JSONHarness {
    public static func run(_ data: [UInt8]) {
        if let value = try? JSONValue.parse(bytes: data) {
            // What the writer makes of a parsed document must parse again.
            precondition((try? JSONValue.parse(value.compact())) != nil, "compact() of a parsed document does not parse")
        }
        let text = String(decoding: data, as: UTF8.self)
        if let profile = try? KernelProfile(jsonText: text) {
            let again = try? KernelProfile(jsonText: profile.jsonText())
            precondition(again?.offsets == profile.offsets && again?.currentTask == profile.currentTask,
                         "a profile does not survive its own writer")
            _ = LinuxLayout(profile: profile)
        }
        _ = try? CapturedStop(jsonLine: text)
        _ = try? CapturedStop.architecture(ofHeader: text)
    }
}
