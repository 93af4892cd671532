import Foundation
@testable import OspreyTools

/// Scratch directories and files for the machine and recording tests.
enum MachineTestSupport {
    /// A new empty directory (its links resolved).
    static func directory(_ label: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try ContainedPath.root(dir)
    }

    /// Writes `text` to `path` inside `dir`, creating folders.
    @discardableResult
    static func file(_ path: String, in dir: URL, _ text: String = "x") throws -> URL {
        let url = dir.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url
    }

    /// Runs `qemu-img` on the test's own files (never on a file under test as hostile input).
    static func qemuImg(_ arguments: [String]) throws {
        let (status, _, error) = try QemuImage.run(arguments)
        guard status == 0 else { throw OspreyError("qemu-img \(arguments.joined(separator: " ")): \(error)") }
    }

    /// A small qcow2 image at `path` inside `dir`, made by qemu-img with `options`.
    @discardableResult
    static func qcow2(_ path: String, in dir: URL, options: [String] = []) throws -> URL {
        let url = dir.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try qemuImg(["create", "-q", "-f", "qcow2"] + options + [url.path, "1M"])
        return url
    }
}
