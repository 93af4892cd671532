import Foundation
import OspreyCore

/// The few `qemu-img` operations a recording needs.
public enum QemuImage {
    /// The format of `image` (`qemu-img info --output=json`) and its size and modification time.
    /// `declared` is the format the command line gave, if any (then trusted, not probed).
    public static func facts(of image: URL, declared: String?) throws -> RecordingPlan.ImageFacts {
        guard let (size, modified) = fingerprint(of: image.path) else {
            throw OspreyError("cannot read the disk image \(image.path)")
        }
        var format = declared
        if format == nil {
            let (status, output, error) = try run(["info", "--output=json", image.path])
            guard status == 0, let info = try? JSONValue.parse(output), let probed = info["format"]?.stringValue else {
                throw OspreyError("qemu-img cannot read \(image.path): \(error.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            format = probed
        }
        return RecordingPlan.ImageFacts(format: format ?? "raw", size: size, modified: modified)
    }

    /// A file's size and modification time (seconds since 1970), or nil if it cannot be read.
    public static func fingerprint(of path: String) -> (size: UInt64, modified: Double)? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              FileManager.default.isReadableFile(atPath: path) else { return nil }
        let size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return (size, modified)
    }

    /// Creates a qcow2 overlay at `overlay` whose backing file is `backing` (opened read-only).
    public static func createOverlay(at overlay: URL, backing: URL, backingFormat: String) throws {
        let (status, _, error) = try run(["create", "-q", "-f", "qcow2", "-F", backingFormat, "-b", backing.path, overlay.path])
        guard status == 0 else {
            throw OspreyError("qemu-img could not create an overlay over \(backing.path): \(error.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// Runs qemu-img with `arguments`: status, standard output, standard error.
    static func run(_ arguments: [String]) throws -> (Int32, String, String) {
        let tool = try GuestRunner.resolve("qemu-img")
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try SignalMask.runUnblocked(process)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
