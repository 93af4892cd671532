import Foundation
import OspreyCore
import Testing
@testable import OspreyTools

/// The one builder of QEMU arguments from a description.
struct MachineCommandTests {
    static func guest(_ arch: Architecture, disk: Bool) -> MachineDescription {
        var machine = MachineDescription(architecture: arch)
        switch arch {
        case .x86_64: machine.machineType = "q35"
        case .aarch64: (machine.machineType, machine.cpuModel) = ("virt", "cortex-a57")
        }
        machine.memoryMiB = 512
        machine.flags = [.nodefaults, .noReboot]
        machine.kernel = "vmlinuz"
        machine.initrd = "initramfs.cpio"
        machine.append = "console=ttyS0 panic=-1 quiet"
        if disk {
            machine.drives = [.init(id: "root", file: "disk.qcow2", format: "qcow2", interface: .none)]
            machine.devices = [.init(driver: "virtio-blk-pci", properties: QemuKeyValues(pairs: [("drive", "root")]))]
        }
        return machine
    }

    @Test func aGuestsCommandHasOspreysConsoleAndNoNetwork() {
        let arguments = MachineCommand.arguments(for: Self.guest(.aarch64, disk: true), drives: .direct)
        #expect(arguments == [
            "-machine", "virt", "-cpu", "cortex-a57", "-m", "512M", "-nodefaults", "-no-reboot", "-display", "none",
            "-kernel", "vmlinuz", "-initrd", "initramfs.cpio", "-append", "console=ttyS0 panic=-1 quiet",
            "-drive", "file=disk.qcow2,format=qcow2,if=none,id=root", "-nic", "none",
            "-device", "virtio-blk-pci,drive=root", "-serial", "stdio", "-monitor", "none",
        ])
    }

    @Test func recordAndReplayPutDisksUnderBlkreplayAndNetdevsUnderFilterReplay() {
        var machine = Self.guest(.x86_64, disk: true)
        machine.drives.append(.init(id: "data", file: "drives/data.qcow2", format: "qcow2", interface: .virtio, readonly: true))
        machine.drives.append(.init(id: "pflash0", file: "files/pflash0.fd", format: "raw", interface: .pflash, readonly: true))
        machine.drives[2].unit = 0
        machine.netdevs = [.init(id: "n0", type: "user", options: QemuKeyValues(pairs: [("restrict", "on")]))]
        let arguments = MachineCommand.arguments(for: machine, drives: .recordReplay)
        let drives = zip(arguments, arguments.dropFirst()).filter { $0.0 == "-drive" || $0.0 == "-device" || $0.0 == "-netdev" || $0.0 == "-object" }.map(\.1)
        #expect(drives == [
            "file=disk.qcow2,format=qcow2,if=none,id=osprey-img-root,snapshot=on",
            "driver=blkreplay,if=none,image=osprey-img-root,id=root",
            "file=drives/data.qcow2,format=qcow2,if=none,id=osprey-img-data,readonly=on",
            "driver=blkreplay,if=none,image=osprey-img-data,id=data,readonly=on",
            "virtio-blk-pci,drive=data",
            "file=files/pflash0.fd,format=raw,if=pflash,unit=0,readonly=on",
            "user,id=n0,restrict=on",
            "filter-replay,id=osprey-replay-n0,netdev=n0",
            "virtio-blk-pci,drive=root",
        ])
        #expect(!arguments.contains("-nic"))
    }

    @Test func theKernelCommandLineIsOneArgumentWhateverItSays() {
        var machine = Self.guest(.x86_64, disk: false)
        machine.append = "a -serial file:/root/.bashrc\n$(id) ; -monitor"
        let arguments = MachineCommand.arguments(for: machine, drives: .recordReplay)
        let index = try? #require(arguments.firstIndex(of: "-append"))
        #expect(index.map { arguments[$0 + 1] } == machine.append)
        #expect(arguments.filter { $0 == "-serial" }.count == 1 && arguments.filter { $0 == "-monitor" }.count == 1)
    }

    /// What the builder writes for a guest, the parser of a user's command line reads back as
    /// the same description: recording a guest records the machine it runs.
    @Test(arguments: [(Architecture.x86_64, false), (.x86_64, true), (.aarch64, false), (.aarch64, true)])
    func aGuestsArgumentsParseBackToItsDescription(arch: Architecture, disk: Bool) throws {
        var machine = Self.guest(arch, disk: disk)
        machine.rtc = QemuKeyValues(pairs: [("base", "utc")])
        machine.boot = QemuKeyValues(pairs: [("order", "c"), ("menu", "off")])
        machine.vga = "none"
        machine.display = .nographic
        let parsed = try MachineArguments.parse(MachineCommand.arguments(for: machine, drives: .direct), architecture: arch)
        #expect(parsed == machine)
    }

    @Test func theBinaryComesFromTheArchitecture() {
        #expect(Architecture.x86_64.qemuSystemBinary == "qemu-system-x86_64")
        #expect(Architecture.aarch64.qemuSystemBinary == "qemu-system-aarch64")
        for arch in Architecture.allCases { #expect(Architecture(qemuSystemBinary: arch.qemuSystemBinary) == arch) }
        #expect(Architecture(qemuSystemBinary: "/bin/sh") == nil)
        let invocation = QemuInvocation.machine(Self.guest(.aarch64, disk: false), in: URL(fileURLWithPath: "/tmp"), drives: .direct, ownsConsole: true)
        #expect(invocation.binary == "qemu-system-aarch64")
    }
}
