import Foundation
import OspreyCore

/// The `decoded` field of a syscall line: guest memory behind the arguments, read at entry
/// (what the caller passed) and at exit (what the kernel wrote). See docs/trace-format.md.
public struct TraceDecoded: Sendable, Equatable {
    /// By argument index.
    public var entry: [Int: CapturedValue] = [:]
    public var exit: [Int: CapturedValue] = [:]
    /// `rt_sigreturn`: the signal frame it restores.
    public var frame: CapturedValue?

    public init(entry: [Int: CapturedValue] = [:], exit: [Int: CapturedValue] = [:], frame: CapturedValue? = nil) {
        self.entry = entry
        self.exit = exit
        self.frame = frame
    }

    public var isEmpty: Bool { entry.isEmpty && exit.isEmpty && frame == nil }

    /// What argument `i` held: at exit if the kernel wrote it, else at entry.
    public func value(_ i: Int) -> CapturedValue? { exit[i] ?? entry[i] }

    /// The bytes captured for argument `i` (exit first), if it was a plain buffer or struct.
    public func bytes(_ i: Int, at moment: CaptureMoment? = nil) -> [UInt8]? {
        let v: CapturedValue? = switch moment {
        case .entry: entry[i]
        case .exit: exit[i]
        case nil: value(i)
        }
        if case .bytes(let b) = v { return b }
        return nil
    }

    init(json: [String: Any]) {
        for (moment, target) in [("entry", \TraceDecoded.entry), ("exit", \TraceDecoded.exit)] {
            for (key, raw) in (json[moment] as? [String: Any]) ?? [:] {
                guard let object = raw as? [String: Any], let value = Self.value(object) else { continue }
                if let i = Int(key) {
                    self[keyPath: target][i] = value
                } else if key == "frame" {
                    frame = value
                }
            }
        }
    }

    /// One captured value; nil for a shape this reader does not know (newer writers).
    static func value(_ o: [String: Any]) -> CapturedValue? {
        if o["unreadable"] as? Bool == true { return .unreadable }
        if let hex = o["hex"] as? String { return HexBytes.decode(hex).map(CapturedValue.bytes) }
        if let count = o["count"] as? Int {
            let items = ((o["items"] as? [String]) ?? []).compactMap(HexBytes.decode)
            return .strings(items, count: count)
        }
        if let iov = o["iov"] as? [[String: Any]] {
            return .iovecs(iov.map { v in
                CapturedIOVec(
                    base: (v["base"] as? String).flatMap(TraceReader.hex) ?? 0,
                    length: (v["len"] as? NSNumber)?.uint64Value ?? 0,
                    bytes: (v["hex"] as? String).flatMap(HexBytes.decode) ?? [])
            })
        }
        if let n = o["entries"] as? Int { return .entries(n) }
        if let mask = (o["mask"] as? String).flatMap(TraceReader.hex), let ret = (o["ret"] as? NSNumber)?.int64Value {
            return .signalFrame(mask: mask, result: UInt64(bitPattern: ret))
        }
        return nil
    }
}
