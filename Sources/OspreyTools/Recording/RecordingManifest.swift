import Foundation
import OspreyCore

/// `manifest.json` of a recording directory (`osprey record`), format `osprey-recording/2`:
/// the machine as a ``MachineDescription`` (its files inside the recording), the `-icount`
/// rate, whether Osprey owns the console, and facts about the recorded run. It holds no QEMU
/// binary and no command line: a replay builds the command from the description
/// (``MachineCommand``), so a recording someone hands over is data, never a command.
///
/// ``load(from:)`` reads it as hostile input: at most ``JSONDocument/sizeLimit`` bytes, checked
/// before reading; parsed by the core's JSON parser; every field typed and checked, unknown
/// fields refused; every file it names resolved by the one path rule, every drive's header
/// checked. Errors are one line naming the file and the field.
public struct RecordingManifest: Sendable, Equatable {
    /// The value of `format` this version reads and writes.
    public static let formatName = "osprey-recording/2"
    /// The manifest's name inside a recording directory.
    public static let fileName = "manifest.json"
    /// The replay log QEMU writes and reads (`rrfile=`), inside the recording directory.
    public static let logName = "replay.bin"

    /// The recorded machine; its files are relative to the recording directory.
    public var machine: MachineDescription
    /// `-icount shift=N` of record and replay: each instruction advances the guest clock by
    /// 2^N ns.
    public var icountShift: Int
    /// True for guests made by `osprey guest build` (their console shows the scenario's end).
    public var ownsConsole: Bool
    /// What is known about the recorded run.
    public var facts = RecordingFacts()

    /// A manifest without facts yet.
    public init(machine: MachineDescription, icountShift: Int, ownsConsole: Bool) {
        self.machine = machine
        self.icountShift = icountShift
        self.ownsConsole = ownsConsole
    }

    /// `-icount`'s value for recording (`record`) or replaying (`replay`) with the log `log`.
    public func icountOption(_ mode: String, log: String = logName) -> String {
        "shift=\(icountShift),rr=\(mode),rrfile=\(log)"
    }

    /// Reads and checks `manifest.json` of `directory`, and that its log and files are there.
    public static func load(from directory: URL) throws -> RecordingManifest {
        let file = directory.appendingPathComponent(fileName).path
        var info = stat()
        guard lstat(file, &info) == 0 else {
            throw OspreyError("\(directory.path) is not a recording: no \(fileName) (make one with `osprey record`)")
        }
        do throws(MachineProblem) {
            let root = try ContainedPath.root(directory)
            var manifest = try RecordingManifest(json: try JSONDocument.read(fileName, in: root))
            do throws(MachineProblem) {
                manifest.machine = try manifest.machine.contained(in: root)
            } catch {
                throw error.inside("machine")
            }
            do throws(MachineProblem) {
                _ = try ContainedPath.resolve(logName, in: root)
            } catch {
                throw MachineProblem(field: "", reason: "the recording's log \(logName) is not usable: \(error.reason)")
            }
            return manifest
        } catch {
            throw OspreyError(error.message(about: file))
        }
    }

    /// Writes `manifest.json` into `directory` (atomically).
    public func save(to directory: URL) throws {
        try Data((json.serialized() + "\n").utf8).write(to: directory.appendingPathComponent(Self.fileName), options: .atomic)
    }

    var json: JSONValue {
        .object([
            ("format", .string(Self.formatName)), ("machine", machine.json), ("icount_shift", .int(icountShift)),
            ("owns_console", .bool(ownsConsole)), ("facts", facts.json),
        ])
    }

    /// The manifest `document` holds: fields typed and checked (files not yet resolved).
    init(json document: JSONValue) throws(MachineProblem) {
        var object = try JSONFields(document, at: "")
        let format = try object.requiredString("format", maxBytes: 64)
        guard format == Self.formatName else {
            throw MachineProblem(field: "format", reason: format == "osprey-recording/1"
                ? "this recording was made by an older Osprey (osprey-recording/1), whose manifest holds a QEMU binary and command line that were run as they stood; this Osprey replays only recordings that describe their machine (\(Self.formatName)): record the machine again with `osprey record`"
                : "\(TextEscaping.token(format)) is not \(Self.formatName)")
        }
        guard let machineValue = object.value("machine") else { throw MachineProblem(field: "machine", reason: "is missing") }
        let machine = try MachineDescription(json: machineValue, at: "machine")
        if let problem = machine.problems().first { throw problem.inside("machine") }
        guard let shift = try object.int("icount_shift", in: 0...10) else { throw MachineProblem(field: "icount_shift", reason: "is missing") }
        guard let ownsConsole = try object.bool("owns_console") else { throw MachineProblem(field: "owns_console", reason: "is missing") }
        self.init(machine: machine, icountShift: shift, ownsConsole: ownsConsole)
        if let facts = object.value("facts") { self.facts = try RecordingFacts(json: facts, at: "facts") }
        try object.finish()
    }
}
