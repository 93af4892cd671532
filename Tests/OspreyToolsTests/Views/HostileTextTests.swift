import Foundation
import OspreyCore
import Testing
@testable import OspreyTools

/// Names the guest controls, written by the plugin's own encoders, read back by the trace
/// reader and shown by every view: no control byte may reach the output, and every name must
/// come back exactly, from the trace and from the view (unescaped).
@Suite("Hostile guest text in traces and views")
struct HostileTextTests {
    /// A clear screen, a window title, a forged log line, bytes that are not UTF-8, quotes,
    /// backslashes, DEL, a C1 CSI, and every control byte.
    static let names: [[UInt8]] = [
        Array("\u{1B}[2Jcleared".utf8),
        Array("\u{1B}]0;owned\u{7}".utf8),
        Array("x\n[pid 1 init] open(name /etc/shadow, mode READ, handle 0x3)".utf8),
        [0xFF, 0xFE] + Array("bad".utf8),
        Array("q\"uo\\te's".utf8),
        [0x7F, 0xC2, 0x9B] + Array("31m".utf8),
        Array(1...0x1F),
    ]

    static func text(_ i: Int) -> GuestText { GuestText(bytes: names[i % names.count]) }

    /// A trace as the plugin writes it: a process per name, with that name as comm, argv,
    /// executable, open file, mapped module and region path, plus calls carrying it.
    func trace() throws -> URL {
        var lines: [[UInt8]] = [Array(#"{"type":"trace_start","format":"osprey-trace","version":1,"arch":"x86_64","vcpus":1,"mode":"trace"}"#.utf8) + [0x0A]]
        var writer = JSONLineWriter()
        var encoder = SyscallEventEncoder()
        var seq: UInt64 = 1
        for (i, raw) in Self.names.enumerated() {
            let name = GuestText(bytes: raw), pid = GuestPID(100 + i)
            let path = GuestText(bytes: Array("/tmp/".utf8) + raw)
            func emit(_ type: String, _ event: String, _ fields: [MonitorEvent.Field]) {
                writer.write(MonitorEvent(type: type, event: event, vcpu: 0, pid: pid, tid: pid, comm: name, fields: fields), seq: seq)
                lines.append(writer.bytes)
                seq += 1
            }
            emit("process", "start", [.init("ppid", .int(1)), .init("state", .string("S")), .init("uid", .int(0)),
                                      .init("exe", .text(path)), .init("argv", .texts([path, name]))])
            emit("file", "open", [.init("fd", .int(3)), .init("path", .text(path)), .init("kind", .string("file")), .init("inode", .int(7))])
            emit("region", "map", [.init("start", .hex(0x400000)), .init("end", .hex(0x401000)), .init("perms", .string("r-xp")),
                                   .init("offset", .hex(0)), .init("path", .text(path)), .init("inode", .int(7))])
            emit("module", "load", [.init("path", .text(path)), .init("base", .hex(0x400000))])
            for (nr, callName, args, ret) in [(257, "openat", [UInt64(bitPattern: -100), 0x5000, 0, 0, 0, 0], Int64(3)),
                                              (1, "write", [3, 0x6000, 4, 0, 0, 0], Int64(4))] {
                let event = SyscallEvent(
                    seq: seq, entry: seq, vcpu: 0, abi: .x86_64, addressSpace: AddressSpaceID(rawValue: 0x1000), stackPointer: 0x7ff0,
                    pc: GuestAddress(0x401000), task: TaskIdentity(pid: pid, tid: pid, ppid: 1, comm: name), number: Int64(nr),
                    args: SyscallArguments(args), strings: nr == 257 ? [DecodedString(argument: 1, bytes: path.bytes)] : [],
                    result: ret, end: .returned)
                lines.append(encoder.encode(event))
                _ = callName
                seq += 1
            }
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-hostile-\(UUID().uuidString).jsonl")
        try Data(lines.joined()).write(to: url)
        return url
    }

    @Test func theTraceKeepsEveryByte() throws {
        let t = try TraceReader.read(try trace())
        #expect(t.corruptLines.isEmpty)
        for (i, raw) in Self.names.enumerated() {
            let path = Array("/tmp/".utf8) + raw
            let start = try #require(t.objectEvents.first { $0.pid == 100 + i && $0.type == "process" })
            #expect(start.comm.bytes == raw)
            #expect(start.strings["exe"]?.bytes == path)
            #expect(start.lists["argv"]?.map(\.bytes) == [path, raw])
            let open = try #require(t.syscalls.first { $0.pid == 100 + i && $0.name == "openat" })
            #expect(open.strings[1]?.bytes == path)
            #expect(open.comm?.bytes == raw)
        }
    }

    /// Every line of every view: printable ASCII only, and each guest name recoverable.
    @Test func everyViewEscapesAndNothingIsLost() throws {
        let t = try TraceReader.read(try trace())
        let state = SystemState(events: t.objectEvents)
        let operations = FileOperationLog.withKernelNames(FileOperationLog.operations(in: t), trace: t)
        var outputs: [(String, String)] = [
            ("ps", ProcessTree(state).render()),
            ("modules", ModuleHistory(events: t.objectEvents).render()),
            ("net", NetworkInventory(events: t.objectEvents).render()),
            ("summary", TraceSummary(t).render()),
            ("files", operations.map(\.line).joined(separator: "\n")),
            ("files --opened", FileOperationLog.openedFiles(operations).map(\.line).joined(separator: "\n")),
            ("syscalls", t.syscalls.map { SyscallLineFormatter.line($0) }.joined(separator: "\n")),
            ("flow", DataFlowGraph(syscalls: t.syscalls, events: t.objectEvents).dot()),
        ]
        let encoder = JSONEncoder()
        outputs.append(("ps --json", String(decoding: JSONOutput.terminalSafe(try encoder.encode(ProcessSnapshot(state))), as: UTF8.self)))
        for (view, text) in outputs {
            let bad = text.utf8.filter { ($0 < 0x20 && $0 != 0x0A) || $0 >= 0x7F }
            #expect(bad.isEmpty, "\(view) printed control or non-ASCII bytes \(Array(Set(bad)).sorted())")
        }
        let ps = outputs[0].1
        for raw in Self.names {
            // The tree's command column: argv[0] (the path) and argv[1] (the name) as tokens.
            let path = Array("/tmp/".utf8) + raw
            let line = try #require(ps.split(separator: "\n").first { $0.contains(TextEscaping.token(path)) })
            let tokens = TextEscaping.tokens(of: line)
            #expect(tokens.contains { TextEscaping.unescape($0) == raw }, "ps: \(line)")
            let files = outputs[4].1.split(separator: "\n").filter { $0.contains(TextEscaping.token(path)) }
            #expect(!files.isEmpty)
            #expect(files.allSatisfy { $0.hasPrefix("[pid ") }, "a name forged a line of its own")
        }
        // ps --json: the exact bytes, as a string when UTF-8 and as `_hex` when not.
        let json = try JSONSerialization.jsonObject(with: Data(outputs.last!.1.utf8)) as! [String: Any]
        let processes = json["processes"] as! [[String: Any]]
        for (i, raw) in Self.names.enumerated() {
            let p = try #require(processes.first { $0["pid"] as? Int == 100 + i })
            if let s = p["comm"] as? String { #expect(Array(s.utf8) == raw) } else {
                #expect(HexBytes.decode(p["comm_hex"] as? String ?? "") == raw)
            }
        }
    }
}
