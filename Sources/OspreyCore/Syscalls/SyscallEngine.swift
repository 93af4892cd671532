import Synchronization

/// The thread-safe front of the syscall tracker: vCPU threads call it concurrently.
///
/// Decoding (register and memory reads) happens before the lock on the calling vCPU thread;
/// only table updates and event emission happen under it. The sink is owned by the engine
/// and reached only under the lock (`withSink`).
public final class SyscallEngine<Sink: EventSink>: Sendable {
    private let tracker: Mutex<SyscallTracker<Sink>>

    /// `capture` reads output arguments at exit (entry ones are read by `SyscallDecoder`).
    public init(sink: sending Sink, limits: SyscallTrackerLimits = .init(), capture: ArgumentCapture? = nil) {
        tracker = Mutex(SyscallTracker(sink: sink, limits: limits, capture: capture))
    }

    public func enter(_ record: SyscallEntryRecord) {
        tracker.withLock { $0.enter(record) }
    }

    /// A return; `memory` reads the returning task's memory (for a fork child's stored tid).
    public func exit(_ record: SyscallReturnRecord, memory: some GuestMemory & Sendable) {
        tracker.withLock { $0.exit(record, memory: memory) }
    }

    /// Writes monitor events, numbered in the same sequence as the calls, stamped with the
    /// instruction count of the moment they were seen (when given).
    public func emit(_ events: [MonitorEvent], icount: UInt64? = nil) {
        guard !events.isEmpty else { return }
        var stamped = events
        if let icount {
            for i in stamped.indices { stamped[i].icount = icount }
        }
        tracker.withLock { $0.emit(stamped) }
    }

    /// What `finish` reports.
    public struct Summary: Sendable {
        public var events: UInt64
        public var unfinished: Int
        public var problem: String?
    }

    /// Ends every pending call as `unfinished` and lets the sink close. Call once.
    public func finish() -> Summary {
        tracker.withLock { t in
            let unfinished = t.finish()
            let problem = t.sink.finish(events: t.emittedCount, unfinished: unfinished)
            return Summary(events: t.emittedCount, unfinished: unfinished, problem: problem)
        }
    }

    /// Events emitted so far.
    public var emittedCount: UInt64 { tracker.withLock { $0.emittedCount } }

}
