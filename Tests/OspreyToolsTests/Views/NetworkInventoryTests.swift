import Foundation
import Testing
@testable import OspreyTools

/// A TCP server (126) and client (131) over loopback, then both exit.
private func tcpSession() -> (ObjectTraceScript, connected: UInt64) {
    var s = ObjectTraceScript()
    s.start(126, ppid: 84, comm: "nc", argv: ["nc", "-l", "-p", "8080"])
    s.open(126, fd: 3, path: "socket:[9979]", kind: "socket", inode: 9979, flags: 2, comm: "nc", local: "0.0.0.0:0", remote: "0.0.0.0:0")
    s.socket("create", 126, fd: 3, inode: 9979, local: "0.0.0.0:0", remote: "0.0.0.0:0", type: 1)
    s.socket("bind", 126, fd: 3, inode: 9979, local: "0.0.0.0:8080", remote: "0.0.0.0:0")
    s.socket("listen", 126, fd: 3, inode: 9979, local: "0.0.0.0:8080", remote: "0.0.0.0:0")
    s.start(131, ppid: 84, comm: "nc", argv: ["nc", "127.0.0.2", "8080"])
    s.open(131, fd: 3, path: "socket:[9989]", kind: "socket", inode: 9989, flags: 2, comm: "nc")
    s.socket("create", 131, fd: 3, inode: 9989, local: "0.0.0.0:0", remote: "0.0.0.0:0", type: 1)
    s.open(126, fd: 4, path: "socket:[9982]", kind: "socket", inode: 9982, flags: 2, comm: "nc", local: "127.0.0.2:8080", remote: "127.0.0.1:46992")
    s.socket("accept", 126, fd: 4, inode: 9982, local: "127.0.0.2:8080", remote: "127.0.0.1:46992")
    let connected = s.socket("connect", 131, fd: 3, inode: 9989, local: "127.0.0.1:46992", remote: "127.0.0.2:8080")
    s.close(126, fd: 3, path: "socket:[9979]")
    s.exit(131, code: 0)
    s.exit(126, code: 0)
    return (s, connected)
}

@Suite("osprey net")
struct NetworkInventoryTests {
    @Test func socketsHaveTheirEventsAddressesAndHolders() throws {
        let (s, _) = tcpSession()
        let inventory = NetworkInventory(events: s.events)
        #expect(inventory.sockets.map(\.inode) == [9979, 9982, 9989])
        let listener = inventory.sockets[0]
        #expect(listener.protocolName == "tcp")
        #expect(listener.state == "LISTEN")
        #expect(listener.local == "0.0.0.0:8080")
        #expect(listener.events.map(\.event) == ["create", "bind", "listen"])
        #expect(listener.holders == [NetworkInventory.Holder(pid: 126, comm: "nc", fd: 3)])
        let accepted = inventory.sockets[1]
        #expect(accepted.protocolName == "tcp")  // accept implies a stream socket
        #expect(accepted.state == "ESTABLISHED")
        #expect(accepted.remote == "127.0.0.1:46992")
        #expect(inventory.sockets[2].local == "127.0.0.1:46992" && inventory.sockets[2].remote == "127.0.0.2:8080")
        #expect(inventory.alive.isEmpty)  // everybody exited
        let text = inventory.render()
        #expect(text.contains("socket:[9979] tcp 0.0.0.0:8080  LISTEN\n    held by 126 nc fd 3\n"))
        #expect(text.contains("socket:[9989] tcp 127.0.0.1:46992 -> 127.0.0.2:8080  ESTABLISHED"))
        #expect(text.hasSuffix("inet sockets alive after seq \(s.seq)\n  (none)\n"))
    }

    @Test func aliveListsTheInetSocketsOpenInLiveProcesses() throws {
        let (s, connected) = tcpSession()
        let inventory = NetworkInventory(events: s.events, upTo: connected)
        #expect(inventory.seq == connected)
        #expect(inventory.alive.map(\.inode) == [9979, 9982, 9989])
        #expect(inventory.alive.map(\.state) == ["LISTEN", "ESTABLISHED", "ESTABLISHED"])
        #expect(inventory.alive[1].holders == [NetworkInventory.Holder(pid: 126, comm: "nc", fd: 4)])
        #expect(inventory.render().contains("tcp    127.0.0.2:8080         127.0.0.1:46992        ESTABLISHED  9982     126 nc fd 4\n"))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(inventory.alive[0])) as! [String: Any]
        #expect(Set(json.keys) == ["protocol", "local", "remote", "state", "inode", "holders"])
    }

    @Test func pipesListTheirCreatorAndEnds() throws {
        var s = ObjectTraceScript()
        s.start(84, ppid: 1)
        let created = s.pipe(84, inode: 9919, read: 3, write: 4)
        s.start(95, ppid: 84)
        s.open(95, fd: 1, path: "pipe:[9919]", kind: "pipe", inode: 9919, flags: 1)
        s.start(96, ppid: 84)
        s.open(96, fd: 0, path: "pipe:[9919]", kind: "pipe", inode: 9919, flags: 0)
        s.open(96, fd: 0, path: "pipe:[9919]", kind: "pipe", inode: 9919, flags: 0)  // seen twice: listed once
        s.open(97, fd: 5, path: "pipe:[4242]", kind: "pipe", flags: 2)               // inode only in the name
        let inventory = NetworkInventory(events: s.events)
        #expect(inventory.pipes.map(\.inode) == [4242, 9919])
        let p = inventory.pipes[1]
        #expect(p.seq == created && p.creator == 84 && p.readFD == 3 && p.writeFD == 4)
        #expect(p.holders.map { "\($0.pid)/\($0.fd)/\($0.end ?? "-")" } == ["84/3/read", "84/4/write", "95/1/write", "96/0/read"])
        #expect(inventory.pipes[0].creator == nil && inventory.pipes[0].holders.first?.end == "read-write")
        let text = inventory.render()
        #expect(text.contains("pipe:[9919] created by 84 sh at seq \(created) (read fd 3, write fd 4)\n"))
        #expect(text.contains("pipe:[4242] (created before the trace saw it)\n"))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(inventory.pipes[0])) as! [String: Any]
        #expect(json["seq"] is NSNull && json["creator"] is NSNull)
    }

    @Test func socketpairEndsKnowEachOther() {
        var s = ObjectTraceScript()
        s.start(50, ppid: 1)
        s.event("socket", "pair", pid: 50, integers: ["family": 1, "socket_type": 1], lists: ["fds": ["3", "4"], "inodes": ["700", "701"]])
        let inventory = NetworkInventory(events: s.events)
        #expect(inventory.sockets.map(\.inode) == [700, 701])
        #expect(inventory.sockets.map(\.peer) == [701, 700])
        #expect(inventory.sockets.map(\.state) == ["PAIRED", "PAIRED"])
        #expect(inventory.sockets[1].holders.map(\.fd) == [4])
        #expect(inventory.sockets[0].protocolName == "unix")
    }

    @Test func oddEventsNeitherTrapNorInvent() {
        var s = ObjectTraceScript()
        s.event("socket", "connect", pid: 9, integers: [:])                       // no fd, no inode
        s.event("socket", "bind", pid: 9, integers: ["fd": 3])                    // fd of a pid never seen
        s.event("pipe", "create", pid: 9, integers: ["read_fd": 3])               // no inode
        s.event("socket", "pair", pid: 9, lists: ["fds": ["x"], "inodes": ["y", "12", "13", "14"]])
        s.event("file", "open", pid: 9, strings: ["path": "socket:[", "kind": "socket"], integers: ["fd": 5])
        s.event("file", "open", pid: 9, strings: ["path": "socket:[77]", "kind": "socket"], integers: ["fd": 6])
        s.event("socket", "listen", pid: 9, integers: ["fd": 6, "family": 99])   // inode from the descriptor? pid 9 never started
        s.close(9, fd: 6)                                                         // close of a pid never started
        let inventory = NetworkInventory(events: s.events)
        #expect(inventory.sockets.map(\.inode) == [12, 13, 14, 77])
        #expect(inventory.sockets.allSatisfy { $0.peer == nil })  // three "ends": no pair
        #expect(inventory.sockets[0].holders.isEmpty)            // its fd was not a number
        #expect(inventory.pipes.isEmpty)
        #expect(inventory.alive.isEmpty)
        #expect(NetworkInventory.inode(in: "[]") == nil && NetworkInventory.inode(in: "]") == nil)
        #expect(NetworkInventory.pipeEnd(3) == nil && NetworkInventory.pipeEnd(nil) == nil)
        _ = inventory.render()
        #expect(NetworkInventory(events: []).render() == "sockets\n  (none)\npipes\n  (none)\ninet sockets alive after seq 0\n  (none)\n")
    }
}
