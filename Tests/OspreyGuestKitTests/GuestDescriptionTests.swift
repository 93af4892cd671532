import Foundation
import Testing

@testable import OspreyGuestKit

@Suite struct GuestDescriptionTests {
    /// `guest.json` as a JSON object (the test reads its own file).
    static func writtenJSON(_ guest: GuestDescription) throws -> [String: Any] {
        let dir = try makeTemporaryDirectory("guest-json")
        defer { try? FileManager.default.removeItem(at: dir) }
        try guest.write(to: dir)
        let data = try Data(contentsOf: dir.appendingPathComponent("guest.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func describesTheMachineForX86_64() throws {
        let guest = GuestDescription(
            architecture: .x86_64, kernelPackage: "linux-image-6.1.0-56-amd64", kernelVersion: "6.1.192-2",
            packages: [], resolvedPackages: nil, scenario: "default")
        #expect(guest.console == "ttyS0")
        let json = try Self.writtenJSON(guest)
        #expect(json["format"] as? String == "osprey-guest/2")
        #expect(json["machine"] as? String == "q35")
        #expect(json["cpu"] == nil)
        #expect(json["memoryMiB"] as? Int == 512)
        #expect(json["kernel"] as? String == "vmlinuz")
        #expect(json["initrd"] as? String == "initramfs.cpio")
        #expect(json["append"] as? String == "console=ttyS0 panic=-1 quiet")
        #expect(json["kernelPackage"] as? String == "linux-image-6.1.0-56-amd64")
    }

    @Test func describesTheMachineForAarch64AndHoldsNoCommand() throws {
        let guest = GuestDescription(
            architecture: .aarch64, kernelPackage: nil, kernelVersion: nil, packages: ["strace"],
            resolvedPackages: ["strace 6.13+ds-1 arm64"], scenario: "s.sh")
        #expect(guest.console == "ttyAMA0")
        #expect(guest.guestArchitecture == .aarch64)
        let json = try Self.writtenJSON(guest)
        #expect(json["machine"] as? String == "virt")
        #expect(json["cpu"] as? String == "cortex-a57")
        #expect(json["append"] as? String == "console=ttyAMA0 panic=-1 quiet")
        #expect(json["packages"] as? [String] == ["strace"])
        // A guest directory is data: no binary, no arguments to run.
        #expect(json["qemuBinary"] == nil && json["qemuArgs"] == nil)
        #expect(Set(json.keys) == [
            "format", "architecture", "machine", "cpu", "memoryMiB", "kernel", "initrd", "append", "console",
            "packages", "resolvedPackages", "scenario",
        ])
    }

    @Test func aDiskGuestNamesItsDiskAndNoRootDevice() throws {
        for architecture in GuestArchitecture.allCases {
            let guest = GuestDescription(
                architecture: architecture, kernelPackage: nil, kernelVersion: nil, packages: [], resolvedPackages: nil,
                scenario: nil, disk: "disk.qcow2")
            let json = try Self.writtenJSON(guest)
            #expect(json["disk"] as? String == "disk.qcow2")
            #expect(json["initrd"] as? String == "initramfs.cpio")
            // The boot initramfs mounts the disk itself: no root= on the command line.
            #expect((json["append"] as? String)?.contains("root=") == false)
        }
        let plain = try Self.writtenJSON(GuestDescription(
            architecture: .x86_64, kernelPackage: nil, kernelVersion: nil, packages: [], resolvedPackages: nil, scenario: nil))
        #expect(plain["disk"] == nil)
    }

    @Test func writesDeterministically() throws {
        let dir = try makeTemporaryDirectory("guest-json-twice")
        defer { try? FileManager.default.removeItem(at: dir) }
        let guest = GuestDescription(
            architecture: .aarch64, kernelPackage: "linux-image-6.1.0-56-arm64", kernelVersion: "6.1.192-2",
            packages: ["strace"], resolvedPackages: ["strace 6.13+ds-1 arm64"], scenario: "s.sh")
        try guest.write(to: dir)
        let first = try Data(contentsOf: dir.appendingPathComponent("guest.json"))
        try guest.write(to: dir)
        #expect(try Data(contentsOf: dir.appendingPathComponent("guest.json")) == first)
        #expect(String(decoding: first, as: UTF8.self).contains("\"kernel\" : \"vmlinuz\""))
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
