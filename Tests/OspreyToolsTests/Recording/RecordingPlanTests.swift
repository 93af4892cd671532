import Foundation
import OspreyCore
import Testing
@testable import OspreyTools

/// The rewriting of a machine's command line into its record/replay form, and the refusals.
struct RecordingPlanTests {
    /// A scratch directory with the files a command line names.
    static func machineDirectory(_ files: [String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-plan-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for file in files { try Data("x".utf8).write(to: dir.appendingPathComponent(file)) }
        return dir
    }

    static func facts(_ url: URL, _ declared: String?) -> RecordingPlan.ImageFacts {
        RecordingPlan.ImageFacts(format: declared ?? "qcow2", size: 1, modified: 2)
    }

    static func plan(_ arguments: [String], files: [String], arch: Architecture = .x86_64) throws -> RecordingPlan {
        try RecordingPlan.make(
            options: QemuOption.parse(arguments), architecture: arch, workingDirectory: try machineDirectory(files), inspect: facts)
    }

    @Test func optionsParseWithFlagsAndValues() {
        let options = QemuOption.parse(["-nodefaults", "-m", "512M", "--kernel", "vmlinuz", "disk.img", "-S"])
        #expect(options == [QemuOption("nodefaults"), QemuOption("m", "512M"), QemuOption("kernel", "vmlinuz"), QemuOption("", "disk.img"), QemuOption("S")])
        #expect(QemuOption.arguments(options) == ["-nodefaults", "-m", "512M", "-kernel", "vmlinuz", "disk.img", "-S"])
    }

    @Test func keyValuesKeepDoubledCommas() {
        let spec = QemuKeyValues("file=a,,b.img,if=none,readonly")
        #expect(spec["file"] == "a,b.img")
        #expect(spec["if"] == "none")
        #expect(spec["readonly"] == "on")
        #expect(spec.text == "file=a,,b.img,if=none,readonly=on")
        #expect(QemuKeyValues("user,id=n0", impliedKey: "type")["type"] == "user")
    }

    @Test func bootFilesAreCopiedAndNetworkTurnedOff() throws {
        let plan = try Self.plan(["-kernel", "vmlinuz", "-initrd", "initrd.cpio", "-append", "console=ttyS0"], files: ["vmlinuz", "initrd.cpio"])
        #expect(try Self.plan(["-smp", "1"], files: []).arguments == ["-smp", "1", "-nic", "none"])
        #expect(plan.arguments == ["-kernel", "files/vmlinuz", "-initrd", "files/initrd.cpio", "-append", "console=ttyS0", "-nic", "none"])
        #expect(plan.copies.map(\.target) == ["files/vmlinuz", "files/initrd.cpio"])
    }

    @Test func drivesGoBehindOverlaysUnderBlkreplay() throws {
        let plan = try Self.plan(["-drive", "file=disk.qcow2,format=qcow2,if=virtio,cache=unsafe"], files: ["disk.qcow2"])
        #expect(plan.arguments == [
            "-drive", "file=drives/osprey-disk0.qcow2,format=qcow2,if=none,id=osprey-img-osprey-disk0,snapshot=on,cache=unsafe",
            "-drive", "driver=blkreplay,if=none,image=osprey-img-osprey-disk0,id=osprey-disk0",
            "-device", "virtio-blk-pci,drive=osprey-disk0",
            "-nic", "none",
        ])
        let drive = try #require(plan.drives.first)
        #expect(drive.image.hasSuffix("/disk.qcow2") && drive.image.hasPrefix("/"))
        #expect(drive.format == "qcow2" && drive.overlay == "drives/osprey-disk0.qcow2")
    }

    @Test func aDriveWithItsOwnDeviceKeepsItsId() throws {
        let plan = try Self.plan(
            ["-drive", "file=root.img,if=none,id=root", "-device", "virtio-blk-pci,drive=root", "-hda", "b.img"],
            files: ["root.img", "b.img"])
        #expect(plan.arguments.contains("driver=blkreplay,if=none,image=osprey-img-root,id=root"))
        #expect(plan.arguments.contains("virtio-blk-pci,drive=root"))
        #expect(plan.arguments.contains("ide-hd,drive=osprey-disk1"))  // -hda on x86-64: IDE
        #expect(plan.drives.map(\.id) == ["root", "osprey-disk1"])
    }

    @Test func netdevsGetFilterReplay() throws {
        let plan = try Self.plan(["-netdev", "user,id=n0", "-device", "e1000,netdev=n0"], files: [])
        #expect(plan.arguments == ["-netdev", "user,id=n0", "-object", "filter-replay,id=osprey-replay-n0,netdev=n0", "-device", "e1000,netdev=n0"])
    }

    @Test(arguments: [
        (["-enable-kvm"], "TCG only"),
        (["-accel", "kvm"], "TCG only"),
        (["-accel", "tcg,thread=multi"], "one thread"),
        (["-machine", "q35,accel=kvm"], "TCG only"),
        (["-icount", "shift=1"], "sets the instruction counter"),
        (["-nic", "user"], "filter-replay"),
        (["-net", "nic"], "filter-replay"),
        (["-cdrom", "x.iso"], "CD-ROM"),
        (["-blockdev", "driver=file,filename=x"], "-blockdev"),
        (["-drive", "driver=qcow2,file=x"], "blkreplay driver itself"),
        (["-drive", "file=x,if=scsi"], "if=scsi"),
        (["-device", "vfio-pci,host=01:00.0"], "passed through"),
        (["-loadvm", "snap"], "from a boot"),
        (["-smp", "2"], "one CPU only"),
        (["-smp", "sockets=1,cores=2"], "one CPU only"),
        (["disk.img"], "-drive file="),
    ])
    func refusals(arguments: [String], reason: String) throws {
        #expect(throws: OspreyError.self) { try Self.plan(arguments, files: ["x"]) }
        let problems = ReplayBlockers.problems(in: QemuOption.parse(arguments))
        #expect(problems.count == 1)
        #expect(problems.first?.contains(reason) == true, "\(problems)")
    }

    @Test func aMissingFileIsNamed() throws {
        let error = #expect(throws: OspreyError.self) { try Self.plan(["-kernel", "nowhere"], files: []) }
        #expect(error?.description.contains("does not exist") == true)
    }

    @Test func aNetdevWithoutIdIsRefused() {
        #expect(throws: OspreyError.self) { try Self.plan(["-netdev", "user"], files: []) }
    }
}
