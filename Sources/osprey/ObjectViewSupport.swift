import ArgumentParser
import Foundation
import OspreyCore
import OspreyTools

/// Reads a trace for a view of the guest's OS objects (processes, files, modules, sockets):
/// an error when the trace has none, which is what a trace made without a profile looks like.
func loadObjectTrace(_ path: String) throws -> TraceFile {
    let trace = try loadTrace(path)
    guard !trace.objectEvents.isEmpty else {
        Diagnostics.error(
            "\(path): this trace has no process events: trace with --profile (`osprey trace --profile PROFILE.json ...`; make a profile with `osprey profile`)")
        throw ExitCode(1)
    }
    return trace
}

/// The last sequence number of a trace (its object events and calls).
func lastSeq(of trace: TraceFile) -> UInt64 {
    max(trace.objectEvents.map(\.seq).max() ?? 0, trace.syscalls.map(\.seq).max() ?? 0)
}

/// `--at SEQ` made to fit the trace: past its last event means its end (said on stderr).
func clampedSeq(_ at: UInt64?, in trace: TraceFile) -> UInt64? {
    guard let at else { return nil }
    let last = lastSeq(of: trace)
    if at > last {
        Diagnostics.note("--at \(at) is past the trace's last event (\(last)): showing the end of the trace")
        return last
    }
    return at
}

/// Writes `value` as one pretty-printed JSON document with sorted keys.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
    print(String(decoding: JSONOutput.terminalSafe(try encoder.encode(value)), as: UTF8.self))
}

extension ProcessFilter {
    /// --pid by pid; --comm by the process's comm or its program's name (the last part of
    /// argv[0]: busybox applets started through /proc/self/exe have the comm `exe`).
    func matches(_ p: SystemState.Process) -> Bool {
        matches(pid: p.pid, comm: p.comm) || matches(pid: p.pid, comm: p.programName)
    }

    /// The same for a process known by its pid, comm and command line.
    func matches(pid: Int, comm: GuestText, argv: [GuestText]?) -> Bool {
        matches(pid: pid, comm: comm) || matches(pid: pid, comm: argv?.first?.lastPathComponent)
    }
}
