import Foundation
import OspreyCore

/// Follows the instruction count a plugin run reports on standard error (`osprey-progress N`
/// lines, plugin option `progress=SECONDS`) and judges it: a count that stops moving is a
/// stalled replay, a count far past the recording's is a diverged one.
public final class InstructionWatch: @unchecked Sendable {
    // @unchecked: every mutable field is behind `lock`.
    private let lock = NSLock()
    private var latest: UInt64?
    private var changed = Date()

    /// Seconds without a new count after which the run is stopped as stalled.
    public let stallSeconds: Double
    /// A count past which the run is stopped as diverged (nil: no limit).
    public let limit: UInt64?
    /// Called with each count, on a reader thread.
    public let report: (@Sendable (UInt64) -> Void)?

    public init(stallSeconds: Double, limit: UInt64?, report: (@Sendable (UInt64) -> Void)? = nil) {
        self.stallSeconds = stallSeconds
        self.limit = limit
        self.report = report
    }

    /// The last count reported, if any.
    public var instructions: UInt64? {
        lock.lock()
        defer { lock.unlock() }
        return latest
    }

    /// Takes a line of QEMU's standard error; true if it was a progress line (not to be shown).
    func consume(_ line: String) -> Bool {
        let prefix = InstructionProgressLine.prefix
        guard line.hasPrefix(prefix) else { return false }
        guard let count = UInt64(line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)) else { return true }
        lock.lock()
        if count != latest {
            latest = count
            changed = Date()
        }
        lock.unlock()
        report?(count)
        return true
    }

    /// Why the run should be stopped now, or nil.
    func verdict(now: Date) -> RunOutcome? {
        lock.lock()
        defer { lock.unlock() }
        if let limit, let latest, latest > limit {
            return .diverged(instructions: latest, limit: limit)
        }
        if now.timeIntervalSince(changed) > stallSeconds {
            return .stalled(instructions: latest, seconds: Int(stallSeconds))
        }
        return nil
    }
}
