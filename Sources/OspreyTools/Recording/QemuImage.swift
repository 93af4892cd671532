import Foundation
import OspreyCore

/// The `qemu-img` operation a recording needs, run only on the user's own images at record
/// time (never on a file of a recording someone handed over: those are checked by
/// reading their header, ``QcowHeader``).
public enum QemuImage {
    /// Writes `image` (of `format`, or probed as QEMU would when nil) as one self-contained
    /// file `output` of `outputFormat` (`qcow2` or `raw`): a backing chain is folded in.
    public static func convert(_ image: URL, format: String?, to output: URL, as outputFormat: String) throws {
        let input = image.standardizedFileURL.path  // absolute: never read as a protocol (nbd:, json:)
        let arguments = ["convert", "-q"] + (format.map { ["-f", $0] } ?? []) + ["-O", outputFormat, input, output.path]
        let (status, _, error) = try run(arguments)
        guard status == 0 else {
            throw OspreyError("qemu-img could not copy \(input) into the recording: \(error.trimmingCharacters(in: .whitespacesAndNewlines))")
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
