import Foundation

/// Runs external tools (apt-get, apt-cache, dpkg-deb, tar) and collects their output.
enum ProcessRunner {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// Runs `arguments[0]` (looked up in PATH) with the rest as arguments, in `directory`.
    /// Output goes to temporary files, so large output cannot dead-lock the pipes.
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        guard let tool = arguments.first else { throw GuestKitError.io("empty command") }
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("osprey-run-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        environment["LANG"] = "C"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        do {
            try process.run()
        } catch {
            throw GuestKitError.io("cannot run \(tool): \(error.localizedDescription)")
        }
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        return Result(
            status: process.terminationStatus,
            stdout: (try? Data(contentsOf: outURL)) ?? Data(),
            stderr: (try? Data(contentsOf: errURL)) ?? Data())
    }

    /// Like ``run(_:in:)`` but throws ``GuestKitError/toolFailed`` on a non-zero exit.
    @discardableResult
    static func check(_ arguments: [String], in directory: URL? = nil, display: String? = nil) throws -> Result {
        let result = try run(arguments, in: directory)
        guard result.status == 0 else {
            throw GuestKitError.toolFailed(
                command: display ?? arguments.prefix(2).joined(separator: " "),
                status: result.status, output: result.stderrText + result.stdoutText)
        }
        return result
    }

    /// Runs `shellCommand` with `/bin/sh -c`, arguments passed positionally as `$1`, `$2`...
    /// (never interpolated into the command text).
    @discardableResult
    static func shell(_ shellCommand: String, _ arguments: [String], display: String) throws -> Result {
        try check(["sh", "-c", shellCommand, "osprey-sh"] + arguments, display: display)
    }
}
