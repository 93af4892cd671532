import Foundation
import OspreyCore

/// `manifest.json` of a recording directory (`osprey record`): what a replay needs to start
/// the same machine from the same state, and what is known about the recorded run.
public struct RecordingManifest: Codable, Sendable, Equatable {
    public static let formatName = "osprey-recording/1"
    public static let fileName = "manifest.json"
    /// The replay log QEMU writes and reads (`rrfile=`), inside the recording directory.
    public static let logName = "replay.bin"

    public var format = Self.formatName
    public var architecture: String
    public var qemuBinary: String
    /// `qemu-system-* --version`'s first line at recording time: a replay log is only
    /// readable by the QEMU that wrote it.
    public var qemuVersion: String
    /// The machine's arguments, with paths relative to the recording directory and drives in
    /// their replay form; no `-icount`, no `-plugin`.
    public var arguments: [String]
    /// `-icount` settings shared by record and replay (`rr=` and `rrfile=` are added).
    public var icount: String
    /// True for guests made by `osprey guest build` (their console shows the scenario's end).
    public var ownsConsole: Bool
    /// The exact QEMU command that recorded, for the record.
    public var recordCommand: String
    /// Disk images the recording reads through overlays, with what they were like.
    public var drives: [Drive] = []
    /// Seconds the recording took (wall clock).
    public var durationSeconds: Double?
    /// Instructions the recorded run executed (Osprey's block count), when known.
    public var instructions: UInt64?
    /// How the recorded run ended (a sentence).
    public var outcome: String?
    /// The kernel's banner, once a replay with a profile or `osprey profile --replay` saw it.
    public var kernelBanner: String?
    /// When the recording was made (ISO 8601).
    public var recordedAt: String?

    /// A user's disk image behind an overlay of the recording.
    public struct Drive: Codable, Sendable, Equatable {
        /// The drive's id on the command line.
        public var id: String
        /// The user's image (absolute path): read only, as the overlay's backing file.
        public var image: String
        public var format: String
        /// The overlay, relative to the recording directory.
        public var overlay: String
        /// The image's size and modification time at recording: a changed image would make
        /// the replay diverge, so a replay refuses it.
        public var size: UInt64
        public var modified: Double

        public init(id: String, image: String, format: String, overlay: String, size: UInt64, modified: Double) {
            self.id = id
            self.image = image
            self.format = format
            self.overlay = overlay
            self.size = size
            self.modified = modified
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, architecture, arguments, icount, drives, instructions, outcome
        case qemuBinary = "qemu_binary", qemuVersion = "qemu_version", ownsConsole = "owns_console"
        case recordCommand = "record_command", durationSeconds = "duration_seconds"
        case kernelBanner = "kernel_banner", recordedAt = "recorded_at"
    }

    public init(
        architecture: Architecture, qemuBinary: String, qemuVersion: String, arguments: [String], icount: String,
        ownsConsole: Bool, recordCommand: String
    ) {
        self.architecture = architecture.rawValue
        self.qemuBinary = qemuBinary
        self.qemuVersion = qemuVersion
        self.arguments = arguments
        self.icount = icount
        self.ownsConsole = ownsConsole
        self.recordCommand = recordCommand
    }

    /// Reads `manifest.json` of `directory`, with errors that say what is wrong.
    public static func load(from directory: URL) throws -> RecordingManifest {
        let file = directory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw OspreyError("\(directory.path) is not a recording: no \(fileName) (make one with `osprey record`)")
        }
        let manifest: RecordingManifest
        do {
            manifest = try JSONDecoder().decode(RecordingManifest.self, from: data)
        } catch {
            throw OspreyError("\(file.path) is not a readable recording manifest: \(error)")
        }
        guard manifest.format == formatName else {
            throw OspreyError("\(file.path) has format \(manifest.format); this Osprey reads \(formatName)")
        }
        guard Architecture(rawValue: manifest.architecture) != nil else {
            throw OspreyError("\(file.path): unsupported architecture \(manifest.architecture)")
        }
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(logName).path) else {
            throw OspreyError("\(directory.path) has no \(logName): the recording is incomplete")
        }
        return manifest
    }

    /// Writes `manifest.json` into `directory` (atomically).
    public func save(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        try data.write(to: directory.appendingPathComponent(Self.fileName), options: .atomic)
    }
}
