import Foundation
import OspreyGuestKit
import OspreyCore
import OspreyTools
import Testing

/// The acceptance checks of the foundation: the default guest traced end to end.
@Suite("Default guest traced in QEMU", .serialized)
struct DefaultGuestTraceTests {
    /// Calls that legitimately never return in the default guest: init's `wait4` for the
    /// `poweroff` child, and that child's `reboot(POWER_OFF)`, which stops the machine.
    static let legitimatelyUnfinished = ["reboot", "wait4"]

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var kernel: String
        var extra: [String]
        var testDescription: String { name }
    }

    static let cases = [
        Case(name: "x86_64", kernel: Fixtures.defaultKernel, extra: []),
        Case(name: "aarch64", kernel: Fixtures.arm64Kernel, extra: []),
        Case(name: "x86_64-smp2", kernel: Fixtures.defaultKernel, extra: ["-smp", "2"]),
        Case(name: "aarch64-smp2", kernel: Fixtures.arm64Kernel, extra: ["-smp", "2"]),
    ]

    @Test(arguments: cases)
    func traceHasEveryOpenWithItsPathAndEveryReturn(_ c: Case) throws {
        let guest = try Fixtures.guest("default-\(c.kernel)", kernel: c.kernel)
        let run = try Fixtures.trace(guest: guest, extraQemuArguments: c.extra, name: "default-\(c.name)")
        #expect(run.outcome == .poweredOff(scenarioStatus: 0), "console:\n\(run.console.suffix(2000))")
        let trace = run.trace
        #expect(trace.hasFooter)
        #expect(trace.corruptLines.isEmpty)
        #expect(trace.architecture == (c.kernel.hasSuffix("arm64") ? "aarch64" : "x86_64"))

        // Every file the scenario opens shows up, with its path read from guest memory.
        let opens = trace.syscalls.filter { $0.name == "open" || $0.name == "openat" }
        let opened = Set(opens.flatMap { $0.strings.values.map(\.lossyString) })
        for path in DefaultScenario.openedPaths {
            #expect(opened.contains(path), "no open/openat of \(path) in the trace")
        }
        // Every open that returned has its result; the path argument was readable.
        for o in opens {
            #expect(o.end == "unfinished" || o.result != nil)
        }

        // Every call that returned has `ret`; calls without an exit are the legitimate ones.
        for s in trace.syscalls where s.end == "returned" || s.end == "exec" || s.end == "child" {
            #expect(s.result != nil, "\(s.displayName) seq \(s.seq) has no ret")
        }
        let unfinished = trace.syscalls.filter { $0.end == "unfinished" }
        print("[\(c.name)] entries without an exit at the end: \(unfinished.count): \(unfinished.map(\.displayName).sorted())")
        let names = unfinished.map(\.displayName).sorted()
        #expect(trace.footerUnfinished == Self.legitimatelyUnfinished.count)
        #expect(names == Self.legitimatelyUnfinished)
        let noReturn = Set(trace.syscalls.filter { $0.end == "noreturn" }.map(\.displayName))
        #expect(noReturn.isSubset(of: ["exit", "exit_group", "rt_sigreturn"]))
        #expect(trace.syscalls.contains { $0.end == "exec" }, "no successful execve resolved")

        checkScenarioActivity(run.console, trace, c.name)

        // The scenario's processes are identified: its shell learnt its pid from getpid.
        let scenarioShell = trace.syscalls.first { $0.strings.values.contains("/scenario.sh") }
        #expect(scenarioShell?.pid != nil)
        // Sequence numbers are strictly increasing.
        #expect(zip(trace.syscalls, trace.syscalls.dropFirst()).allSatisfy { $0.seq < $1.seq })
    }

    /// Every step of the default scenario happened (its console lines) and shows in the trace:
    /// the activity the introspection profile is learnt from.
    func checkScenarioActivity(_ serial: String, _ trace: TraceFile, _ name: String) {
        let s = DefaultScenario.self
        let console = serial.replacingOccurrences(of: "\r\n", with: "\n")
        for line in [
            "scenario: cd \(s.directory)", "created by the osprey scenario",
            " (sh) state Z ppid ", " exit_code \(s.zombieExitStatus << 8)",
            "\(s.mountSource) \(s.mountPoint) tmpfs ", "inside the tmpfs",
            "scenario: id says: uid=\(s.userID)(\(s.userName)) gid=\(s.groupID)(\(s.userName))",
            "\(s.directory)/random.bin.gz", "scenario: received: hello over tcp", "scenario: cd /\n",
        ] {
            #expect(console.contains(line), "[\(name)] console lacks \(line)")
        }
        #expect(!console.contains(" failed\n"), "[\(name)] a scenario step failed:\n\(console.suffix(3000))")

        func calls(_ names: String...) -> [TraceSyscall] { trace.syscalls.filter { names.contains($0.displayName) } }
        #expect(calls("chdir").contains { $0.strings[0] == GuestText(s.directory) && $0.result == 0 })
        #expect(calls("chdir").contains { $0.strings[0] == "/" && $0.result == 0 })
        #expect(calls("mount").contains { $0.strings[0] == GuestText(s.mountSource) && $0.strings[1] == GuestText(s.mountPoint) && $0.result == 0 })
        #expect(calls("umount2").contains { $0.strings[0] == GuestText(s.mountPoint) && $0.result == 0 })
        #expect(calls("open", "openat").contains { $0.strings.values.contains(GuestText(s.failingOpenPath)) && $0.result == -2 })
        #expect(calls("exit_group").contains { $0.args.first == UInt64(s.zombieExitStatus) })
        #expect(calls("getuid", "geteuid").contains { $0.result == Int64(s.userID) })
        #expect(calls("getgid", "getegid").contains { $0.result == Int64(s.groupID) })
        // pigz starts threads: clone/clone3 in the parent, and calls from tids other than the pid.
        let pigz = trace.syscalls.filter { $0.comm == "pigz" }
        #expect(pigz.filter { ["clone", "clone3"].contains($0.displayName) && ($0.result ?? 0) > 0 }.count >= 2)
        #expect(pigz.contains { $0.tid != nil && $0.pid != nil && $0.tid != $0.pid }, "[\(name)] no pigz thread")
        // Sockets: netlink (ip), TCP listen/accept/connect over loopback.
        #expect(calls("socket").contains { $0.args.first == 16 && ($0.result ?? -1) >= 0 })  // AF_NETLINK
        for call in ["listen", "accept", "connect"] {
            #expect(calls(call, call + "4").contains { $0.result == 0 || ($0.result ?? -1) > 0 }, "[\(name)] no \(call)")
        }
    }
}
