import Foundation
import OspreyCore
import OspreyTools
import Testing

/// The acceptance check of the OS object monitors: at marked moments the guest prints its own
/// view from /proc (processes, command lines, memory maps, descriptors, TCP and Unix
/// sockets); Osprey's view at the same point of the trace (the marker's `write`) must match it
/// for every process, descriptor, region and socket.
@Suite("Object monitors against the guest's /proc", .serialized)
struct ProcViewTests {
    /// Long-lived processes holding files, pipes and sockets (syslogd's /dev/log, a TCP
    /// connection over loopback from nc to busybox httpd, which daemonizes and runs as
    /// nobody), then two snapshots: one with them all, one
    /// after a `kill -9` (the victim's last call never returns).
    static let scenario = """
        #!/bin/sh
        snapshot() {
            echo "@@osprey-mark $1"
            (
                read -r self rest < /proc/self/stat
                echo "@@self $self"
                for d in /proc/[0-9]*; do
                    p=${d#/proc/}
                    sed "s/^/@@stat /" $d/stat 2>/dev/null || continue
                    sed -n "s/^Uid:[[:space:]]*\\([0-9]*\\).*/@@uid $p \\1/p" $d/status
                    sed "s/^/@@map $p /" $d/maps
                    echo "@@cmdline $p $(od -An -v -tx1 $d/cmdline | tr -d '\\n')"
                    ls -l $d/fd | sed "s/^/@@fd $p /"
                done
                sed "s/^/@@tcp /" /proc/net/tcp
                sed "s/^/@@unix /" /proc/net/unix
            )
            echo "@@osprey-end $1"
        }
        cd /tmp
        sleep 1000 &
        victim=$!
        exec 7>/tmp/held.txt
        syslogd -n -O /tmp/messages &
        mkdir -p /tmp/www
        # A service account's long-lived process: su (seen as root) drops to nobody itself.
        grep -q '^nobody:' /etc/passwd || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
        su -s /bin/sh -c 'exec sleep 1000' nobody &
        # httpd daemonizes (its parent exits: it is reparented to init) and drops to nobody.
        httpd -p 127.0.0.1:8080 -h /tmp/www -u 65534:65534
        sleep 1
        sleep 1000 | nc 127.0.0.1 8080 &
        sleep 1
        logger osprey-hello
        snapshot 1
        kill -9 $victim
        wait $victim
        echo "victim status $?"
        snapshot 2
        killall nc syslogd sleep httpd
        wait
        exit 0

        """

    struct Case: CustomTestStringConvertible, Sendable {
        var kernel: String
        var extra: [String] = []
        var testDescription: String { extra.isEmpty ? kernel : "\(kernel) \(extra.joined(separator: " "))" }
    }

    static let cases = [
        Case(kernel: Fixtures.defaultKernel), Case(kernel: Fixtures.arm64Kernel), Case(kernel: "linux-image-5.10.0-46-amd64"),
        Case(kernel: Fixtures.defaultKernel, extra: ["-smp", "2"]),
    ]

    @Test(arguments: cases)
    func ospreysViewMatchesProc(_ c: Case) throws {
        let kernel = c.kernel
        let guest = try Fixtures.guest("proc-v2-\(kernel)", kernel: kernel, scenario: Self.scenario)
        let profile = try Fixtures.profile(kernel: kernel)
        let run = try Fixtures.trace(guest: guest, extraQemuArguments: c.extra, name: "proc-\(kernel)", profile: profile)
        #expect(run.outcome == .poweredOff(scenarioStatus: 0), "console:\n\(run.console.suffix(1500))")
        let snapshots = ProcSnapshot.all(in: run.console)
        #expect(snapshots.count == 2, "snapshots on the console: \(snapshots.count)")

        var totals = ProcComparison.Counts()
        for snapshot in snapshots {
            guard let seq = Self.markSeq(snapshot.mark, in: run.trace) else {
                Issue.record("no write of @@osprey-mark \(snapshot.mark) in the trace")
                continue
            }
            let state = SystemState(events: run.trace.objectEvents, upTo: seq)
            let end = Self.markSeq(snapshot.mark, in: run.trace, marker: "@@osprey-end").map { SystemState(events: run.trace.objectEvents, upTo: $0) }
            let comparison = ProcComparison(guest: snapshot, osprey: state, end: end)
            print("[proc \(c.testDescription)] mark \(snapshot.mark) at seq \(seq): \(comparison.counts)")
            for problem in comparison.mismatches.prefix(40) { Issue.record("mark \(snapshot.mark): \(problem)") }
            let json = try JSONEncoder().encode(ProcessSnapshot(state))
            for problem in ProcComparison.checkJSON(json, against: snapshot).prefix(20) { Issue.record("mark \(snapshot.mark): \(problem)") }
            totals.add(comparison.counts)
        }
        print("[proc \(c.testDescription)] compared in all: \(totals)")
        #expect(totals.processes >= 20 && totals.userProcesses >= 6 && totals.uids >= 20 && totals.descriptors >= 20 && totals.regions >= 40
                && totals.tcp >= 2 && totals.unix >= 1, "too little compared: \(totals)")

        // The victim died by SIGKILL in its nanosleep, with no call of its own after: reported
        // as exited with the signal when the kernel wrote its exit_state (the watched store).
        let end = SystemState(events: run.trace.objectEvents)
        let victims = end.exited.filter { $0.comm == "sleep" && $0.exit?.signal == 9 && $0.exit?.how == "exit_state" }
        #expect(victims.count >= 1, "no sleep reported killed by signal 9; exits: \(end.exited.suffix(12).map { "\($0.pid) \($0.comm) \(String(describing: $0.exit))" })")
    }

    /// The seq of the scenario shell's `write` of `@@osprey-mark N`.
    static func markSeq(_ mark: Int, in trace: TraceFile, marker name: String = "@@osprey-mark") -> UInt64? {
        let marker = Array("\(name) \(mark)\n".utf8)
        return trace.syscalls.first { call in
            call.name == "write" && call.decoded.bytes(1).map { $0.starts(with: marker) } == true
        }?.seq
    }
}
