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
    public var comm: GuestText
    /// The other fields, by kind of value. Strings are kept exactly: a field written as
    /// `NAME_hex` (bytes that are not UTF-8) is read back under `NAME`.
    public var strings: [String: GuestText] = [:]
    public var integers: [String: Int64] = [:]
    public var lists: [String: [GuestText]] = [:]
    public var flags: [String: Bool] = [:]

    public init(type: String, event: String, seq: UInt64, vcpu: Int = 0, pid: Int, tid: Int? = nil, comm: GuestText = "") {
        self.type = type
        self.event = event
        self.seq = seq
        self.vcpu = vcpu
        self.pid = pid
        self.tid = tid ?? pid
        self.comm = comm
    }

    /// Reads a parsed trace line; nil when a required field is missing or a field's name is
    /// not one Osprey could have written.
    public init?(json o: [String: Any]) {
        guard let type = o["type"] as? String, let event = o["event"] as? String, TraceReader.isIdentifier(event),
              let seq = (o["seq"] as? NSNumber)?.uint64Value, let pid = o["pid"] as? Int
        else { return nil }
        var comm: GuestText = ""
        switch TraceReader.text(o, "comm") {
        case .absent: break
        case .text(let t): comm = t
        case .malformed: return nil
        }
        self.init(type: type, event: event, seq: seq, vcpu: o["vcpu"] as? Int ?? 0, pid: pid, tid: o["tid"] as? Int, comm: comm)
        for (key, value) in o where !Self.common.contains(key) {
            guard TraceReader.isIdentifier(key) else { return nil }
            let hex = key.hasSuffix("_hex")
            let name = hex ? String(key.dropLast(4)) : key
            if let n = value as? NSNumber, !hex {
                // JSON true/false come back as NSNumber whose type code is "c".
                if String(cString: n.objCType) == "c" { flags[name] = n.boolValue } else { integers[name] = n.int64Value }
            } else if let s = value as? String {
                if hex {
                    guard let bytes = HexBytes.decode(s) else { return nil }
                    if strings[name] == nil { strings[name] = GuestText(bytes: bytes) }
                } else {
                    strings[name] = GuestText(s)
                }
            } else if let a = value as? [Any] {
                var items: [GuestText] = []
                for item in a {
                    if hex {
                        guard let s = item as? String, let bytes = HexBytes.decode(s) else { return nil }
                        items.append(GuestText(bytes: bytes))
                    } else if let s = item as? String {
                        items.append(GuestText(s))
                    } else if let n = item as? NSNumber {
                        items.append(GuestText(n.stringValue))
                    } else {
                        return nil
                    }
                }
                if !hex || lists[name] == nil { lists[name] = items }
            }
        }
    }

    private static let common: Set<String> = ["type", "event", "seq", "vcpu", "pid", "tid", "comm", "comm_hex", "icount"]

    /// A `0x` hex string field as a number.
    public func address(_ key: String) -> UInt64? { strings[key]?.utf8String.flatMap(TraceReader.hex) }
    public func int(_ key: String) -> Int? { integers[key].map { Int($0) } }
    /// A field Osprey writes as a word (`how`, `kind`): its text when it is an identifier.
    public func word(_ key: String) -> String? {
        strings[key]?.utf8String.flatMap { TraceReader.isIdentifier($0) ? $0 : nil }
    }
}
