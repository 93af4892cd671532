import Foundation
import Testing

@testable import OspreyGuestKit

/// The small initramfs of a disk guest and its `/init`; booting it is the integration
/// test's job (DiskGuestTests).
@Suite struct BootInitramfsTests {
    static let order = ["virtio_ring", "virtio", "virtio_pci", "virtio_blk", "crc32c_generic", "jbd2", "ext4"]

    @Test func layoutHoldsBusyboxModulesAndInit() throws {
        let dir = try makeTemporaryDirectory("boot-initramfs")
        defer { try? FileManager.default.removeItem(at: dir) }
        let busybox = dir.appendingPathComponent("busybox")
        try Data("not really busybox".utf8).write(to: busybox)
        for name in Self.order { try Data(name.utf8).write(to: dir.appendingPathComponent(name + ".ko")) }
        let modules = BootModules(modules: Self.order, builtinRoots: [], directory: dir)
        let layout = try InitramfsLayout.boot(busybox: busybox, modules: modules)
        for path in ["init", "usr/bin/busybox", "dev/console", "newroot", "proc", "sys"] {
            #expect(layout.contains(path), "\(path) missing")
        }
        #expect(layout.entries["bin"]?.kind == .symlink(target: "usr/bin"))
        #expect(layout.entries["lib"]?.kind == .symlink(target: "usr/lib"))
        for name in Self.order {
            #expect(layout.entries["usr/lib/modules/\(name).ko"]?.kind == .file(.file(modules.file(of: name))))
        }
        guard case .file(.bytes(let script)) = layout.entries["init"]?.kind else {
            Issue.record("init is not a file")
            return
        }
        #expect(layout.entries["init"]?.permissions == 0o755)
        #expect(String(decoding: script, as: UTF8.self) == BootInitScript.text(modules: Self.order))
        // No scenario, no guest /init copy: those are on the disk.
        #expect(!layout.contains("scenario.sh"))
    }

    @Test func scriptLoadsModulesInOrderMountsTheDiskAndSwitchesRoot() throws {
        let text = BootInitScript.text(modules: Self.order)
        #expect(text.hasPrefix("#!/bin/busybox sh\n"))
        #expect(text.contains("for module in \(Self.order.joined(separator: " ")); do"))
        #expect(text.contains("$bb insmod /lib/modules/$module.ko"))
        #expect(text.contains("mount -t devtmpfs devtmpfs /dev"))
        #expect(text.contains("$bb mount -t ext4 /dev/vda /newroot"))
        #expect(text.contains("exec $bb switch_root /newroot /init"))
        // Failures carry the marker the runner recognises, and power off instead of hanging.
        #expect(text.contains("echo \"\(InitScript.errorMarker) $*\""))
        #expect(text.contains("$bb poweroff -f"))
        #expect(text.contains("did not appear within 10 s"))
        // Names that are not plain module names never reach the script.
        #expect(!BootInitScript.text(modules: ["ok", "x;reboot"]).contains("reboot"))
    }

    /// The host's busybox parses the script (`sh -n`), with and without modules.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/busybox")))
    func scriptParses() throws {
        let dir = try makeTemporaryDirectory("boot-init-syntax")
        defer { try? FileManager.default.removeItem(at: dir) }
        for modules in [Self.order, []] {
            let script = dir.appendingPathComponent("init")
            try BootInitScript.text(modules: modules).write(to: script, atomically: true, encoding: .utf8)
            _ = try runTool(["/bin/busybox", "sh", "-n", script.path])
        }
    }
}
