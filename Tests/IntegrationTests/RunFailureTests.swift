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
        // The guest must reach its sleep before the timeout for the trace to hold it. On an idle
        // host it boots in a few seconds; on a host busy with other suites it once printed no
        // event in 25 s. So a run whose console never shows the scenario's line is run again
        // with a longer timeout, and the checks apply to the first run that reached the hang.
        var run = try Fixtures.trace(guest: guest, timeout: 25, name: "hang")
        var timeout = 25
        if !run.console.contains("hanging") {
            print("[hang] the guest did not reach its sleep in 25 s (busy host); again with 120 s")
            timeout = 120
            run = try Fixtures.trace(guest: guest, timeout: timeout, name: "hang-long")
        }
        #expect(run.console.contains("hanging"), "the guest never reached the scenario's sleep")
        #expect(run.outcome == .timedOut(seconds: timeout))
        #expect(run.outcome.problem?.contains("did not power off") == true)
        // QEMU was asked to quit, so the plugin still closed the trace with its end record.
        #expect(run.trace.hasFooter)
        #expect(run.trace.syscalls.contains { $0.name == "nanosleep" || $0.name == "clock_nanosleep" })
    }
}
