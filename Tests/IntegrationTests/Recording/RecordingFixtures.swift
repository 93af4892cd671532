import Foundation
import OspreyCore
import OspreyTools
import Testing

/// Records and replays real guests for the record/replay tests.
enum RecordingFixtures {
    /// Records `guest` (a guest directory) into a new scratch recording.
    static func record(guest: URL, name: String, extraArguments: [String] = []) throws -> (recording: URL, result: Recorder.Result) {
        let directory = try Fixtures.scratch(name).appendingPathComponent("recording")
        var invocation = try QemuInvocation.guest(at: guest)
        invocation.arguments += extraArguments
        var recorder = Recorder(invocation: invocation, directory: directory)
        recorder.plugin = try Fixtures.plugin()
        recorder.consoleFile = directory.deletingLastPathComponent().appendingPathComponent("record-console.txt")
        recorder.timeoutSeconds = 300
        let result = try recorder.record()
        print("[\(name)] recorded in \(String(format: "%.1f", result.wallSeconds)) s: \(result.manifest.facts.instructions ?? 0) instructions, \(result.outcome)")
        return (directory, result)
    }

    /// Replays `recording` with the plugin in `mode`; returns the result, the output file and
    /// the replay's console.
    static func replay(
        _ recording: URL, name: String, mode: String = "trace", profile: URL? = nil, stallSeconds: Double = 60,
        pluginOptions: [(String, String)] = []
    ) throws -> (result: Replayer.Result, output: URL, console: String) {
        let out = try Fixtures.scratch(name)
        let output = out.appendingPathComponent(mode == "trace" ? "trace.jsonl" : "profile.json")
        var replayer = try Replayer(directory: recording, output: output)
        replayer.session.mode = mode
        replayer.session.profile = profile
        replayer.session.pluginOptions = pluginOptions
        replayer.session.plugin = try Fixtures.plugin()
        replayer.session.consoleFile = out.appendingPathComponent("console.txt")
        replayer.stallSeconds = stallSeconds
        let result = try replayer.replay()
        let console = (try? String(contentsOf: out.appendingPathComponent("console.txt"), encoding: .utf8)) ?? ""
        print("[\(name)] replayed in \(String(format: "%.1f", result.wallSeconds)) s: \(result.instructions ?? 0) instructions, \(result.outcome), problem \(result.problem ?? "none")")
        return (result, output, console)
    }
}
