import Foundation
import Testing
@testable import OspreyTools

private let ePIPE = Int64(-32)

@Suite("osprey flow")
struct DataFlowGraphTests {
    /// `cat a.txt | wc -c`: the shell makes a pipe, its children inherit it and move it onto 1 and 0.
    @Test func aShellPipelineFlowsThroughItsPipe() {
        var s = ObjectTraceScript()
        s.start(84, ppid: 1)
        s.open(84, fd: 1, path: "/dev/console")
        s.pipe(84, inode: 9919, read: 3, write: 4)
        s.start(95, ppid: 84)
        s.open(95, fd: 1, path: "pipe:[9919]", kind: "pipe", inode: 9919, flags: 1, comm: "cat")
        s.open(95, fd: 3, path: "/tmp/a.txt", comm: "cat")
        s.start(96, ppid: 84)
        s.open(96, fd: 0, path: "pipe:[9919]", kind: "pipe", inode: 9919, flags: 0, comm: "wc")
        s.open(96, fd: 1, path: "/dev/console", comm: "wc")
        s.call("read", [3, 0x5000, 0x1000], 6, pid: 95, comm: "cat")
        s.call("write", [1, 0x5000, 6], 6, pid: 95, comm: "cat")
        s.call("write", [1, 0x5000, 6], ePIPE, pid: 95, comm: "cat")  // failed: moved nothing
        s.call("read", [3, 0x5000, 0x1000], 0, pid: 95, comm: "cat")  // end of file
        s.call("read", [0, 0x6000, 0x1000], 4, pid: 96, comm: "wc")
        s.call("read", [0, 0x6000, 0x1000], 2, pid: 96, comm: "wc")
        s.call("write", [1, 0x6000, 2], 2, pid: 96, comm: "wc")
        let graph = DataFlowGraph(syscalls: s.calls.reversed(), events: s.events.shuffled())
        #expect(graph.unresolved == 0)
        #expect(graph.nodes.map(\.id) == ["pid:95", "pid:96", "file:/dev/console", "file:/tmp/a.txt", "pipe:9919"])
        #expect(graph.nodes[0].label == "95 cat")
        #expect(graph.nodes[4].kind == .pipe && graph.nodes[4].label == "pipe:[9919]")
        #expect(graph.edges == [
            .init(from: "file:/tmp/a.txt", to: "pid:95", bytes: 6, calls: 1),
            .init(from: "pid:95", to: "pipe:9919", bytes: 6, calls: 1),
            .init(from: "pid:96", to: "file:/dev/console", bytes: 2, calls: 1),
            .init(from: "pipe:9919", to: "pid:96", bytes: 6, calls: 2),
        ])
    }

    /// Each call sees the descriptor table of its moment, not the end's.
    @Test func descriptorsAreResolvedAtTheMomentOfTheCall() {
        var s = ObjectTraceScript()
        s.start(84, ppid: 1)
        s.open(84, fd: 1, path: "/dev/console")
        s.call("write", [1, 0, 5], 5, pid: 84)
        s.close(84, fd: 1, path: "/dev/console")
        s.open(84, fd: 1, path: "/tmp/out.txt", flags: 1)
        s.call("writev", [1, 0, 2], 7, pid: 84)
        s.close(84, fd: 1, path: "/tmp/out.txt")
        s.call("write", [1, 0, 5], 5, pid: 84)  // fd 1 is closed now
        let graph = DataFlowGraph(syscalls: s.calls, events: s.events)
        #expect(graph.edges.map { "\($0.to) \($0.bytes)" } == ["file:/dev/console 5", "file:/tmp/out.txt 7"])
        #expect(graph.unresolved == 1)
    }

    @Test func theTwoEndsOfALoopbackConnectionAreOneChannel() throws {
        var s = ObjectTraceScript()
        s.start(126, ppid: 84, comm: "nc")
        s.start(131, ppid: 84, comm: "nc")
        s.open(131, fd: 3, path: "socket:[9989]", kind: "socket", inode: 9989, flags: 2, comm: "nc")
        s.open(131, fd: 5, path: "/tmp/in.txt", comm: "nc")
        s.open(126, fd: 4, path: "socket:[9982]", kind: "socket", inode: 9982, flags: 2, comm: "nc", local: "127.0.0.2:8080", remote: "127.0.0.1:46992")
        s.socket("connect", 131, fd: 3, inode: 9989, local: "127.0.0.1:46992", remote: "127.0.0.2:8080")
        s.open(126, fd: 1, path: "/tmp/received.txt", comm: "nc")
        s.call("sendfile", [3, 5, 0, 0x1000000], 15, pid: 131, comm: "nc")  // out 3, in 5
        s.call("recvfrom", [4, 0, 0x400, 0, 0, 0], 15, pid: 126, comm: "nc")
        s.call("write", [1, 0, 15], 15, pid: 126, comm: "nc")
        s.start(200, ppid: 1)
        s.open(200, fd: 3, path: "socket:[300]", kind: "socket", inode: 300, local: "10.0.0.2:5000", remote: "10.0.0.9:80")
        s.call("sendto", [3, 0, 9, 0, 0, 0], 9, pid: 200)  // to a machine outside: stays a socket
        let graph = DataFlowGraph(syscalls: s.calls, events: s.events)
        let channel = try #require(graph.nodes.first { $0.kind == .channel })
        #expect(channel.id == "channel:9982+9989")
        #expect(channel.inodes == [9982, 9989])
        #expect(channel.label.contains("127.0.0.1:46992") && channel.label.contains("127.0.0.2:8080"))
        #expect(!graph.nodes.contains { $0.id == "socket:9982" || $0.id == "socket:9989" })
        #expect(graph.nodes.contains { $0.id == "socket:300" && $0.kind == .socket && $0.label == "socket:[300]\n10.0.0.2:5000 -> 10.0.0.9:80" })
        #expect(graph.edges.map { "\($0.from) -> \($0.to) \($0.bytes)" } == [
            "channel:9982+9989 -> pid:126 15",
            "file:/tmp/in.txt -> pid:131 15",
            "pid:126 -> file:/tmp/received.txt 15",
            "pid:131 -> channel:9982+9989 15",
            "pid:200 -> socket:300 9",
        ])
    }

    @Test func socketpairEndsAreOneChannel() {
        var s = ObjectTraceScript()
        s.start(50, ppid: 1)
        s.open(50, fd: 3, path: "socket:[700]", kind: "socket", inode: 700)
        s.open(50, fd: 4, path: "socket:[701]", kind: "socket", inode: 701)
        s.event("socket", "pair", pid: 50, lists: ["fds": ["3", "4"], "inodes": ["700", "701"]])
        s.start(51, ppid: 50)
        s.open(51, fd: 4, path: "socket:[701]", kind: "socket", inode: 701, flags: 2)
        s.call("write", [3, 0, 3], 3, pid: 50)
        s.call("read", [4, 0, 3], 3, pid: 51)
        let graph = DataFlowGraph(syscalls: s.calls, events: s.events)
        #expect(graph.edges.map { "\($0.from) -> \($0.to)" } == ["channel:700+701 -> pid:51", "pid:50 -> channel:700+701"])
    }

    @Test func oddCallsNeitherTrapNorInvent() {
        var s = ObjectTraceScript()
        s.start(10, ppid: 1)
        s.open(10, fd: 0, path: "/dev/null")
        s.close(10, fd: 7)                                                 // close without open
        s.call("read", [0, 0, 1], 1, pid: nil, comm: nil)                  // process never identified
        s.call("read", [0, 0, 1], 1, pid: 999)                             // pid without state
        s.call("read", [0xFFFF_FFFF, 0, 1], 1, pid: 10)                    // fd -1
        s.call("read", [0x1_0000_0000, 0, 1], 1, pid: 10)                  // fd 0 in the low 32 bits
        s.call("splice", [7], 4, pid: 10)                                  // fd 7 not open, too few arguments
        s.call("read", [], 4, pid: 10)
        s.call("write", [0, 0, 1], Int64.max, pid: 10)
        s.call("write", [0, 0, 1], Int64.max, pid: 10)                     // the sum saturates
        s.call("write", [0, 0, 1], nil, pid: 10, end: "unfinished")
        s.call("read", [0, 0, 1], 1, pid: 10, end: "child")
        s.call("frobnicate", [0, 0, 1], 1, pid: 10)
        s.call(name: nil, pid: 10)
        s.event("file", "open", pid: 10, strings: ["kind": "pipe", "path": "weird\"name\\\n"], integers: ["fd": 5])
        s.call("write", [5, 0, 1], 1, pid: 10)
        let graph = DataFlowGraph(syscalls: s.calls, events: s.events)
        #expect(graph.unresolved == 6)  // nil pid, pid 999, fd -1, splice's two, read without arguments
        #expect(graph.edges.contains { $0.from == "file:/dev/null" && $0.bytes == 1 && $0.calls == 1 })
        #expect(graph.edges.contains { $0.to == "file:/dev/null" && $0.bytes == Int64.max && $0.calls == 2 })
        // Guest names in ids and labels are escaped tokens; DOT quoting then escapes those.
        #expect(graph.nodes.contains { $0.id == #"pipe:"weird\"name\\\n""# && $0.label == #""weird\"name\\\n""# })
        let dot = graph.dot()
        #expect(dot.contains(#"  "pipe:\"weird\\\"name\\\\\\n\"" [shape=diamond, label="\"weird\\\"name\\\\\\n\""];"#))
        #expect(DataFlowGraph(syscalls: [], events: []).dot() == "digraph flow {\n  rankdir=LR;\n  node [fontname=\"monospace\", fontsize=10];\n  edge [fontname=\"monospace\", fontsize=9];\n}\n")
    }

    @Test func dotDrawsEachKindItsWayAndLabelsTheBytes() {
        let graph = DataFlowGraph(nodes: [
            .init(id: "pid:1", kind: .process, label: "1 init", pid: 1),
            .init(id: "file:/a", kind: .file, label: "/a", path: "/a"),
            .init(id: "other:anon_inode:[eventfd]", kind: .other, label: "anon_inode:[eventfd]"),
        ], edges: [.init(from: "pid:1", to: "file:/a", bytes: 10, calls: 2)], unresolved: 0)
        let dot = graph.dot()
        #expect(dot.contains("\"pid:1\" [shape=box, style=bold, label=\"1 init\"];"))
        #expect(dot.contains("\"file:/a\" [shape=ellipse, label=\"/a\"];"))
        #expect(dot.contains("[shape=ellipse, style=dashed, label=\"anon_inode:[eventfd]\"];"))
        #expect(dot.contains("\"pid:1\" -> \"file:/a\" [label=\"10 bytes in 2 calls\"];"))
        #expect(DataFlowGraph.quoted("a\u{1}b\tc") == "\"abc\"")
    }
}

extension ObjectTraceScript {
    /// A call the trace could not name.
    mutating func call(name: String?, pid: Int) {
        call(name ?? "", [0, 0, 1], 1, pid: pid)
        calls[calls.count - 1].name = name
    }
}
