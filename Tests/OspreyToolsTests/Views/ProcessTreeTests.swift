import Foundation
import Testing
@testable import OspreyTools

/// A small guest: kthreadd with one worker, init, its shell, and the shell's children.
private func guest() -> ObjectTraceScript {
    var s = ObjectTraceScript()
    s.start(2, ppid: 0, comm: "kthreadd", kernelThread: true, exe: nil)
    s.start(7, ppid: 2, comm: "kworker/0:0", state: "I", kernelThread: true, exe: nil)
    s.start(1, ppid: 0, comm: "init", argv: ["/bin/busybox", "sh", "/init"])
    s.open(1, fd: 2, path: "/dev/console")
    s.open(1, fd: 0, path: "/dev/console")
    s.open(1, fd: 1, path: "/dev/console")
    s.start(84, ppid: 1, argv: ["sh", "/scenario.sh"], state: "R")
    s.event("region", "map", pid: 84, strings: ["start": "0x7ffc0000", "end": "0x7ffd0000", "perms": "rw-p", "offset": "0x0", "path": "[stack]"])
    s.event("region", "map", pid: 84, strings: ["start": "0x400000", "end": "0x401000", "perms": "r--p", "offset": "0x1000", "path": "/bin/busybox"])
    s.start(95, ppid: 84, argv: ["sh", "/scenario.sh"])
    s.exec(95, comm: "exe", argv: ["cat", "/tmp/a.txt"])
    s.start(96, ppid: 84, argv: ["sleep", "1000"])
    return s
}

@Suite("osprey ps: process tree and snapshot")
struct ProcessTreeTests {
    @Test func childrenSitUnderTheirParentsAndEndsAreMarked() {
        var s = guest()
        s.exit(95, code: 0)
        s.exit(96, signal: 9, how: "exit")
        let tree = ProcessTree(SystemState(events: s.events))
        #expect(tree.rows.map(\.process.pid) == [1, 84, 95, 96, 2, 7])
        #expect(tree.rows.map(\.depth) == [0, 1, 2, 2, 0, 1])
        let lines = tree.render().split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("    PID    PPID S"))
        #expect(lines[1] == "      1       0 S        0  /bin/busybox sh /init")
        #expect(lines[3] == "     95      84 Z        0       \\_ cat /tmp/a.txt  (exited 0)")
        #expect(lines[4].hasSuffix("\\_ sleep 1000  (killed by SIGKILL)"))
        #expect(lines[5] == "      2       0 S        0  [kthreadd]")
        #expect(lines[6] == "      7       2 I        0   \\_ [kworker/0:0]")
    }

    @Test func aFilterKeepsTheTreeOfWhatItShows() {
        let state = SystemState(events: guest().events)
        let tree = ProcessTree(state) { $0.pid != 84 }
        // 95 and 96 lost their parent from view: they become roots.
        #expect(tree.rows.map(\.process.pid) == [1, 2, 7, 95, 96])
        #expect(tree.rows.filter { $0.process.pid >= 95 }.allSatisfy { $0.depth == 0 })
    }

    @Test func snapshotInTheMiddleHasTheShapeAndOrderPromised() throws {
        var s = guest()
        let middle = s.seq
        s.close(1, fd: 1, path: "/dev/console")
        s.exit(95, code: 3)
        let state = SystemState(events: s.events, upTo: middle)
        let snapshot = ProcessSnapshot(state)
        #expect(snapshot.seq == middle)
        let initial = try #require(snapshot.processes.first { $0.pid == 1 })
        #expect(initial.fds.map(\.fd) == [0, 1, 2])
        #expect(initial.fds.allSatisfy { $0.path == "/dev/console" })
        let shell = try #require(snapshot.processes.first { $0.pid == 84 })
        #expect(shell.maps.map(\.start) == ["0x400000", "0x7ffc0000"])
        #expect(shell.maps[0].offset == "0x1000")

        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(snapshot)) as! [String: Any]
        #expect(Set(json.keys) == ["seq", "processes"])
        let processes = json["processes"] as! [[String: Any]]
        #expect(processes.map { $0["pid"] as! Int } == [1, 2, 7, 84, 95, 96])
        let base: Set = ["pid", "ppid", "tgid", "comm", "cmdline", "exe", "state", "uid", "fds", "maps", "threads", "kernel_thread"]
        for p in processes {  // nobody has exited yet at `middle`; argv is there with a command line
            #expect(Set(p.keys) == (p["cmdline"] is NSNull ? base : base.union(["argv"])))
        }
        let kthreadd = processes[1]
        #expect(kthreadd["cmdline"] is NSNull)
        #expect(kthreadd["exe"] is NSNull)
        #expect(kthreadd["kernel_thread"] as? Bool == true)
        #expect(kthreadd["threads"] as? [Int] == [2])
        #expect(processes[0]["tgid"] as? Int == 1)
        #expect(processes[4]["cmdline"] as? String == "cat /tmp/a.txt")
        #expect((processes[0]["fds"] as! [[String: Any]]).first.map { Set($0.keys) } == ["fd", "path"])
        #expect((processes[3]["maps"] as! [[String: Any]]).first.map { Set($0.keys) } == ["start", "end", "perms", "offset", "path"])

        let end = try JSONSerialization.jsonObject(with: JSONEncoder().encode(ProcessSnapshot(SystemState(events: s.events)))) as! [String: Any]
        let cat = (end["processes"] as! [[String: Any]]).first { $0["pid"] as? Int == 95 }!
        #expect(cat["exit_code"] as? Int == 3)
        #expect(cat["exit_signal"] == nil)
        #expect(cat["state"] as? String == "Z")
    }

    @Test func aKilledProcessHasItsSignalAndNoCode() throws {
        var s = guest()
        s.event("process", "exit", pid: 96, strings: ["how": "exit"], integers: ["signal": 9, "code": 0], flags: ["core": false])
        let entry = try #require(ProcessSnapshot(SystemState(events: s.events)).processes.first { $0.pid == 96 })
        #expect(entry.exitSignal == 9)
        #expect(entry.exitCode == nil)
    }

    @Test func oddEventsNeitherTrapNorInvent() {
        var s = ObjectTraceScript()
        s.open(500, fd: 3, path: "/never/started")          // a pid never started
        s.close(84, fd: 9)                                    // close without open
        s.event("process", "start", pid: 10, strings: [:])    // no ppid, state, argv
        s.event("process", "exit", pid: 11, strings: [:])     // exit of an unknown pid
        s.event("file", "open", pid: 10, strings: ["path": "/x"])  // no fd
        s.event("region", "map", pid: 10, strings: ["start": "0x1000"])  // no end
        s.event("region", "map", pid: 10, strings: ["start": "zz", "end": "0x2000"])
        s.start(20, ppid: 21)                                 // a parent loop: 20 <-> 21
        s.start(21, ppid: 20)
        s.start(22, ppid: 22)                                 // its own parent
        s.start(23, ppid: 1)
        s.event("process", "exit", pid: 23, strings: ["how": "vanished"])
        s.event("process", "exit", pid: 22, integers: ["signal": 1234])
        let state = SystemState(events: s.events)
        let tree = ProcessTree(state)
        #expect(tree.rows.map(\.process.pid).sorted() == [10, 20, 21, 22, 23])
        #expect(Set(tree.rows.map(\.process.pid)).count == tree.rows.count)
        let text = tree.render()
        #expect(text.contains("[sh]"))
        #expect(text.contains("(ended (vanished))"))
        #expect(text.contains("(killed by 1234)"))
        let p10 = ProcessSnapshot(state).processes.first { $0.pid == 10 }
        #expect(p10?.fds == [])
        #expect(p10?.maps == [])
        #expect(p10?.state == "?")
        #expect(p10?.uid == nil)
        #expect(ProcessTree(SystemState()).render() == "    PID    PPID S      UID  COMMAND\n")
    }
}
