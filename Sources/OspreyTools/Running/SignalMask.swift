import Foundation

/// Starts child processes with no signals blocked.
///
/// A child inherits the blocked-signal mask of the thread that spawns it, and Swift's worker
/// threads (Dispatch, Swift Testing, structured concurrency) block most signals. QEMU started
/// that way never sees SIGTERM, so it cannot be asked to quit cleanly (and the plugin never
/// writes the trace's end). `pthread_sigmask` is per thread: clearing it around
/// `Process.run()` (which spawns from the calling thread) fixes the child's mask.
public enum SignalMask {
    public static func runUnblocked(_ process: Process) throws {
        var empty = sigset_t()
        var saved = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        try process.run()
    }
}
