import Foundation
import OspreyCore
import Testing
@testable import OspreyTools

/// What `osprey record` puts in a recording before QEMU runs: the machine's files, copied in,
/// its disks flattened (real qemu-img), and a machine that cannot be recorded refused before
/// anything is created.
struct RecordingFilesTests {
    @Test func bootFilesAreCopiedAndDisksFlattenedIntoTheRecording() throws {
        let user = try MachineTestSupport.directory("user-machine")
        try MachineTestSupport.file("vmlinuz", in: user)
        try MachineTestSupport.file("boot/initrd.img", in: user)
        try MachineTestSupport.file("code.fd", in: user, String(repeating: "F", count: 65536))
        let base = try MachineTestSupport.qcow2("base.qcow2", in: user)
        try MachineTestSupport.qcow2("disk.qcow2", in: user, options: ["-F", "qcow2", "-b", base.path])
        let machine = try MachineArguments.parse([
            "-kernel", "vmlinuz", "-initrd", user.path + "/boot/initrd.img",
            "-drive", "file=disk.qcow2,if=none,id=root", "-device", "virtio-blk-pci,drive=root",
            "-drive", "if=pflash,format=raw,readonly=on,file=code.fd",
        ], architecture: .aarch64)
        let recording = try MachineTestSupport.directory("copied")
        let copied = try RecordingFiles.copy(machine, from: user, into: recording)
        #expect(copied.kernel == "files/vmlinuz" && copied.initrd == "files/initrd.img")
        #expect(copied.drives.map(\.file) == ["drives/root.qcow2", "files/pflash0.fd"])
        #expect(copied.drives.map(\.format) == ["qcow2", "raw"])
        // The copy stands alone (the backing chain is folded in) and passes a replay's checks.
        let checked = try copied.contained(in: recording)
        #expect(checked == copied)
        #expect(QcowHeader.problem(inFileAt: recording.appendingPathComponent("drives/root.qcow2")) == nil)
        #expect(try Data(contentsOf: recording.appendingPathComponent("files/pflash0.fd")) == Data(contentsOf: user.appendingPathComponent("code.fd")))
        #expect(!MachineCommand.arguments(for: checked, drives: .recordReplay).contains { $0.contains(user.path) })
    }

    @Test func aMachineThatReachesTheHostIsRefusedBeforeAnythingIsMade() throws {
        let parent = try MachineTestSupport.directory("refused")
        let out = parent.appendingPathComponent("rec")
        let invocation = try QemuInvocation.user(
            arguments: ["qemu-system-x86_64", "-kernel", "/nonexistent", "-serial", "file:/root/.bashrc", "-smp", "2"], architecture: nil)
        let error = #expect(throws: OspreyError.self) { try Recorder(invocation: invocation, directory: out).record() }
        #expect(error?.description.contains("-serial file:/root/.bashrc: the serial console is Osprey's") == true)
        #expect(error?.description.contains("-smp 2: QEMU 10 records") == true)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
