import Foundation
import OspreyCore
import Testing

/// The engine and the Linux graph replayed over kernel stops captured from a real guest
/// (`osprey profile --capture`, see `Fixtures/README.md`): the first stops of the default
/// guest booting Debian's 6.1.0-56-amd64 kernel, and the offsets pahole read from that
/// kernel's BTF when the capture was made. A capture holds only the bytes the live search read,
/// so checking a profile (which reads other bytes) is tested on a live guest instead
/// (`ProfileBTFTests`).
@Suite("Profile engine on captured boots")
struct CapturedBootTests {
    struct Fixture {
        var architecture: Architecture
        var stops: [CapturedStop]
        /// Offsets from BTF, by profile key (`current_task` is the per-CPU offset).
        var truth: [String: Int]
        /// Keys the capture window is long enough to find.
        var foundInWindow: [String]
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func load(_ name: String) throws -> Fixture {
        let xz = directory.appendingPathComponent("\(name).capture.jsonl.xz")
        let decompress = Process()
        decompress.executableURL = URL(fileURLWithPath: "/usr/bin/xz")
        decompress.arguments = ["-dc", xz.path]
        let pipe = Pipe()
        decompress.standardOutput = pipe
        try decompress.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        decompress.waitUntilExit()
        let (architecture, stops) = try CapturedStop.file(String(decoding: data, as: UTF8.self))

        let truthText = try String(contentsOf: directory.appendingPathComponent("\(name).btf.json"), encoding: .utf8)
        let truth = try JSONValue.parse(truthText)
        var offsets: [String: Int] = [:]
        for (key, value) in truth["offsets"]?.objectValue ?? [] { offsets[key] = value.intValue }
        let window = (truth["found_in_window"]?.arrayValue ?? []).compactMap(\.stringValue)
        return Fixture(architecture: architecture, stops: stops, truth: offsets, foundInWindow: window)
    }

    /// Replays every stop through a profiler (the plugin's path, minus QEMU).
    static func replay(_ fixture: Fixture, given: KernelProfile? = nil, validating: Bool = false) -> LinuxProfiler {
        let profiler = LinuxProfiler(architecture: fixture.architecture, given: given, validating: validating)
        for captured in fixture.stops {
            profiler.stop(captured.stop, memory: CapturedMemory(captured.pages))
        }
        return profiler
    }

    /// Profile-key offsets found by a profiler (current_task as its per-CPU offset).
    static func offsets(_ profiler: LinuxProfiler) -> [String: Int] {
        let profile = profiler.profile()
        var out = profile.offsets
        if case .perCPU(_, let offset)? = profile.currentTask { out["current_task"] = offset }
        return out
    }

    static func profile(_ fixture: Fixture, _ offsets: [String: Int]) -> KernelProfile {
        var profile = KernelProfile(kernel: KernelIdentity(banner: nil, architecture: fixture.architecture))
        for (key, value) in offsets where key != "current_task" { profile.offsets[key] = value }
        if let current = offsets["current_task"] { profile.currentTask = .perCPU(baseRegister: "gs_base", offset: current) }
        return profile
    }

    @Test func searchFindsWhatBTFSaysWithinTheWindow() throws {
        let fixture = try Self.load("linux-6.1.0-56-amd64")
        #expect(fixture.stops.count >= 100)
        let found = Self.offsets(Self.replay(fixture))
        for key in fixture.foundInWindow {
            #expect(found[key] != nil, "\(key) not found in \(fixture.stops.count) captured stops")
        }
        for (key, value) in found {
            #expect(fixture.truth[key] == value, "\(key): found 0x\(String(value, radix: 16)), BTF says \(fixture.truth[key].map { "0x" + String($0, radix: 16) } ?? "nothing")")
        }
    }

    /// Reads the capture does not hold (the live run never made them) look unreadable or zero:
    /// such stops fail, and the engine decides at the stops the live run decided at.
    @Test func resumingFromAPartialProfileFindsTheRest() throws {
        let fixture = try Self.load("linux-6.1.0-56-amd64")
        let partial = fixture.truth.filter { ["current_task", "task_struct.pid", "task_struct.tgid"].contains($0.key) }
        let found = Self.offsets(Self.replay(fixture, given: Self.profile(fixture, partial)))
        for key in fixture.foundInWindow {
            #expect(found[key] == fixture.truth[key], "\(key)")
        }
    }
}

@Suite("Stop capture")
struct StopCaptureTests {
    @Test func onlyTheBytesReadAreKeptAndReplayTheSameReads() throws {
        var words = WordMemory()
        words.readable = [0x1000...0x2FFF]
        words.set(0x1008, 0x1122_3344_5566_7788)
        words.set(0x2010, 0x2000)
        let capture = MemoryCapture()
        let live = StopMemory(words, capture: capture)
        #expect(live.u64(0x1008) == 0x1122_3344_5566_7788)
        #expect(live.u32(0x2010) == 0x2000)
        #expect(live.u64(0x5000) == nil)
        let pages = capture.take()
        #expect(pages.map(\.number) == [1, 2, 5])
        #expect(pages[0].runs?.map(\.offset) == [8] && pages[0].runs?.first?.bytes.count == 8)
        #expect(pages[2].runs == nil)

        let stop = KernelStop(
            vcpu: 1, context: UserContext(addressSpace: 0x1a3c000, threadPointer: 0x4c1000),
            call: ObservedCall(name: "openat", args: SyscallArguments([0xFFFF_FF9C, 0x4b2000, 0, 0, 0, 0])), previous: nil,
            perCPUBase: 0xFFFF_8880_1F40_0000, currentRegister: 0, pageTableRoot: 0x1a3c000, kernelPC: 0xFFFF_FFFF_8100_0000)
        let line = CapturedStop(stop: stop, pages: pages).jsonLine()
        let back = try CapturedStop(jsonLine: line)
        #expect(back.pages == pages)
        #expect(back.stop.call.args == stop.call.args && back.stop.perCPUBase == stop.perCPUBase && back.stop.context == stop.context)

        let replayed = StopMemory(CapturedMemory(back.pages))
        #expect(replayed.u64(0x1008) == 0x1122_3344_5566_7788)
        #expect(replayed.u32(0x2010) == 0x2000)
        #expect(replayed.u64(0x5000) == nil)
        #expect(replayed.u64(0x7000) == nil)
    }

    @Test func garbageLinesAreErrorsNotTraps() {
        #expect(throws: CaptureError.self) { try CapturedStop(jsonLine: "{") }
        #expect(throws: CaptureError.self) { try CapturedStop(jsonLine: #"{"stop": {}, "pages": []}"#) }
        #expect(throws: CaptureError.self) { try CapturedStop.architecture(ofHeader: #"{"format": "something else"}"#) }
        let badRun = #"{"page": "0x1", "runs": [[4090, "00112233445566778899"]]}"#
        #expect(throws: CaptureError.self) {
            try CapturedStop(jsonLine: #"{"stop": {"vcpu": 0, "address_space": "0x1", "thread_pointer": "0x0", "call": {"name": "x", "args": ["0x0","0x0","0x0","0x0","0x0","0x0"], "clone_flags": "0x0", "child_thread_pointer": "0x0", "stack_pointer": "0x0", "return_address": "0x0"}, "per_cpu_base": "0x0", "current_register": "0x0", "page_table_root": "0x0", "kernel_pc": "0x0"}, "pages": ["# + badRun + "]}")
        }
    }
}
