import Foundation

@testable import OspreyGuestKit

/// A fresh temporary directory, removed by the caller.
func makeTemporaryDirectory(_ label: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("osprey-guestkit-test-\(label)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs a host tool and returns its standard output; throws when it fails.
func runTool(_ arguments: [String], in directory: URL? = nil) throws -> String {
    try ProcessRunner.check(arguments, in: directory).stdoutText
}

/// Whether a host tool is on PATH.
func hostHasTool(_ name: String) -> Bool {
    (try? ProcessRunner.run(["sh", "-c", "command -v \"$1\"", "sh", name]).status) == 0
}

var hostIsX86_64: Bool {
    #if arch(x86_64)
        true
    #else
        false
    #endif
}
