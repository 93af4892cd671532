import Foundation
import OspreyCore
import Testing
@testable import OspreyTools

/// Files someone handed over, made to hurt: each is refused with a one-line reason naming the
/// file (and for broken JSON the line and column), never a crash, a hang or unbounded memory.
@Suite("Hostile input files")
struct HostileFileTests {
    static func file(_ name: String, _ bytes: [UInt8]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-hostile-files-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    static let good = #"{"format":"osprey-profile","version":1,"kernel":{"architecture":"x86_64","banner":"Linux version 6.1"},"offsets":{"task_struct.pid":1234},"current_task":{"location":"per_cpu","base_register":"gs_base","offset":136000}}"#

    /// Profiles that must be refused, and a word the reason must hold.
    static let badProfiles: [(String, String)] = [
        (#"{"format":"osprey-profile","version":1,"#, "line 1, column"),
        ("[" + String(repeating: "[", count: 5000), "nested too deeply"),
        (#"{"format":"osprey-profile","version":1,"kernel":{"architecture":"x86_64"},"offsets":{"task_struct.pid":99999999999999}}"#, "task_struct.pid"),
        (#"{"format":"osprey-profile","version":1,"kernel":{"architecture":"x86_64"},"offsets":{"task_struct.pid":-8}}"#, "task_struct.pid"),
        (#"{"format":"osprey-profile","version":1,"kernel":{"architecture":"x86_64"},"offsets":{"a\u001b[2Jb":8}}"#, #"a\33[2Jb"#),
        (#"{"format":"osprey-profile","version":1,"kernel":{"architecture":"x86_64"},"current_task":{"location":"register","register":"sp_el0"}}"#, "does not exist on x86_64"),
        (#"{"format":"osprey-profile","version":1,"kernel":{"architecture":"aarch64"},"current_task":{"location":"register","register":"x0"}}"#, "sp_el0"),
        (#"{"format":"osprey-profile","version":1,"kernel":{"architecture":"x86_64"},"current_task":{"location":"per_cpu","base_register":"gs_base","offset":-1}}"#, "offset"),
        (#"{"format":"osprey-profile","version":99,"kernel":{"architecture":"x86_64"}}"#, "version 99"),
        (#"{"format":"osprey-profile","version":1,"kernel":{"architecture":"pdp11"}}"#, "architecture"),
        (#"{"format":"osprey-profile","version":1,"kernel":{"architecture":"x86_64"},"vma_container":7}"#, "vma_container"),
        (#"["not", "an", "object"]"#, "not a JSON object"),
        ("", "unexpected end"),
    ]

    @Test func hostileProfilesAreRefusedWithTheirReason() throws {
        _ = try ProfileFile.load(try Self.file("good.json", Array(Self.good.utf8)).path)
        for (text, reason) in Self.badProfiles {
            let url = try Self.file("profile.json", Array(text.utf8))
            do {
                _ = try ProfileFile.load(url.path)
                Issue.record("accepted: \(text.prefix(80))")
            } catch let error as OspreyError {
                #expect(error.description.hasPrefix(url.path), "\(error.description)")
                #expect(error.description.contains(reason), "\(error.description)")
                #expect(!error.description.contains("\n"))
                #expect(error.description.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }, "\(error.description)")
            }
        }
    }

    @Test func hugeAndSpecialFilesAreRefusedUnread() throws {
        let huge = try Self.file("huge.json", [])
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 1 << 30)  // sparse: 1 GiB of nothing
        try handle.close()
        let start = Date()
        #expect(throws: OspreyError.self) { try ProfileFile.load(huge.path) }
        #expect(Date().timeIntervalSince(start) < 1, "the size must be checked before reading")
        for special in ["/dev/zero", "/dev/null", "/tmp", "/nonexistent/profile.json"] {
            do {
                _ = try ProfileFile.load(special)
                Issue.record("accepted \(special)")
            } catch let error as OspreyError {
                #expect(error.description.contains(special))
            }
        }
        #expect(throws: OspreyError.self) { try TraceReader.read(URL(fileURLWithPath: "/dev/zero")) }
    }

    @Test func traceLinesWithoutEndAreSkippedInBoundedMemory() throws {
        // A line longer than the limit, then a good one: the long one is one corrupt line.
        var bytes = Array(#"{"type":"trace_start","format":"osprey-trace","version":1,"arch":"x86_64"}"#.utf8) + [0x0A]
        bytes += [UInt8](repeating: UInt8(ascii: "["), count: TraceLineReader.maximumLineLength + 10) + [0x0A]
        bytes += Array(#"{"type":"trace_end","events":0,"unfinished":0}"#.utf8)  // no final newline
        let t = try TraceReader.read(try Self.file("long.jsonl", bytes))
        #expect(t.corruptLines == [2])
        #expect(t.hasFooter)
        #expect(t.architecture == "x86_64")
    }

    @Test func traceValuesThatOspreyNeverWritesAreNotTrusted() throws {
        let lines = [
            #"{"type":"trace_start","format":"osprey-trace","version":1,"arch":"\u001b[2J"}"#,
            #"{"seq":1,"type":"syscall","abi":"x86_64","nr":1,"name":"wr\u001bite","args":["0x1"],"end":"\u001b]0;x"}"#,
            #"{"seq":2,"type":"syscall","nr":1,"args":["0x1","0x2","0x3","0x4","0x5","0x6","0x7"]}"#,
            #"{"seq":3,"type":"syscall","nr":1,"args":["0x11111111111111111111"]}"#,
            #"{"seq":4,"type":"process","event":"start","pid":5,"comm_hex":"zz"}"#,
            #"{"seq":5,"type":"process","event":"st art","pid":5}"#,
            #"{"seq":6,"type":"\u001b[31m"}"#,
        ]
        let t = try TraceReader.read(try Self.file("odd.jsonl", Array(lines.joined(separator: "\n").utf8)))
        #expect(t.architecture == nil)
        #expect(t.syscalls.count == 1)
        #expect(t.syscalls.first?.name == nil && t.syscalls.first?.end == "returned")
        #expect(t.corruptLines == [3, 4, 5, 6, 7])
        #expect(t.otherRecords.isEmpty)
    }

    @Test func theConsoleReachesTheTerminalWithoutEscapes() {
        var filter = ConsoleFilter()
        var out = filter.feed(Array("boot ok\r\n\u{1B}[2J\u{1B}]0;owned\u{7}fake\rline\r".utf8))
        out += filter.feed(Array("\nend".utf8) + [0xFF, 0x0D])
        out += filter.finish()
        #expect(String(decoding: out, as: UTF8.self) == #"boot ok"# + "\n" + #"\33[2J\33]0;owned\7fake\rline"# + "\n" + #"end\377\r"#)
    }

    @Test func jsonErrorsSayWhere() {
        do {
            _ = try JSONValue.parse("{\n  \"a\": 1,\n  \"b\": tru\n}")
            Issue.record("parsed")
        } catch {
            #expect(error.line == 3 && error.column == 11, "\(error)")
        }
    }
}
