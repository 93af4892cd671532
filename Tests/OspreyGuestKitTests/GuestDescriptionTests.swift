import Foundation
import Testing

@testable import OspreyGuestKit

@Suite struct GuestDescriptionTests {
    @Test func qemuArgumentsForX86_64() {
        let guest = GuestDescription(
            architecture: .x86_64, kernelPackage: "linux-image-6.1.0-56-amd64", kernelVersion: "6.1.192-2",
            packages: [], resolvedPackages: nil, scenario: "default")
        #expect(guest.qemuBinary == "qemu-system-x86_64")
        #expect(guest.console == "ttyS0")
        #expect(guest.qemuArgs == [
            "-machine", "q35", "-m", "512M", "-nodefaults", "-no-reboot", "-display", "none",
            "-kernel", "vmlinuz", "-initrd", "initramfs.cpio", "-append", "console=ttyS0 panic=-1 quiet",
        ])
    }

    @Test func qemuArgumentsForAarch64() {
        let guest = GuestDescription(
            architecture: .aarch64, kernelPackage: nil, kernelVersion: nil, packages: ["strace"],
            resolvedPackages: nil, scenario: nil)
        #expect(guest.qemuBinary == "qemu-system-aarch64")
        #expect(guest.console == "ttyAMA0")
        #expect(guest.qemuArgs == [
            "-M", "virt", "-cpu", "cortex-a57", "-m", "512M", "-nodefaults", "-no-reboot", "-display", "none",
            "-kernel", "vmlinuz", "-initrd", "initramfs.cpio", "-append", "console=ttyAMA0 panic=-1 quiet",
        ])
        #expect(!guest.qemuArgs.contains { $0 == "-serial" || $0 == "-plugin" || $0 == "-accel" })
    }

    @Test func writesAndLoadsGuestJSON() throws {
        let dir = try makeTemporaryDirectory("guest-json")
        defer { try? FileManager.default.removeItem(at: dir) }
        let guest = GuestDescription(
            architecture: .aarch64, kernelPackage: "linux-image-6.1.0-56-arm64", kernelVersion: "6.1.192-2",
            packages: ["strace"], resolvedPackages: ["strace 6.13+ds-1 arm64"], scenario: "s.sh")
        try guest.write(to: dir)
        let loaded = try GuestDescription.load(from: dir)
        #expect(loaded == guest)
        #expect(loaded.format == "osprey-guest/1")
        #expect(loaded.guestArchitecture == .aarch64)
        let json = try String(contentsOf: dir.appendingPathComponent("guest.json"), encoding: .utf8)
        #expect(json.contains("\"kernel\" : \"vmlinuz\""))
    }

    @Test func diskGuestBootsFromAVirtioBlockDisk() throws {
        for architecture in GuestArchitecture.allCases {
            let guest = GuestDescription(
                architecture: architecture, kernelPackage: nil, kernelVersion: nil, packages: [], resolvedPackages: nil,
                scenario: nil, disk: "disk.qcow2")
            #expect(guest.disk == "disk.qcow2")
            #expect(Array(guest.qemuArgs.suffix(4)) == [
                "-drive", "file=disk.qcow2,format=qcow2,if=none,id=root", "-device", "virtio-blk-pci,drive=root",
            ])
            #expect(guest.qemuArgs.contains("-initrd"))
            // The boot initramfs mounts the disk itself: no root= on the command line.
            #expect(!guest.qemuArgs.contains { $0.contains("root=") && !$0.hasPrefix("virtio") && !$0.hasPrefix("file=") })
        }
    }

    @Test func diskFieldIsAbsentForInitramfsGuestsAndOldFilesStillLoad() throws {
        let dir = try makeTemporaryDirectory("guest-json-disk")
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = GuestDescription(
            architecture: .x86_64, kernelPackage: nil, kernelVersion: nil, packages: [], resolvedPackages: nil, scenario: nil)
        try plain.write(to: dir)
        var json = try String(contentsOf: dir.appendingPathComponent("guest.json"), encoding: .utf8)
        #expect(!json.contains("\"disk\""))
        #expect(try GuestDescription.load(from: dir).disk == nil)

        let disk = GuestDescription(
            architecture: .aarch64, kernelPackage: nil, kernelVersion: nil, packages: [], resolvedPackages: nil, scenario: nil,
            disk: "disk.qcow2")
        try disk.write(to: dir)
        json = try String(contentsOf: dir.appendingPathComponent("guest.json"), encoding: .utf8)
        #expect(json.contains("\"disk\" : \"disk.qcow2\""))
        #expect(try GuestDescription.load(from: dir) == disk)

        // A guest.json written before disk guests existed (no "disk" key).
        let old = """
            {"architecture":"x86_64","console":"ttyS0","format":"osprey-guest/1","initrd":"initramfs.cpio",
             "kernel":"vmlinuz","packages":["pigz"],"qemuArgs":["-machine","q35"],"qemuBinary":"qemu-system-x86_64"}
            """
        try Data(old.utf8).write(to: dir.appendingPathComponent("guest.json"))
        let loaded = try GuestDescription.load(from: dir)
        #expect(loaded.disk == nil)
        #expect(loaded.initrd == "initramfs.cpio")
    }

    @Test func diskSizeNeedsADiskGuestAndASaneValue() {
        let kit = GuestKit(cacheRoot: URL(fileURLWithPath: "/nonexistent/osprey-cache"), progress: { _ in })
        #expect(throws: GuestKitError.invalidRequest("a disk size is only meaningful for a disk guest")) {
            try kit.build(GuestBuildRequest(kernelPackage: "linux-image-6.1.0-56-amd64", outDir: "/tmp/x", diskSizeMB: 64))
        }
        #expect(throws: GuestKitError.self) {
            try kit.build(GuestBuildRequest(kernelPackage: "linux-image-6.1.0-56-amd64", outDir: "/tmp/x", disk: true, diskSizeMB: 2))
        }
    }

    @Test func loadRejectsOtherFormatsAndMissingFiles() throws {
        let dir = try makeTemporaryDirectory("guest-json-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: GuestKitError.self) { try GuestDescription.load(from: dir) }
        try Data("{\"format\":\"other/9\"}".utf8).write(to: dir.appendingPathComponent("guest.json"))
        #expect(throws: GuestKitError.self) { try GuestDescription.load(from: dir) }
    }

    @Test func architectureSpellings() {
        #expect(GuestArchitecture(userSpelling: "amd64") == .x86_64)
        #expect(GuestArchitecture(userSpelling: "ARM64") == .aarch64)
        #expect(GuestArchitecture(userSpelling: "riscv64") == nil)
        #expect(GuestArchitecture(debianArchitecture: "arm64") == .aarch64)
    }
}

@Suite struct InitramfsLayoutTests {
    @Test func skeletonHasDevicesMountPointsInitAndScenario() throws {
        let layout = try InitramfsLayout.skeleton(scenario: Data(DefaultScenario.script.utf8))
        let entries = layout.entries
        #expect(entries["dev/console"]?.kind == .characterDevice(major: 5, minor: 1))
        #expect(entries["dev/null"]?.kind == .characterDevice(major: 1, minor: 3))
        for merged in ["bin", "sbin", "lib", "lib64"] {
            #expect(entries[merged]?.kind == .symlink(target: "usr/\(merged)"))
        }
        for directory in ["proc", "sys", "tmp", "root"] {
            #expect(entries[directory]?.kind == .directory)
        }
        #expect(entries["init"]?.permissions == 0o755)
        #expect(entries["scenario.sh"]?.kind == .file(.bytes(Data(DefaultScenario.script.utf8))))
        guard case .file(.bytes(let passwd)) = entries["etc/passwd"]?.kind else {
            Issue.record("no /etc/passwd")
            return
        }
        #expect(String(decoding: passwd, as: UTF8.self).hasPrefix("root:x:0:0:"))
    }

    @Test func laterEntriesDoNotReplaceEarlierOnes() throws {
        var layout = try InitramfsLayout.skeleton(scenario: Data())
        #expect(try layout.add(.symlink("usr/bin/cat", to: "busybox")))
        #expect(try !layout.add(.symlink("usr/bin/cat", to: "other")))
        #expect(try !layout.add(.file("/init", .bytes(Data()))))
    }

    @Test func initScriptPrintsMarkersAndPowersOff() {
        let text = InitScript.text
        #expect(text.hasPrefix("#!/bin/busybox sh\n"))
        #expect(text.contains("echo OSPREY-SCENARIO-BEGIN"))
        #expect(text.contains("echo \"OSPREY-SCENARIO-END rc=$rc\""))
        #expect(text.contains("OSPREY-INIT-ERROR"))
        #expect(text.contains("sh /scenario.sh"))
        for mount in ["-t proc", "-t sysfs", "-t devtmpfs", "-t tmpfs"] { #expect(text.contains(mount)) }
        #expect(text.contains("poweroff -f"))
    }
}
