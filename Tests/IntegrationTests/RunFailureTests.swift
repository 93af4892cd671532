import Foundation
import OspreyTools
import Testing

/// Runs that do not end with the guest powering off are errors that say so, and the trace
/// written so far is kept.
@Suite("Runs that fail", .serialized)
struct RunFailureTests {
    @Test func kernelPanicIsReportedAndTheTraceKept() throws {
        let guest = try Fixtures.guest("panic", kernel: Fixtures.defaultKernel, scenario: "#!/bin/sh\necho c > /proc/sysrq-trigger\n")
        let run = try Fixtures.trace(guest: guest, timeout: 120, name: "panic")
        guard case .kernelPanic(let line) = run.outcome else {
            Issue.record("expected a kernel panic, got \(run.outcome)")
            return
        }
        #expect(line.contains("Kernel panic"))
        #expect(run.outcome.problem?.contains("panicked") == true)
        #expect(run.trace.syscalls.contains { $0.strings.values.contains("/proc/sysrq-trigger") })
    }

    @Test func hangPastTheTimeoutIsStoppedAndTheTraceKept() throws {
        let guest = try Fixtures.guest("hang", kernel: Fixtures.defaultKernel, scenario: "#!/bin/sh\necho hanging\nsleep 100000\n")
        let run = try Fixtures.trace(guest: guest, timeout: 25, name: "hang")
        #expect(run.outcome == .timedOut(seconds: 25))
        #expect(run.outcome.problem?.contains("did not power off") == true)
        // QEMU was asked to quit, so the plugin still closed the trace with its end record.
        #expect(run.trace.hasFooter)
        #expect(run.trace.syscalls.contains { $0.name == "nanosleep" || $0.name == "clock_nanosleep" })
    }
}
