import Foundation
import OspreyTools
import Testing

/// Osprey's syscall sequence per process against `strace -f` run inside the same guest on
/// the same programs, during the same traced run.
@Suite("Syscall names against strace in the same guest", .serialized)
struct StraceComparisonTests {
    static let scenario = """
        #!/bin/sh
        cat > /tmp/work.sh <<'EOS'
        d=/tmp/sc
        mkdir -p $d
        echo data > $d/f
        cat $d/f | wc -c
        cp $d/f $d/g
        ls $d > $d/list
        cat $d/list
        (cd $d && cat g) | tr a-z A-Z
        rm $d/f $d/g $d/list
        EOS
        strace -f -o /tmp/strace.txt sh /tmp/work.sh
        rc=$?
        echo OSPREY-STRACE-BEGIN
        cat /tmp/strace.txt
        echo OSPREY-STRACE-END
        exit $rc

        """

    @Test(arguments: [Fixtures.defaultKernel, Fixtures.arm64Kernel])
    func everyStracedProcessHasTheSameCallsInTheSameOrder(kernel: String) throws {
        let guest = try Fixtures.guest("strace-\(kernel)", kernel: kernel, packages: ["strace"], scenario: Self.scenario)
        let run = try Fixtures.trace(guest: guest, name: "strace-\(kernel)")
        #expect(run.outcome == .poweredOff(scenarioStatus: 0), "console:\n\(run.console.suffix(3000))")

        guard let begin = run.console.range(of: "OSPREY-STRACE-BEGIN"),
              let end = run.console.range(of: "OSPREY-STRACE-END", range: begin.upperBound..<run.console.endIndex)
        else {
            Issue.record("no strace output on the console:\n\(run.console.suffix(3000))")
            return
        }
        let strace = StraceLog(String(run.console[begin.upperBound..<end.lowerBound]))
        #expect(strace.pids.count >= 5, "strace saw too few processes: \(strace.pids)")

        var compared = 0, matched = 0
        for (index, pid) in strace.pids.enumerated() {
            let expected = strace.callsByPID[pid] ?? []
            var ours = run.trace.syscalls.filter { $0.pid == pid && $0.end != "child" }.sorted { $0.entry < $1.entry }
            if index == 0, let exec = ours.firstIndex(where: { $0.name == "execve" && $0.end == "exec" }) {
                // strace shows its child from the execve it starts; before that the child ran
                // strace's own set-up code, which Osprey sees too.
                ours = Array(ours[exec...])
            }
            let names = ours.map(\.displayName)
            compared += expected.count
            if names == expected {
                matched += expected.count
            } else {
                let diff = firstDifference(names, expected)
                Issue.record("pid \(pid): \(names.count) calls in Osprey vs \(expected.count) in strace; first difference at \(diff): osprey \(names.dropFirst(max(0, diff - 2)).prefix(5)) strace \(expected.dropFirst(max(0, diff - 2)).prefix(5))")
            }
        }
        print("[strace \(kernel)] \(strace.pids.count) processes, \(compared) calls in strace, \(matched) matched in order")
        #expect(compared > 100)
        #expect(matched == compared)
    }

    func firstDifference(_ a: [String], _ b: [String]) -> Int {
        for i in 0..<min(a.count, b.count) where a[i] != b[i] { return i }
        return min(a.count, b.count)
    }
}
