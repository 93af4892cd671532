import Foundation
import OspreyCore
@testable import OspreyTools

/// Small recordings made by the tests themselves: the files a recording has (a kernel and
/// initrd stand-in, a qcow2 disk, an empty replay log) and a manifest.
enum RecordingTestSupport {
    /// The description of the test recordings: a q35 machine booting `files/` with a disk.
    static var machine: MachineDescription {
        var machine = MachineDescription(architecture: .x86_64)
        machine.machineType = "q35"
        machine.memoryMiB = 512
        machine.flags = [.nodefaults, .noReboot]
        machine.kernel = "files/vmlinuz"
        machine.initrd = "files/initramfs.cpio"
        machine.append = "console=ttyS0 panic=-1 quiet"
        machine.drives = [.init(id: "root", file: "drives/root.qcow2", format: "qcow2", interface: .none)]
        machine.devices = [.init(driver: "virtio-blk-pci", properties: QemuKeyValues(pairs: [("drive", "root")]))]
        return machine
    }

    /// A recording directory with ``machine`` and `change` applied to its manifest.
    static func recording(_ change: (inout RecordingManifest) -> Void = { _ in }) throws -> URL {
        let dir = try MachineTestSupport.directory("rec")
        try MachineTestSupport.file("files/vmlinuz", in: dir)
        try MachineTestSupport.file("files/initramfs.cpio", in: dir)
        try MachineTestSupport.qcow2("drives/root.qcow2", in: dir)
        try MachineTestSupport.file(RecordingManifest.logName, in: dir, "")
        var manifest = RecordingManifest(machine: machine, icountShift: Recorder.icountShift, ownsConsole: true)
        manifest.facts.qemuVersion = "QEMU emulator version 10.0.2"
        manifest.facts.outcome = "the guest powered off (scenario status 0)"
        change(&manifest)
        try manifest.save(to: dir)
        return dir
    }

    /// The manifest of `dir` as text.
    static func manifestText(_ dir: URL) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(RecordingManifest.fileName), encoding: .utf8)
    }

    /// Replaces the manifest of `dir` with `text`.
    static func writeManifest(_ text: String, in dir: URL) throws {
        try Data(text.utf8).write(to: dir.appendingPathComponent(RecordingManifest.fileName))
    }

    /// The error loading `dir` gives, or nil if it loads.
    static func loadError(_ dir: URL) -> String? {
        do {
            _ = try RecordingManifest.load(from: dir)
            return nil
        } catch {
            return "\(error)"
        }
    }
}
