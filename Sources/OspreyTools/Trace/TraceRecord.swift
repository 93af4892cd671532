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
    public var comm: GuestText?
    public var number: Int
    public var name: String?
    public var args: [UInt64]
    /// Strings read at entry, by argument index, exactly as read (`strings` and `strings_hex`).
    public var strings: [Int: GuestText]
    /// Memory behind the arguments (the trace's `decoded` field).
    public var decoded: TraceDecoded = TraceDecoded()
    public var result: Int64?
    /// `returned`, `noreturn`, `exec`, `restarted`, `child` or `unfinished`.
    public var end: String

    /// The name, or `syscall_N` for numbers the table does not know.
    public var displayName: String { name ?? "syscall_\(number)" }

    public init(
        seq: UInt64, entry: UInt64, vcpu: Int, abi: String, addressSpace: UInt64, stackPointer: UInt64, pc: UInt64,
        pid: Int? = nil, tid: Int? = nil, ppid: Int? = nil, comm: GuestText? = nil, number: Int, name: String?,
        args: [UInt64], strings: [Int: GuestText] = [:], result: Int64?, end: String
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
///
/// A trace is untrusted input (anyone can hand one over): every line is parsed on its own, in
/// bounded memory (``TraceLineReader``), nested at most 512 deep (Foundation's limit); a line
/// that is not a valid record is counted in `corruptLines` and skipped; values are checked
/// before use (hex addresses, identifiers), and every string read from it is kept as
/// ``GuestText``, which views can only show escaped.
public enum TraceReader {
    /// The trace format versions this reader understands.
    public static let versions = 1...TraceSchema.version

    /// Reads `url`. Corrupt lines are skipped and listed in `corruptLines`; a file that
    /// cannot be opened, or with a newer schema version, throws an error naming the file.
    public static func read(_ url: URL) throws -> TraceFile {
        var lines: TraceLineReader
        do {
            lines = try TraceLineReader(url: url)
        } catch let error as OspreyError {
            throw OspreyError("cannot read trace \(url.path): \(error.description)")
        }
        var trace = TraceFile()
        while let (lineNumber, line) = try next(&lines, url) {
            guard let line else {
                trace.corruptLines.append(lineNumber)
                continue
            }
            do {
                try add(line, number: lineNumber, to: &trace)
            } catch let error as OspreyError {
                throw OspreyError("trace \(url.path) \(error.description)")
            }
        }
        return trace
    }

    /// A trace held in memory (`bytes` as a file would hold it), read the same way.
    public static func read(bytes: [UInt8]) throws -> TraceFile {
        var trace = TraceFile()
        var number = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            if line.count > TraceLineReader.maximumLineLength {
                trace.corruptLines.append(number)
                continue
            }
            try add(line, number: number, to: &trace)
        }
        return trace
    }

    /// Adds one line (without its newline) to `trace`: a record, or a corrupt line. Throws for a
    /// header of a format version this reader does not understand.
    static func add(_ line: ArraySlice<UInt8>, number lineNumber: Int, to trace: inout TraceFile) throws {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any],
              let type = object["type"] as? String
        else {
            trace.corruptLines.append(lineNumber)
            return
        }
        switch type {
        case "trace_start":
            trace.architecture = (object["arch"] as? String).flatMap { Architecture(rawValue: $0)?.rawValue }
            trace.version = object["version"] as? Int
            if let v = trace.version, !versions.contains(v) {
                throw OspreyError("has format version \(v) (line \(lineNumber)); this osprey reads version \(versions.upperBound)")
            }
        case "trace_end":
            trace.footerEvents = object["events"] as? Int
            trace.footerUnfinished = object["unfinished"] as? Int
        case "syscall":
            if let s = syscall(object) { trace.syscalls.append(s) } else { trace.corruptLines.append(lineNumber) }
        case _ where TraceObjectEvent.types.contains(type):
            if let e = TraceObjectEvent(json: object) { trace.objectEvents.append(e) } else { trace.corruptLines.append(lineNumber) }
        default:
            guard isIdentifier(type) else {
                trace.corruptLines.append(lineNumber)
                return
            }
            trace.otherRecords[type, default: 0] += 1
        }
    }

    private static func next(_ lines: inout TraceLineReader, _ url: URL) throws -> TraceLineReader.Line? {
        do {
            return try lines.next()
        } catch let error as OspreyError {
            throw OspreyError("cannot read trace \(url.path): \(error.description)")
        }
    }

    static func syscall(_ o: [String: Any]) -> TraceSyscall? {
        guard let seq = (o["seq"] as? NSNumber)?.uint64Value, let nr = o["nr"] as? Int,
              let argStrings = o["args"] as? [String], argStrings.count <= 6
        else { return nil }
        var comm: GuestText?
        switch text(o, "comm") {
        case .absent: break
        case .text(let t): comm = t
        case .malformed: return nil
        }
        var args: [UInt64] = []
        for a in argStrings {
            guard let v = hex(a) else { return nil }
            args.append(v)
        }
        var strings: [Int: GuestText] = [:]
        for (k, v) in (o["strings"] as? [String: String]) ?? [:] {
            if let i = Int(k), (0..<6).contains(i) { strings[i] = GuestText(v) }
        }
        for (k, v) in (o["strings_hex"] as? [String: String]) ?? [:] {
            if let i = Int(k), (0..<6).contains(i), let bytes = HexBytes.decode(v) { strings[i] = GuestText(bytes: bytes) }
        }
        let abi = (o["abi"] as? String).flatMap { SyscallABI(name: $0)?.name } ?? "?"
        var s = TraceSyscall(
            seq: seq, entry: (o["entry"] as? NSNumber)?.uint64Value ?? seq, vcpu: o["vcpu"] as? Int ?? 0, abi: abi,
            addressSpace: (o["as"] as? String).flatMap(hex) ?? 0, stackPointer: (o["sp"] as? String).flatMap(hex) ?? 0,
            pc: (o["pc"] as? String).flatMap(hex) ?? 0, pid: o["pid"] as? Int, tid: o["tid"] as? Int,
            ppid: o["ppid"] as? Int, comm: comm, number: nr,
            name: (o["name"] as? String).flatMap { isIdentifier($0) ? $0 : nil }, args: args,
            strings: strings, result: (o["ret"] as? NSNumber)?.int64Value,
            end: (o["end"] as? String).flatMap { isIdentifier($0) ? $0 : nil } ?? "returned")
        if let d = o["decoded"] as? [String: Any] { s.decoded = TraceDecoded(json: d) }
        return s
    }

    /// A guest-text field of a trace line: under `key` (a JSON string) or `key_hex` (hex
    /// digits of bytes that are not UTF-8).
    enum TextField {
        case absent
        case text(GuestText)
        /// Not a string, or `_hex` that is not hex: the line is not one Osprey wrote.
        case malformed
    }

    static func text(_ o: [String: Any], _ key: String) -> TextField {
        if let value = o[key] {
            guard let s = value as? String else { return .malformed }
            return .text(GuestText(s))
        }
        guard let value = o[key + "_hex"] else { return .absent }
        guard let h = value as? String, let bytes = HexBytes.decode(h) else { return .malformed }
        return .text(GuestText(bytes: bytes))
    }

    static func hex(_ s: String) -> UInt64? {
        guard s.hasPrefix("0x"), s.count > 2, s.count <= 18 else { return nil }
        return UInt64(s.dropFirst(2), radix: 16)
    }

    /// A name Osprey writes (record types, call names, end kinds): lower-case letters,
    /// digits and `_`, at most 64 of them. Anything else in those fields is not a real trace.
    static func isIdentifier(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 64 && s.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
    }
}
