import Foundation
import OspreyCore
import Testing
@testable import OspreyTools

/// A replay's command, and how a replay's end is judged against its recording.
struct ReplayerTests {
    static func recording(outcome: String, instructions: UInt64?) throws -> URL {
        try RecordingTestSupport.recording { $0.facts.outcome = outcome; $0.facts.instructions = instructions }
    }

    @Test func theReplayIsBuiltFromTheDescription() throws {
        let dir = try Self.recording(outcome: "QEMU exited", instructions: 42)
        let replayer = try Replayer(directory: dir, output: dir.appendingPathComponent("t.jsonl"), extraArguments: ["-d", "guest_errors"])
        #expect(replayer.manifest.facts.instructions == 42)
        let invocation = replayer.session.invocation
        #expect(invocation.binary == "qemu-system-x86_64")
        #expect(invocation.workingDirectory == dir)
        let manifest = try RecordingManifest.load(from: dir)
        #expect(invocation.arguments == MachineCommand.arguments(for: manifest.machine, drives: .recordReplay)
            + ["-icount", "shift=3,rr=replay,rrfile=replay.bin", "-d", "guest_errors"])
    }

    @Test func notARecording() throws {
        let dir = try MachineTestSupport.directory("not-a-recording")
        let error = #expect(throws: OspreyError.self) { try RecordingManifest.load(from: dir) }
        #expect(error?.description.contains("is not a recording") == true)
        try Data("{".utf8).write(to: dir.appendingPathComponent(RecordingManifest.fileName))
        #expect(throws: OspreyError.self) { try RecordingManifest.load(from: dir) }
    }

    @Test func judgement() throws {
        let dir = try Self.recording(outcome: RunOutcome.poweredOff(scenarioStatus: 0).summary, instructions: 1_000_000)
        let replayer = try Replayer(directory: dir, output: dir.appendingPathComponent("t.jsonl"))
        #expect(replayer.judge(.poweredOff(scenarioStatus: 0), replayed: 1_000_100) == nil)
        #expect(replayer.judge(.poweredOff(scenarioStatus: 0), replayed: 500_000)?.contains("short of") == true)
        #expect(replayer.judge(.poweredOff(scenarioStatus: 3), replayed: 1_000_000)?.contains("ended differently") == true)
        #expect(replayer.judge(.stalled(instructions: 5, seconds: 60), replayed: 5)?.contains("stalled") == true)
        #expect(replayer.judge(.qemuFailed(status: 1, detail: "error reading the replay data"), replayed: nil)?.contains("error reading") == true)
        // A recording stopped by its timeout replays to QEMU's recorded quit.
        let stopped = try Replayer(directory: try Self.recording(outcome: RunOutcome.timedOut(seconds: 5).summary, instructions: 10), output: dir.appendingPathComponent("u.jsonl"))
        #expect(stopped.judge(.qemuFailed(status: 0, detail: ""), replayed: 10) == nil)
    }

    @Test func profilesOfAnotherKernelAreRefusedAndBannersNoted() throws {
        let dir = try Self.recording(outcome: "QEMU exited", instructions: nil)
        let replayer = try Replayer(directory: dir, output: dir.appendingPathComponent("t.jsonl"))
        func profile(_ banner: String, _ arch: Architecture = .x86_64) throws -> URL {
            let url = dir.appendingPathComponent("p-\(UUID().uuidString.prefix(6)).json")
            try KernelProfile(kernel: KernelIdentity(banner: banner, architecture: arch)).jsonText().write(to: url, atomically: true, encoding: .utf8)
            return url
        }
        // Unknown banner: any x86-64 profile goes; another architecture does not.
        try replayer.checkKernel(of: try profile("Linux version A"))
        #expect(throws: OspreyError.self) { try replayer.checkKernel(of: try profile("Linux version A", .aarch64)) }
        // A profile replay notes its banner; then only that kernel's profiles go.
        replayer.noteBanner(from: try profile("Linux version A"))
        let noted = try Replayer(directory: dir, output: dir.appendingPathComponent("u.jsonl"))
        #expect(noted.manifest.facts.kernelBanner == "Linux version A")
        try noted.checkKernel(of: try profile("Linux version A"))
        let error = #expect(throws: OspreyError.self) { try noted.checkKernel(of: try profile("Linux version B\u{1b}[2J")) }
        #expect(error?.description.contains("another kernel") == true)
        #expect(error?.description.contains("\u{1b}") == false, "a banner is shown escaped")
    }

    @Test func watchJudgesStallsAndRunaways() {
        let watch = InstructionWatch(stallSeconds: 5, limit: 1000)
        #expect(watch.consume("osprey-progress 10"))
        #expect(!watch.consume("qemu-system-x86_64: something"))
        #expect(watch.instructions == 10)
        #expect(watch.verdict(now: Date()) == nil)
        #expect(watch.verdict(now: Date().addingTimeInterval(6)) == .stalled(instructions: 10, seconds: 5))
        #expect(watch.consume("osprey-progress 2000"))
        #expect(watch.verdict(now: Date()) == .diverged(instructions: 2000, limit: 1000))
    }

    @Test func progressText() {
        #expect(ProgressLine.text(count: 2_500_000_000, total: 10_000_000_000, seconds: 7) == "replayed 25% (2.50 of 10.00 G instructions, 7 s)")
        #expect(ProgressLine.text(count: 1_000_000_000, total: nil, seconds: 3) == "replayed 1.00 G instructions (3 s)")
    }
}
