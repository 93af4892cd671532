import Foundation

extension BTFOracle {
    /// Runs the command-line tools the oracle relies on (`xz`, `zstd`, `gzip`, `pahole`, ...).
    ///
    /// Standard output goes to a file rather than a pipe, so that a tool producing tens of
    /// megabytes (a decompressed kernel) never blocks on a full pipe.
    enum Tool {
        /// The outcome of one run.
        struct Result {
            var status: Int32
            var standardError: String
        }

        /// The absolute path of `name` in the usual binary directories, or nil when it is not installed.
        static func locate(_ name: String) -> String? {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
            let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]
            for directory in directories where !directory.isEmpty {
                let candidate = (directory as NSString).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
            return nil
        }

        /// Runs `executable` with `arguments`, reading standard input from `input` (or nothing) and
        /// writing standard output to `output`; gives up after `timeout` seconds.
        static func run(
            _ executable: String, _ arguments: [String], input: URL?, output: URL, timeout: TimeInterval = 120
        ) throws -> Result {
            let fm = FileManager.default
            _ = fm.createFile(atPath: output.path, contents: nil)
            let errorFile = output.appendingPathExtension("stderr")
            _ = fm.createFile(atPath: errorFile.path, contents: nil)
            defer { try? fm.removeItem(at: errorFile) }

            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            let outHandle = try FileHandle(forWritingTo: output)
            let errHandle = try FileHandle(forWritingTo: errorFile)
            defer {
                try? outHandle.close()
                try? errHandle.close()
            }
            process.standardOutput = outHandle
            process.standardError = errHandle
            if let input {
                process.standardInput = try FileHandle(forReadingFrom: input)
            } else {
                process.standardInput = FileHandle.nullDevice
            }
            try process.run()
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
                throw BTFOracle.Failure("\(executable) \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s")
            }
            process.waitUntilExit()
            let stderrText = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            return Result(status: process.terminationStatus, standardError: stderrText)
        }
    }
}
