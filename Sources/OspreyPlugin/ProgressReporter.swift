#if canImport(Glibc)
import Glibc
#endif
import OspreyCore
import Synchronization

/// Writes `osprey-progress INSTRUCTIONS` on QEMU's standard error every `interval` seconds,
/// from a thread of its own, so `osprey replay` can show progress and notice a replay that
/// stalls even while the guest makes no system call.
///
/// The thread starts at the first translated block (every vCPU exists by then, so the
/// scoreboard no longer grows) and is stopped and joined at exit, before QEMU frees it.
final class ProgressReporter: @unchecked Sendable {
    // @unchecked: `thread` is written once by `start` (guarded by `started`) and read by
    // `finish` after it; everything else is atomic.
    private let counter: InstructionCounter
    private let intervalMilliseconds: Int
    private let started = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private var thread: pthread_t?


    init(counter: InstructionCounter, intervalSeconds: Double) {
        self.counter = counter
        self.intervalMilliseconds = max(100, Int(intervalSeconds * 1000))
    }

    /// Starts the thread once; later calls cost one atomic load.
    func startIfNeeded() {
        guard !started.load(ordering: .relaxed),
              started.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        var handle = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(&handle, nil, { raw in
            guard let raw else { return nil }
            let reporter = Unmanaged<ProgressReporter>.fromOpaque(raw).takeRetainedValue()
            reporter.loop()
            return nil
        }, context)
        if status == 0 {
            thread = handle
        } else {
            Unmanaged<ProgressReporter>.fromOpaque(context).release()
            Plugin.log("osprey plugin: cannot start the progress thread (error \(status)); no progress will be shown")
        }
    }

    private func loop() {
        var waited = 0
        while !stopping.load(ordering: .acquiring) {
            var pause = timespec(tv_sec: 0, tv_nsec: 100_000_000)
            nanosleep(&pause, nil)
            waited += 100
            if waited >= intervalMilliseconds {
                waited = 0
                Plugin.log(InstructionProgressLine.prefix + String(counter.total))
            }
        }
    }

    /// Stops and joins the thread, then writes the final count.
    func finish() {
        stopping.store(true, ordering: .releasing)
        if started.load(ordering: .acquiring), let thread {
            pthread_join(thread, nil)
        }
        Plugin.log(InstructionProgressLine.prefix + String(counter.total))
    }
}
