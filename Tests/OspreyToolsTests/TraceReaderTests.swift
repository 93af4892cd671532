import Foundation
import OspreyCore
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
        #expect(s.byProcess == [TraceSummary.ProcessRow(pid: 5, names: ["cat"], calls: 2)])
        #expect(s.render().contains("openat"))
    }

    @Test func syscallLineShowsStringsAndResult() throws {
        let t = try TraceReader.read(write([Self.start, Self.open]))
        #expect(SyscallLineFormatter.line(t.syscalls[0]) == #"5 openat(AT_FDCWD, "/tmp/a", O_RDONLY) = 3"#)
        #expect(SyscallLineFormatter.line(t.syscalls[0], withPID: false) == #"openat(AT_FDCWD, "/tmp/a", O_RDONLY) = 3"#)
    }

    static func call(_ name: String, abi: String = "x86_64", args: [UInt64], strings: [Int: String] = [:], result: Int64?) -> TraceSyscall {
        TraceSyscall(seq: 1, entry: 1, vcpu: 0, abi: abi, addressSpace: 0x1000, stackPointer: 0x7ff0, pc: 0x401000, pid: 7, number: 0,
                     name: name, args: args + Array(repeating: 0, count: 6 - args.count), strings: strings.mapValues { GuestText($0) }, result: result, end: "returned")
    }

    @Test func linesUseStracesNamesForFlagsErrorsAndModes() {
        let open = Self.call("openat", args: [UInt64(bitPattern: -100), 0x4000, 0o2000000 | 0o100 | 0o1 | 0o1000, 0o644],
                             strings: [1: "/tmp/new"], result: -13)
        #expect(SyscallLineFormatter.line(open, withPID: false)
            == #"openat(AT_FDCWD, "/tmp/new", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644) = -1 EACCES (Permission denied)"#)
        // O_DIRECTORY is 0o200000 on x86-64 and 0o40000 on AArch64.
        let x86 = Self.call("openat", args: [3, 0x4000, 0o200000], strings: [1: "d"], result: 4)
        let arm = Self.call("openat", abi: "aarch64", args: [3, 0x4000, 0o40000], strings: [1: "d"], result: 4)
        #expect(SyscallLineFormatter.line(x86, withPID: false) == #"openat(3, "d", O_RDONLY|O_DIRECTORY) = 4"#)
        #expect(SyscallLineFormatter.line(arm, withPID: false) == #"openat(3, "d", O_RDONLY|O_DIRECTORY) = 4"#)
        let mmap = Self.call("mmap", args: [0, 8192, 3, 0x22, UInt64(bitPattern: -1), 0], result: 0x7f00_0000_0000)
        #expect(SyscallLineFormatter.line(mmap, withPID: false)
            == "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000")
        let kill = Self.call("kill", args: [42, 15], result: 0)
        #expect(SyscallLineFormatter.line(kill, withPID: false) == "kill(42, SIGTERM) = 0")
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
