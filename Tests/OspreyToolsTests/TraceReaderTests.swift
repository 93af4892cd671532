import Foundation
import Testing
@testable import OspreyTools

@Suite("Reading traces")
struct TraceReaderTests {
    func write(_ lines: [String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-reader-\(UUID().uuidString).jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static let start = #"{"type":"trace_start","format":"osprey-trace","version":1,"arch":"x86_64","vcpus":1,"mode":"trace"}"#
    static let open = #"{"seq":1,"entry":1,"type":"syscall","vcpu":0,"abi":"x86_64","as":"0x1000","sp":"0x7ff0","pc":"0x401000","pid":5,"tid":5,"comm":"cat","nr":257,"name":"openat","args":["0xffffffffffffff9c","0x5000","0x0","0x0","0x0","0x0"],"strings":{"1":"/tmp/a"},"ret":3}"#
    static let exit = #"{"seq":2,"entry":2,"type":"syscall","vcpu":0,"abi":"x86_64","as":"0x1000","sp":"0x7ff0","pc":"0x401010","pid":5,"nr":231,"name":"exit_group","args":["0x0","0x0","0x0","0x0","0x0","0x0"],"end":"noreturn"}"#
    static let end = #"{"type":"trace_end","events":2,"unfinished":0}"#

    @Test func readsEventsHeaderAndFooter() throws {
        let t = try TraceReader.read(write([Self.start, Self.open, Self.exit, Self.end]))
        #expect(t.architecture == "x86_64")
        #expect(t.syscalls.count == 2)
        #expect(t.syscalls[0].strings[1] == "/tmp/a")
        #expect(t.syscalls[0].args[0] == UInt64(bitPattern: -100))
        #expect(t.syscalls[0].result == 3)
        #expect(t.syscalls[1].end == "noreturn")
        #expect(t.syscalls[1].result == nil)
        #expect(t.hasFooter)
        #expect(t.corruptLines.isEmpty)
    }

    @Test func corruptLinesAreSkippedAndNamedNothingIsLost() throws {
        let t = try TraceReader.read(write([Self.start, Self.open, "{\"seq\":", "not json", Self.exit]))
        #expect(t.syscalls.map(\.seq) == [1, 2])
        #expect(t.corruptLines == [3, 4])
        #expect(!t.hasFooter)
    }

    @Test func newerFormatIsRefusedClearly() throws {
        let url = try write([#"{"type":"trace_start","format":"osprey-trace","version":9}"#])
        #expect(throws: OspreyError.self) { try TraceReader.read(url) }
    }

    @Test func missingFileIsAClearError() {
        #expect(throws: OspreyError.self) { try TraceReader.read(URL(fileURLWithPath: "/nonexistent/t.jsonl")) }
    }

    @Test func summaryCountsCallsAndProcesses() throws {
        let s = TraceSummary(try TraceReader.read(write([Self.start, Self.open, Self.exit, Self.end])))
        #expect(s.total == 2)
        #expect(s.returned == 1)
        #expect(s.noReturn == 1)
        #expect(s.byProcess == [TraceSummary.ProcessRow(pid: 5, comm: "cat", calls: 2)])
        #expect(s.render().contains("openat"))
    }

    @Test func syscallLineShowsStringsAndResult() throws {
        let t = try TraceReader.read(write([Self.start, Self.open]))
        #expect(SyscallLineFormatter.line(t.syscalls[0]) == #"5 openat(0xffffffffffffff9c, "/tmp/a") = 3"#)
    }
}

@Suite("Watching the guest console")
struct ConsoleWatcherTests {
    @Test func findsTheScenarioStatusAcrossChunks() {
        var w = ConsoleWatcher()
        w.feed(Array("boot...\r\nOSPREY-SCENARIO-BEGIN\r\nhello\r\nOSPREY-SCENA".utf8))
        w.feed(Array("RIO-END rc=3\r\n".utf8))
        w.finish()
        #expect(w.scenarioStarted)
        #expect(w.scenarioStatus == 3)
        #expect(w.panicLine == nil)
    }

    @Test func findsAPanic() {
        var w = ConsoleWatcher()
        w.feed(Array("[    3.7] Kernel panic - not syncing: sysrq triggered crash\n".utf8))
        #expect(w.panicLine?.contains("sysrq") == true)
        #expect(RunOutcome.kernelPanic(w.panicLine ?? "").problem?.contains("panicked") == true)
    }
}

@Suite("QEMU command lines")
struct QemuInvocationTests {
    @Test func userArgumentsMayNameTheBinary() throws {
        let inv = try QemuInvocation.user(arguments: ["qemu-system-aarch64", "-M", "virt"], architecture: nil)
        #expect(inv.binary == "qemu-system-aarch64")
        #expect(inv.architecture == .aarch64)
        #expect(inv.arguments == ["-M", "virt"])
        #expect(!inv.ownsConsole)
    }

    @Test func userArgumentsDefaultToTheArchitecture() throws {
        let inv = try QemuInvocation.user(arguments: ["-m", "1G"], architecture: .x86_64)
        #expect(inv.binary == "qemu-system-x86_64")
    }

    @Test func refusesASecondPluginAndUnsupportedMachines() {
        #expect(throws: OspreyError.self) { try QemuInvocation.user(arguments: ["-plugin", "x.so"], architecture: nil) }
        #expect(throws: OspreyError.self) { try QemuInvocation.user(arguments: ["qemu-system-riscv64"], architecture: nil) }
    }

    @Test func pluginOptionsWithCommasAreRefused() throws {
        var inv = try QemuInvocation.user(arguments: [], architecture: .x86_64)
        #expect(throws: OspreyError.self) { try inv.addPlugin(URL(fileURLWithPath: "/p.so"), options: [("out", "/a,b.jsonl")]) }
        try inv.addPlugin(URL(fileURLWithPath: "/p.so"), options: [("out", "/t.jsonl")])
        #expect(inv.arguments == ["-plugin", "/p.so,out=/t.jsonl"])
    }
}
