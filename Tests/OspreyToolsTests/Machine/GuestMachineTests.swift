import Foundation
import OspreyCore
import OspreyGuestKit
import Testing
@testable import OspreyTools

/// `guest.json` as the tools read it: strictly, its files inside the guest directory, the
/// command built from it.
struct GuestMachineTests {
    /// A guest directory as the kit writes it (its `guest.json`, small stand-in files).
    static func guestDirectory(_ architecture: GuestArchitecture = .x86_64, disk: Bool = false) throws -> URL {
        let dir = try MachineTestSupport.directory("guest")
        let guest = GuestDescription(
            architecture: architecture, kernelPackage: "linux-image-6.1.0-56-amd64", kernelVersion: "6.1.192-2",
            packages: ["strace"], resolvedPackages: ["strace 6.13+ds-1 amd64"], scenario: "default",
            disk: disk ? "disk.qcow2" : nil)
        try guest.write(to: dir)
        try MachineTestSupport.file("vmlinuz", in: dir)
        try MachineTestSupport.file("initramfs.cpio", in: dir)
        if disk { try MachineTestSupport.qcow2("disk.qcow2", in: dir) }
        return dir
    }

    /// Rewrites `guest.json` of `dir` with `change` applied to its members.
    static func edit(_ dir: URL, _ change: (inout [String: Any]) -> Void) throws {
        let url = dir.appendingPathComponent("guest.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        change(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    static func error(_ dir: URL) -> String? {
        do {
            _ = try QemuInvocation.guest(at: dir)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func theKitsGuestRunsWithTheCommandTheToolsBuild() throws {
        let dir = try Self.guestDirectory(.aarch64, disk: true)
        let invocation = try QemuInvocation.guest(at: dir)
        #expect(invocation.binary == "qemu-system-aarch64")
        #expect(invocation.ownsConsole && invocation.architecture == .aarch64)
        #expect(invocation.workingDirectory == dir)
        #expect(invocation.arguments == [
            "-machine", "virt", "-cpu", "cortex-a57", "-m", "512M", "-nodefaults", "-no-reboot", "-display", "none",
            "-kernel", "vmlinuz", "-initrd", "initramfs.cpio", "-append", "console=ttyAMA0 panic=-1 quiet",
            "-drive", "file=disk.qcow2,format=qcow2,if=none,id=root", "-nic", "none", "-device", "virtio-blk-pci,drive=root",
            "-serial", "stdio", "-monitor", "none",
        ])
        let x86 = try QemuInvocation.guest(at: try Self.guestDirectory())
        #expect(x86.binary == "qemu-system-x86_64")
        #expect(Array(x86.arguments.prefix(2)) == ["-machine", "q35"])
    }

    @Test func aFormatOneGuestIsRefusedWithHowToRebuildIt() throws {
        let dir = try Self.guestDirectory()
        try Self.edit(dir) {
            $0 = ["format": "osprey-guest/1", "architecture": "x86_64", "qemuBinary": "/bin/sh", "qemuArgs": ["-c", "id"]]
        }
        let message = try #require(Self.error(dir))
        #expect(message.contains("guest.json: format:"))
        #expect(message.contains("rebuild the guest with `osprey guest build`"))
    }

    /// Each row: a field, the JSON it is given, and the message that must name it.
    @Test(arguments: [
        ("qemuBinary", #""/bin/sh""#, "qemuBinary: is not a field of this format"),
        ("qemuArgs", #"["-serial", "file:/root/.bashrc"]"#, "qemuArgs: is not a field of this format"),
        ("kernel", #""/etc/shadow""#, "kernel: /etc/shadow is an absolute path"),
        ("initrd", #""../initramfs.cpio""#, "initrd: ../initramfs.cpio has a .. component"),
        ("disk", #""nowhere.qcow2""#, "disk: nowhere.qcow2 does not exist"),
        ("machine", #""q35,dumpdtb=/root/x""#, "machine: q35,dumpdtb=/root/x is not a machine type name"),
        ("cpu", #""host""#, "cpu: cpu model host needs KVM"),
        ("memoryMiB", #""512M""#, "memoryMiB: is not a whole number"),
        ("append", "7", "append: is not a string"),
        ("architecture", #""riscv64""#, "architecture: riscv64 is not one of"),
    ])
    func hostileFieldsAreRefusedNamingTheField(key: String, json: String, message: String) throws {
        let dir = try Self.guestDirectory()
        let value = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
        try Self.edit(dir) { $0[key] = value }
        let error = try #require(Self.error(dir))
        #expect(error.contains(message), "\(error)")
        #expect(error.hasPrefix(dir.path + "/guest.json: "), "\(error)")
        #expect(!error.contains("\n"))
    }

    @Test func aDiskWithABackingFileIsRefused() throws {
        let dir = try Self.guestDirectory(disk: true)
        let outside = try MachineTestSupport.directory("guest-outside")
        let base = try MachineTestSupport.qcow2("base.qcow2", in: outside)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("disk.qcow2"))
        try MachineTestSupport.qcow2("disk.qcow2", in: dir, options: ["-F", "qcow2", "-b", base.path])
        #expect(Self.error(dir)?.contains("backing file") == true)
    }

    @Test func aMissingOrHugeGuestJSONIsRefusedBeforeItIsRead() throws {
        let dir = try MachineTestSupport.directory("guest-none")
        #expect(Self.error(dir)?.contains("does not exist") == true)
        let huge = try Self.guestDirectory()
        #expect(truncate(huge.path + "/guest.json", 1 << 30) == 0)
        #expect(Self.error(huge)?.contains("more than the 1048576") == true)
    }
}
