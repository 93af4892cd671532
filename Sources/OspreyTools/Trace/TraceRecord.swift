import Foundation
import OspreyCore

/// A syscall event read back from a trace file.
public struct TraceSyscall: Sendable, Equatable {
    public var seq: UInt64
    /// Entry ordinal: sort by it to list calls in the order they were made (as strace does).
    public var entry: UInt64
    public var vcpu: Int
    public var abi: String
    public var addressSpace: UInt64
    public var stackPointer: UInt64
    public var pc: UInt64
    public var pid: Int?
    public var tid: Int?
    public var ppid: Int?
    public var comm: String?
    public var number: Int
    public var name: String?
    public var args: [UInt64]
    /// Strings read at entry, by argument index.
    public var strings: [Int: String]
    /// Memory behind the arguments (the trace's `decoded` field).
    public var decoded: TraceDecoded = TraceDecoded()
    public var result: Int64?
    /// `returned`, `noreturn`, `exec`, `restarted`, `child` or `unfinished`.
    public var end: String

    /// The name, or `syscall_N` for numbers the table does not know.
    public var displayName: String { name ?? "syscall_\(number)" }

    public init(
        seq: UInt64, entry: UInt64, vcpu: Int, abi: String, addressSpace: UInt64, stackPointer: UInt64, pc: UInt64,
        pid: Int? = nil, tid: Int? = nil, ppid: Int? = nil, comm: String? = nil, number: Int, name: String?,
        args: [UInt64], strings: [Int: String] = [:], result: Int64?, end: String
    ) {
        self.seq = seq
        self.entry = entry
        self.vcpu = vcpu
        self.abi = abi
        self.addressSpace = addressSpace
        self.stackPointer = stackPointer
        self.pc = pc
        self.pid = pid
        self.tid = tid
        self.ppid = ppid
        self.comm = comm
        self.number = number
        self.name = name
        self.args = args
        self.strings = strings
        self.result = result
        self.end = end
    }
}

/// A whole trace: its header, events and footer, and the lines that could not be read.
public struct TraceFile: Sendable {
    public var architecture: String?
    public var version: Int?
    public var syscalls: [TraceSyscall] = []
    /// The footer's counts, when the run ended cleanly enough to write it.
    public var footerEvents: Int?
    public var footerUnfinished: Int?
    /// 1-based numbers of lines that are not valid trace records.
    public var corruptLines: [Int] = []
    /// Events of the OS object monitors (process, thread, file, region, module, socket, pipe).
    public var objectEvents: [TraceObjectEvent] = []
    /// Records of types this reader does not know (newer monitors), counted per type.
    public var otherRecords: [String: Int] = [:]

    public var hasFooter: Bool { footerEvents != nil }
}

/// Reads JSON Lines traces written by the plugin.
public enum TraceReader {
    /// Reads `url`. Corrupt lines are skipped and listed in `corruptLines`; a file that
    /// cannot be opened, or with a newer schema version, throws.
    public static func read(_ url: URL) throws -> TraceFile {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw OspreyError("cannot read trace \(url.path): \(error.localizedDescription)")
        }
        var trace = TraceFile()
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.isEmpty { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any],
                  let type = object["type"] as? String
            else {
                trace.corruptLines.append(lineNumber)
                continue
            }
            switch type {
            case "trace_start":
                trace.architecture = object["arch"] as? String
                trace.version = object["version"] as? Int
                if let v = trace.version, v > 1 {
                    throw OspreyError("trace \(url.path) has format version \(v); this osprey reads version 1")
                }
            case "trace_end":
                trace.footerEvents = object["events"] as? Int
                trace.footerUnfinished = object["unfinished"] as? Int
            case "syscall":
                if let s = syscall(object) { trace.syscalls.append(s) } else { trace.corruptLines.append(lineNumber) }
            case _ where TraceObjectEvent.types.contains(type):
                if let e = TraceObjectEvent(json: object) { trace.objectEvents.append(e) } else { trace.corruptLines.append(lineNumber) }
            default:
                trace.otherRecords[type, default: 0] += 1
            }
        }
        return trace
    }

    static func syscall(_ o: [String: Any]) -> TraceSyscall? {
        guard let seq = (o["seq"] as? NSNumber)?.uint64Value, let nr = o["nr"] as? Int,
              let argStrings = o["args"] as? [String]
        else { return nil }
        var args: [UInt64] = []
        for a in argStrings {
            guard let v = hex(a) else { return nil }
            args.append(v)
        }
        var strings: [Int: String] = [:]
        for (k, v) in (o["strings"] as? [String: String]) ?? [:] {
            if let i = Int(k) { strings[i] = v }
        }
        var s = TraceSyscall(
            seq: seq, entry: (o["entry"] as? NSNumber)?.uint64Value ?? seq, vcpu: o["vcpu"] as? Int ?? 0, abi: o["abi"] as? String ?? "?",
            addressSpace: (o["as"] as? String).flatMap(hex) ?? 0, stackPointer: (o["sp"] as? String).flatMap(hex) ?? 0,
            pc: (o["pc"] as? String).flatMap(hex) ?? 0, pid: o["pid"] as? Int, tid: o["tid"] as? Int,
            ppid: o["ppid"] as? Int, comm: o["comm"] as? String, number: nr, name: o["name"] as? String, args: args,
            strings: strings, result: (o["ret"] as? NSNumber)?.int64Value, end: o["end"] as? String ?? "returned")
        if let d = o["decoded"] as? [String: Any] { s.decoded = TraceDecoded(json: d) }
        return s
    }

    static func hex(_ s: String) -> UInt64? {
        guard s.hasPrefix("0x") else { return nil }
        return UInt64(s.dropFirst(2), radix: 16)
    }
}
