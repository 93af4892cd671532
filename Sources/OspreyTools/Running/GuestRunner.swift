import Foundation
import OspreyCore

/// How a QEMU run ended.
public enum RunOutcome: Sendable, Equatable {
    /// The guest kit's guest ran its scenario and powered off; the scenario's exit status.
    case poweredOff(scenarioStatus: Int)
    /// A user's VM: QEMU exited with status 0.
    case exited
    case kernelPanic(String)
    case initFailed(String)
    /// The guest ran past the timeout and was stopped.
    case timedOut(seconds: Int)
    /// QEMU exited without the guest finishing its scenario (status, last stderr lines).
    case qemuFailed(status: Int32, detail: String)
    /// A replay's instruction count stopped moving for `seconds` (it was stopped).
    case stalled(instructions: UInt64?, seconds: Int)
    /// A replay ran past the recording's instruction count (it was stopped).
    case diverged(instructions: UInt64, limit: UInt64)

    /// A sentence for any end, clean or not.
    public var summary: String {
        switch self {
        case .poweredOff(let status): return "the guest powered off (scenario status \(status))"
        case .exited: return "QEMU exited"
        default: return problem ?? "ended"
        }
    }

    /// A sentence for the user; nil for a clean end.
    public var problem: String? {
        switch self {
        case .poweredOff(let status) where status == 0: return nil
        case .poweredOff(let status): return "the guest's scenario exited with status \(status)"
        case .exited: return nil
        case .kernelPanic(let line): return "the guest kernel panicked: \(line)"
        case .initFailed(let line): return "the guest's init failed: \(line)"
        case .timedOut(let s): return "the guest did not power off within \(s) s (timeout); it was stopped"
        case .qemuFailed(let status, let detail):
            return "QEMU exited with status \(status) before the guest powered off" + (detail.isEmpty ? "" : ":\n\(detail)")
        case .stalled(let count, let seconds):
            return "the replay stalled: no instruction executed for \(seconds) s" + (count.map { " (at instruction \($0))" } ?? "") + "; it was stopped"
        case .diverged(let count, let limit):
            return "the replay diverged from the recording: it ran \(count) instructions, past the recording's \(limit); it was stopped"
        }
    }
}

/// Runs QEMU, forwards its console, enforces a timeout and reports how the run ended.
public struct GuestRunner {
    public var invocation: QemuInvocation
    /// Where the guest's console goes, exactly as the guest wrote it; nil means this process's
    /// standard output, through ``ConsoleFilter`` (no guest escape sequence reaches the terminal).
    public var consoleFile: URL?
    public var timeoutSeconds: Int
    /// Progress messages (elapsed time), every `progressInterval` seconds.
    public var progress: (@Sendable (String) -> Void)?
    public var progressInterval: Double = 15
    /// Follows `osprey-progress` lines (replays): stalls and runaway counts stop the run.
    public var instructionWatch: InstructionWatch?

    public init(invocation: QemuInvocation, consoleFile: URL? = nil, timeoutSeconds: Int = 600) {
        self.invocation = invocation
        self.consoleFile = consoleFile
        self.timeoutSeconds = timeoutSeconds
    }

    /// Runs to the end. Throws only if QEMU cannot be started at all.
    public func run() throws -> RunOutcome {
        let process = Process()
        process.executableURL = try Self.resolve(invocation.binary)
        process.arguments = invocation.arguments
        if let dir = invocation.workingDirectory { process.currentDirectoryURL = dir }
        process.standardInput = FileHandle.nullDevice
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe

        let console: FileHandle
        if let file = consoleFile {
            FileManager.default.createFile(atPath: file.path, contents: nil)
            guard let handle = try? FileHandle(forWritingTo: file) else {
                throw OspreyError("cannot write the console file \(file.path)")
            }
            console = handle
        } else {
            console = FileHandle.standardOutput
        }
        let watcher = Locked(ConsoleWatcher())
        let stderrTail = Locked([String]())
        let watch = instructionWatch

        let consoleDone = DispatchSemaphore(value: 0)
        let stderrDone = DispatchSemaphore(value: 0)
        let filtered = consoleFile == nil
        Thread.detachNewThread {
            let reader = stdoutPipe.fileHandleForReading
            var filter = ConsoleFilter()
            while true {
                let data = reader.availableData
                if data.isEmpty { break }
                console.write(filtered ? Data(filter.feed(data)) : data)
                watcher.withLock { $0.feed(data) }
            }
            if filtered { console.write(Data(filter.finish())) }
            watcher.withLock { $0.finish() }
            consoleDone.signal()
        }
        Thread.detachNewThread {
            let reader = stderrPipe.fileHandleForReading
            var partial = Data()
            while true {
                let data = reader.availableData
                if data.isEmpty { break }
                partial.append(data)
                while let nl = partial.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: partial[partial.startIndex..<nl], as: UTF8.self)
                    partial.removeSubrange(partial.startIndex...nl)
                    if watch?.consume(line) == true { continue }
                    FileHandle.standardError.write(Data((TerminalText.safe(line) + "\n").utf8))
                    stderrTail.withLock { tail in
                        tail.append(line)
                        if tail.count > 20 { tail.removeFirst() }
                    }
                }
            }
            if !partial.isEmpty { FileHandle.standardError.write(partial) }
            stderrDone.signal()
        }

        do {
            try SignalMask.runUnblocked(process)
        } catch {
            throw OspreyError("cannot start \(invocation.binary): \(error.localizedDescription)")
        }
        let start = Date()
        var lastProgress = start
        var timedOut = false
        var stopped: RunOutcome?
        while process.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
            let now = Date()
            if let verdict = watch?.verdict(now: now) {
                stopped = verdict
                Self.stop(process)
                break
            }
            if now.timeIntervalSince(start) > Double(timeoutSeconds) {
                timedOut = true
                Self.stop(process)
                break
            }
            if let progress, now.timeIntervalSince(lastProgress) >= progressInterval {
                lastProgress = now
                progress("guest running for \(Int(now.timeIntervalSince(start))) s")
            }
        }
        process.waitUntilExit()
        _ = consoleDone.wait(timeout: .now() + 10)
        _ = stderrDone.wait(timeout: .now() + 10)
        if consoleFile != nil { try? console.close() }

        let seen = watcher.withLock { $0 }
        if let stopped { return stopped }
        if timedOut { return .timedOut(seconds: timeoutSeconds) }
        if let panic = seen.panicLine { return .kernelPanic(panic) }
        if let initError = seen.initError { return .initFailed(initError) }
        if invocation.ownsConsole {
            if let status = seen.scenarioStatus, process.terminationStatus == 0 {
                return .poweredOff(scenarioStatus: status)
            }
            return .qemuFailed(status: process.terminationStatus, detail: stderrTail.withLock { $0.suffix(5).joined(separator: "\n") })
        }
        if process.terminationStatus == 0 { return .exited }
        return .qemuFailed(status: process.terminationStatus, detail: stderrTail.withLock { $0.suffix(5).joined(separator: "\n") })
    }

    /// Asks QEMU to quit (SIGTERM: it exits cleanly, so the plugin writes its trace end),
    /// then kills it if it has not gone within 10 s.
    static func stop(_ process: Process) {
        process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Finds `name` on PATH unless it is already a path (the user's own command line). Only
    /// absolute PATH entries count: an empty or relative entry would look in the current
    /// directory, which may be a directory someone handed over (`cd REC && osprey replay .`).
    static func resolve(_ name: String) throws -> URL {
        if name.contains("/") { return URL(fileURLWithPath: name) }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":", omittingEmptySubsequences: true) where dir.hasPrefix("/") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw OspreyError("\(name) not found on PATH; install QEMU 10 (scripts/setup.sh does it from bookworm-backports)")
    }
}

/// A value behind a lock, shared with reader threads.
public final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    public init(_ value: Value) { self.value = value }
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
