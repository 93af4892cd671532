import Foundation
import OspreyCore
import OspreyTools
import Testing

/// Record/replay on real guests: a recording replays identically every time, its replays
/// give the live run's profile, and a replay that cannot follow its recording is stopped and
/// reported instead of hanging.
@Suite(.serialized)
struct RecordReplayTests {
    static let kernels = [Fixtures.defaultKernel, Fixtures.arm64Kernel]

    @Test("two replays with a profile and all monitors write the same trace, byte for byte", arguments: kernels)
    func replaysAreIdentical(kernel: String) throws {
        let guest = try Fixtures.guest("default-\(kernel)", kernel: kernel)
        let name = "rr-\(kernel)"
        let (recording, recorded) = try RecordingFixtures.record(guest: guest, name: name)
        #expect(recorded.outcome == .poweredOff(scenarioStatus: 0))
        let total = try #require(recorded.manifest.facts.instructions)
        #expect(total > 1_000_000_000)
        let recordConsole = try String(contentsOf: recording.deletingLastPathComponent().appendingPathComponent("record-console.txt"), encoding: .utf8)

        // The profile learnt from a replay is the live run's.
        let fromReplay = try RecordingFixtures.replay(recording, name: "\(name)-profile", mode: "profile")
        #expect(fromReplay.result.problem == nil)
        let replayProfile = try KernelProfile(jsonText: String(contentsOf: fromReplay.output, encoding: .utf8))
        let liveProfile = try KernelProfile(jsonText: String(contentsOf: try Fixtures.profile(kernel: kernel), encoding: .utf8))
        #expect(replayProfile.isComplete)
        #expect(replayProfile.offsets == liveProfile.offsets)
        #expect(replayProfile.kernel.banner == liveProfile.kernel.banner)
        #expect(try RecordingManifest.load(from: recording).facts.kernelBanner == replayProfile.kernel.banner)

        // Two replays with every monitor: identical traces, and the recorded console again.
        let first = try RecordingFixtures.replay(recording, name: "\(name)-1", profile: fromReplay.output)
        let second = try RecordingFixtures.replay(recording, name: "\(name)-2", profile: fromReplay.output)
        for run in [first, second] {
            #expect(run.result.problem == nil)
            #expect(run.result.outcome == .poweredOff(scenarioStatus: 0))
            #expect(run.console == recordConsole)
            let replayed = try #require(run.result.instructions)
            #expect(replayed > total - total / 100 && replayed < total + total / 100)
        }
        let a = try Data(contentsOf: first.output), b = try Data(contentsOf: second.output)
        #expect(a == b, "two replays of one recording wrote different traces")

        // Every event carries its instruction count; object events are there.
        let lines = String(decoding: a, as: UTF8.self).split(separator: "\n")
        var syscalls = 0, objects = 0, processStarts = 0
        for line in lines {
            let event = try JSONValue.parse(String(line))
            guard let type = event["type"]?.stringValue, type != "trace_start", type != "trace_end" else { continue }
            let icount = try #require(event["icount"]?.intValue, "no icount in \(line.prefix(120))")
            #expect(icount > 0 && UInt64(icount) <= total + total / 100)
            if type == "syscall" {
                syscalls += 1
                if let back = event["icount_ret"]?.intValue { #expect(back >= icount) }
            } else {
                objects += 1
                if type == "process", event["event"]?.stringValue == "start" { processStarts += 1 }
            }
        }
        print("[\(name)] \(syscalls) calls, \(objects) object events (\(processStarts) process starts)")
        #expect(syscalls > 1000)
        #expect(processStarts > 10)
    }

    @Test("a guest booted from a qcow2 disk records and replays identically from its own copy of the disk, which is only read")
    func diskGuestReplays() throws {
        let kernel = Fixtures.defaultKernel
        let guest = try Fixtures.diskGuest(kernel: kernel)
        let image = guest.appendingPathComponent("disk.qcow2")
        let before = try Data(contentsOf: image)
        let (recording, recorded) = try RecordingFixtures.record(guest: guest, name: "rr-disk")
        #expect(recorded.outcome == .poweredOff(scenarioStatus: 0))
        // The recording is self-contained: the disk was flattened into it.
        let drive = try #require(recorded.manifest.machine.drives.first)
        #expect(drive.id == "root" && drive.file == "drives/root.qcow2" && drive.format == "qcow2")
        let copy = recording.appendingPathComponent(drive.file)
        #expect(QcowHeader.problem(inFileAt: copy) == nil)
        let copied = try Data(contentsOf: copy)
        let manifestText = try String(contentsOf: recording.appendingPathComponent(RecordingManifest.fileName), encoding: .utf8)
        #expect(!manifestText.contains(guest.path), "the manifest names a host path")
        let command = MachineCommand.arguments(for: recorded.manifest.machine, drives: .recordReplay)
        #expect(command.contains("driver=blkreplay,if=none,image=osprey-img-root,id=root"))
        let recordConsole = try String(contentsOf: recording.deletingLastPathComponent().appendingPathComponent("record-console.txt"), encoding: .utf8)
        #expect(recordConsole.contains("/dev/vda"))

        let profile = try Fixtures.profile(kernel: kernel)
        let first = try RecordingFixtures.replay(recording, name: "rr-disk-1", profile: profile)
        let second = try RecordingFixtures.replay(recording, name: "rr-disk-2", profile: profile)
        for run in [first, second] {
            #expect(run.result.problem == nil)
            #expect(run.result.outcome == .poweredOff(scenarioStatus: 0))
            #expect(run.console == recordConsole)
        }
        let a = try Data(contentsOf: first.output)
        #expect(a == (try Data(contentsOf: second.output)), "two replays of the disk guest wrote different traces")
        let text = String(decoding: a, as: UTF8.self)
        #expect(text.contains("\"name\":\"mount\"") && text.contains("/dev/vda"))
        #expect(text.contains("\"type\":\"process\""))
        #expect(try Data(contentsOf: image) == before, "recording or replaying wrote to the guest's disk image")
        #expect(try Data(contentsOf: copy) == copied, "a replay wrote to the recording's disk")
    }

    @Test("a replay of a changed machine stalls, and is stopped and reported")
    func divergedReplayIsReported() throws {
        let guest = try Fixtures.guest("default-\(Fixtures.arm64Kernel)", kernel: Fixtures.arm64Kernel)
        let (recording, _) = try RecordingFixtures.record(guest: guest, name: "rr-diverge")
        // The same log on a machine with less memory cannot follow the recording.
        var manifest = try RecordingManifest.load(from: recording)
        manifest.machine.memoryMiB = manifest.machine.memoryMiB == 256 ? 384 : 256
        try manifest.save(to: recording)
        let started = Date()
        let run = try RecordingFixtures.replay(recording, name: "rr-diverge-replay", stallSeconds: 10)
        let problem = try #require(run.result.problem, "the diverged replay was not reported: \(run.result.outcome)")
        print("[rr-diverge] \(problem)")
        #expect(problem.contains("stalled") || problem.contains("diverged") || problem.contains("QEMU stopped the replay"))
        #expect(Date().timeIntervalSince(started) < 120)
    }
}
