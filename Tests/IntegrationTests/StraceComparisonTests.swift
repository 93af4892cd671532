import Foundation
import OspreyCore
import OspreyTools
import Testing

/// Osprey's view of the programs `strace -f` runs inside the same guest, during the same
/// traced run: the calls per process in the same order, and each call's line as
/// `osprey syscalls` prints it against strace's own line.
@Suite("Syscalls against strace in the same guest", .serialized)
struct StraceComparisonTests {
    /// File operations, process creation, pipes, a failing open, a TCP connection over
    /// loopback with busybox nc, and a dynamically linked program (getconf) whose loader
    /// maps files.
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
        cat /nonexistent/file
        nc -l -p 5555 > $d/recv &
        sleep 1
        echo hello over tcp | nc 127.0.0.1 5555
        wait
        cat $d/recv
        getconf PAGESIZE
        rm $d/f $d/g $d/list $d/recv
        EOS
        strace -f -o /tmp/strace.txt sh /tmp/work.sh
        rc=$?
        echo OSPREY-STRACE-BEGIN
        cat /tmp/strace.txt
        echo OSPREY-STRACE-END
        exit $rc

        """

    /// The bars of the issue: name and result, and the whole line after pointer values are
    /// normalised.
    static let nameAndResultBar = 0.995
    static let wholeLineBar = 0.95

    @Test(arguments: [Fixtures.defaultKernel, Fixtures.arm64Kernel])
    func everyStracedCallMatchesOspreysLine(kernel: String) throws {
        let guest = try Fixtures.guest("strace-v2-\(kernel)", kernel: kernel, packages: ["strace", "libc-bin"], scenario: Self.scenario)
        let run = try Fixtures.trace(guest: guest, name: "strace-\(kernel)")
        #expect(run.outcome == .poweredOff(scenarioStatus: 0), "console:\n\(run.console.suffix(3000))")

        guard let begin = run.console.range(of: "OSPREY-STRACE-BEGIN"),
              let end = run.console.range(of: "OSPREY-STRACE-END", range: begin.upperBound..<run.console.endIndex)
        else {
            Issue.record("no strace output on the console:\n\(run.console.suffix(3000))")
            return
        }
        let strace = StraceLog(String(run.console[begin.upperBound..<end.lowerBound]))
        #expect(strace.pids.count >= 10, "strace saw too few processes: \(strace.pids)")

        var compared = 0, sameOrder = 0, nameAndResult = 0, whole = 0
        var misses: [String] = []
        for (index, pid) in strace.pids.enumerated() {
            let expected = strace.callsByPID[pid] ?? []
            var ours = run.trace.syscalls.filter { $0.pid == pid && $0.end != "child" }.sorted { $0.entry < $1.entry }
            if index == 0, let exec = ours.firstIndex(where: { $0.name == "execve" && $0.end == "exec" }) {
                // strace shows its child from the execve it starts; before that the child ran
                // strace's own set-up code, which Osprey sees too.
                ours = Array(ours[exec...])
            }
            compared += expected.count
            if ours.map(\.displayName) == expected.map(\.name) {
                sameOrder += expected.count
            } else {
                Issue.record("pid \(pid): \(ours.count) calls in Osprey vs \(expected.count) in strace: names differ")
            }
            for (i, call) in expected.enumerated() {
                guard i < ours.count else { break }
                let theirs = StraceLog.normalised(call.line)
                let mine = StraceLog.normalised(SyscallLineFormatter.line(ours[i], withPID: false))
                if ours[i].displayName == call.name && StraceLog.result(mine) == StraceLog.result(theirs) { nameAndResult += 1 }
                if mine == theirs {
                    whole += 1
                } else {
                    misses.append("  strace: \(theirs)\n  osprey: \(mine)")
                }
            }
        }
        let nameRate = Double(nameAndResult) / Double(max(compared, 1))
        let lineRate = Double(whole) / Double(max(compared, 1))
        print("[strace \(kernel)] \(strace.pids.count) processes, \(compared) calls: \(sameOrder) in the same order, name+result \(nameAndResult) (\(String(format: "%.2f", nameRate * 100))%), whole line \(whole) (\(String(format: "%.2f", lineRate * 100))%)")
        for miss in misses.prefix(40) { print(miss) }
        checkFileLog(run.trace, strace: strace, kernel: kernel)
        #expect(compared > 500)
        #expect(sameOrder == compared)
        #expect(nameRate >= Self.nameAndResultBar, "name+result agree for \(nameAndResult) of \(compared)")
        #expect(lineRate >= Self.wholeLineBar, "whole lines agree for \(whole) of \(compared)")
    }

    /// Every file strace saw a traced process open is in `osprey files` with the same pid,
    /// name (made absolute), mode and handle, or the same error.
    func checkFileLog(_ trace: TraceFile, strace: StraceLog, kernel: String) {
        let opens = FileOperationLog.operations(in: trace).filter { $0.op == "open" }
        var checked = 0
        for pid in strace.pids {
            var cwd = "/"
            for call in strace.callsByPID[pid] ?? [] {
                let line = StraceLog.normalised(call.line)
                if call.name == "chdir", let path = Self.quotedPath(line), StraceLog.result(line) == "0" {
                    cwd = path.hasPrefix("/") ? path : cwd + "/" + path
                }
                guard call.name == "open" || call.name == "openat", let path = Self.quotedPath(line) else { continue }
                let absolute = path.hasPrefix("/") ? path : (cwd == "/" ? "/" : cwd + "/") + path
                let result = StraceLog.result(line)
                let mode = Self.mode(ofStraceLine: line)
                let found = opens.contains { op in
                    guard op.pid == pid, op.name == GuestText(absolute), Set((op.mode ?? "").split(separator: "|")) == Set(mode.split(separator: "|")) else { return false }
                    if let fd = Int(result) { return op.handle == fd && op.error == nil }
                    return op.error.map { result.hasPrefix("-1 \($0) ") } ?? false
                }
                checked += 1
                #expect(found, "pid \(pid): strace `\(line)` (\(absolute), \(mode)) is not in osprey files: \(opens.filter { $0.pid == pid }.map(\.line))")
            }
        }
        print("[files \(kernel)] \(checked) opens strace saw checked against osprey files")
        #expect(checked >= 15)
    }

    /// The first quoted string of a line (the path of open, openat, chdir).
    static func quotedPath(_ line: String) -> String? {
        guard let start = line.firstIndex(of: "\""), let end = line[line.index(after: start)...].firstIndex(of: "\"") else { return nil }
        return String(line[line.index(after: start)..<end])
    }

    /// READ, WRITE or READ|WRITE with CREATE, EXCL, TRUNCATE, APPEND, DIRECTORY, from strace's
    /// O_* flags (the words `osprey files` uses).
    static func mode(ofStraceLine line: String) -> String {
        var parts = line.contains("O_RDWR") ? ["READ", "WRITE"] : line.contains("O_WRONLY") ? ["WRITE"] : ["READ"]
        for (flag, word) in [("O_CREAT", "CREATE"), ("O_EXCL", "EXCL"), ("O_TRUNC", "TRUNCATE"), ("O_APPEND", "APPEND"), ("O_DIRECTORY", "DIRECTORY")]
        where line.contains(flag) {
            parts.append(word)
        }
        return parts.joined(separator: "|")
    }
}
