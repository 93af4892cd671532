import Foundation
import OspreyCore

/// An event of the OS object monitors read back from a trace (see docs/trace-format.md).
public struct TraceObjectEvent: Sendable, Equatable {
    /// The record types the object monitors write.
    public static let types: Set<String> = ["process", "thread", "file", "region", "module", "socket", "pipe"]

    public var type: String
    public var event: String
    public var seq: UInt64
    public var vcpu: Int
    public var pid: Int
    public var tid: Int
    public var comm: String
    /// The other fields, by kind of value.
    public var strings: [String: String] = [:]
    public var integers: [String: Int64] = [:]
    public var lists: [String: [String]] = [:]
    public var flags: [String: Bool] = [:]

    public init(type: String, event: String, seq: UInt64, vcpu: Int = 0, pid: Int, tid: Int? = nil, comm: String = "") {
        self.type = type
        self.event = event
        self.seq = seq
        self.vcpu = vcpu
        self.pid = pid
        self.tid = tid ?? pid
        self.comm = comm
    }

    /// Reads a parsed trace line; nil when a required field is missing.
    public init?(json o: [String: Any]) {
        guard let type = o["type"] as? String, let event = o["event"] as? String,
              let seq = (o["seq"] as? NSNumber)?.uint64Value, let pid = o["pid"] as? Int
        else { return nil }
        self.init(type: type, event: event, seq: seq, vcpu: o["vcpu"] as? Int ?? 0, pid: pid, tid: o["tid"] as? Int, comm: o["comm"] as? String ?? "")
        for (key, value) in o where !["type", "event", "seq", "vcpu", "pid", "tid", "comm"].contains(key) {
            if let n = value as? NSNumber {
                // JSON true/false come back as NSNumber whose type code is "c".
                if String(cString: n.objCType) == "c" { flags[key] = n.boolValue } else { integers[key] = n.int64Value }
            } else if let s = value as? String {
                strings[key] = s
            } else if let a = value as? [Any] {
                lists[key] = a.map { "\($0)" }
            }
        }
    }

    /// A `0x` hex string field as a number.
    public func address(_ key: String) -> UInt64? { strings[key].flatMap(TraceReader.hex) }
    public func int(_ key: String) -> Int? { integers[key].map { Int($0) } }
}
