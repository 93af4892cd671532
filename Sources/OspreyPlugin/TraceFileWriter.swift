#if canImport(Glibc)
import Glibc
#endif
import OspreyCore

/// Writes trace lines to a file through a buffer, flushing at least once a second so a run
/// that is killed keeps what came before. Called serially (under the engine's lock, or
/// before/after the run).
final class TraceFileWriter: EventSink {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var encoder = SyscallEventEncoder()
    private var monitorLine = JSONLineWriter(capacity: 1024)
    private var lastFlush: Int64 = 0
    private(set) var closed = false
    private(set) var writeError: Int32 = 0
    private static let flushThreshold = 256 * 1024

    /// Opens (creates or truncates) `path`; nil with errno's text if it cannot.
    init(path: String) throws(TraceFileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TraceFileError(path: path, reason: String(cString: strerror(errno))) }
        self.fd = fd
        buffer.reserveCapacity(Self.flushThreshold + 8192)
        lastFlush = Self.now()
    }

    func emit(_ event: SyscallEvent) {
        guard !closed else { return }
        buffer.append(contentsOf: encoder.encode(event))
        flushIfDue()
    }

    func emit(_ event: MonitorEvent, seq: UInt64) {
        guard !closed else { return }
        monitorLine.write(event, seq: seq)
        buffer.append(contentsOf: monitorLine.bytes)
        flushIfDue()
    }

    /// Appends a line built by `build` (header and footer records).
    func writeLine(_ build: (inout JSONLineWriter) -> Void) {
        guard !closed else { return }
        var w = JSONLineWriter(capacity: 512)
        w.begin()
        build(&w)
        w.end()
        buffer.append(contentsOf: w.bytes)
        flushIfDue()
    }

    private func flushIfDue() {
        if buffer.count >= Self.flushThreshold {
            flush()
        } else {
            let t = Self.now()
            if t - lastFlush > 1_000_000_000 { flush() }
        }
    }

    func flush() {
        lastFlush = Self.now()
        let error = buffer.withUnsafeBytes { writeAll(fd, $0) }
        if error != 0 { writeError = error }
        buffer.removeAll(keepingCapacity: true)
    }

    func finish(events: UInt64, unfinished: Int) -> String? {
        writeLine { w in
            w.field("type", "trace_end")
            w.field("events", events)
            w.field("unfinished", unfinished)
        }
        close()
        return writeError == 0 ? nil : "error writing the trace: \(String(cString: strerror(writeError)))"
    }

    func close() {
        guard !closed else { return }
        flush()
        closed = true
        _ = Glibc.close(fd)
    }

    private static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC_COARSE, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

struct TraceFileError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "osprey plugin: cannot write trace \(path): \(reason)" }
}
