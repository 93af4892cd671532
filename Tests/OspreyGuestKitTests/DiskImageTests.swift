import Foundation
import Testing

@testable import OspreyGuestKit

/// Layouts written out as directories, and ext4 qcow2 disks made from them: modes and
/// symlinks survive (read back with e2fsprogs' debugfs), sizes and errors are clear.
@Suite struct DiskImageTests {
    static let haveDiskTools = (try? DiskImage.checkTools()) != nil && hostHasTool("debugfs")

    /// A layout with the kinds and modes that matter: sticky and private directories, an
    /// executable, a plain file, symlinks, and device nodes (which the directory skips).
    static func sampleLayout() throws -> InitramfsLayout {
        var layout = try InitramfsLayout.skeleton(scenario: Data("#!/bin/sh\necho hi\n".utf8))
        try layout.add(.file("usr/bin/tool", permissions: 0o750, .bytes(Data("#!/bin/sh\n".utf8))))
        try layout.add(.file("etc/readonly", permissions: 0o400, .bytes(Data("x".utf8))))
        try layout.add(.symlink("usr/bin/alias", to: "tool"))
        return layout
    }

    /// `lstat` mode bits of `path`.
    static func mode(_ path: String) -> UInt32? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return UInt32(info.st_mode)
    }

    @Test func materializeKeepsModesAndSymlinksAndSkipsDevices() throws {
        let parent = try makeTemporaryDirectory("layout-dir")
        defer { try? FileManager.default.removeItem(at: parent) }
        let root = parent.appendingPathComponent("tree")
        try Self.sampleLayout().materialize(at: root)
        let p = root.path
        #expect(Self.mode(p + "/init") == 0o100755)
        #expect(Self.mode(p + "/scenario.sh") == 0o100755)
        #expect(Self.mode(p + "/usr/bin/tool") == 0o100750)
        #expect(Self.mode(p + "/etc/readonly") == 0o100400)
        #expect(Self.mode(p + "/tmp") == 0o41777)
        #expect(Self.mode(p + "/root") == 0o40700)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: p + "/bin") == "usr/bin")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: p + "/usr/bin/alias") == "tool")
        #expect(Self.mode(p + "/dev") == 0o40755)
        #expect(Self.mode(p + "/dev/console") == nil)
        #expect(try String(contentsOf: root.appendingPathComponent("init"), encoding: .utf8) == InitScript.text)
        // The directory must be new: an existing tree is never written into.
        #expect(throws: GuestKitError.self) { try Self.sampleLayout().materialize(at: root) }
    }

    @Test(.enabled(if: haveDiskTools, "needs mkfs.ext4, debugfs (e2fsprogs) and qemu-img (qemu-utils): run scripts/setup.sh"))
    func diskHoldsTheTreeWithModesAndSymlinks() throws {
        let work = try makeTemporaryDirectory("disk-image")
        defer { try? FileManager.default.removeItem(at: work) }
        let tree = work.appendingPathComponent("tree")
        try Self.sampleLayout().materialize(at: tree)
        // Owned by someone else, as when the kit runs as a user: the image is root's anyway.
        if getuid() == 0 { _ = try runTool(["chown", "-R", "-h", "1000:1001", tree.path]) }
        let qcow2 = work.appendingPathComponent("disk.qcow2")
        try DiskImage.make(tree: tree, sizeMB: 16, neededMB: 8, scratch: work, qcow2: qcow2)
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("disk.raw").path), "the raw image was kept")
        let info = try runTool(["qemu-img", "info", "--output=json", qcow2.path])
        #expect(info.contains("\"format\": \"qcow2\""))
        #expect(info.contains("\"virtual-size\": \(16 << 20)"))

        // Back to raw, read with debugfs (e2fsprogs), never mounted.
        let raw = work.appendingPathComponent("check.raw")
        _ = try runTool(["qemu-img", "convert", "-f", "qcow2", "-O", "raw", qcow2.path, raw.path])
        func debugfs(_ request: String) throws -> String { try runTool(["debugfs", "-R", request, raw.path]) }
        #expect(try debugfs("stat /init").contains("Mode:  0755"))
        #expect(try debugfs("stat /usr/bin/tool").contains("Mode:  0750"))
        #expect(try debugfs("stat /etc/readonly").contains("Mode:  0400"))
        #expect(try debugfs("stat /tmp").contains("Mode:  01777"))
        #expect(try debugfs("stat /bin").contains("Type: symlink"))
        #expect(try debugfs("stat /bin").contains("\"usr/bin\""))
        #expect(try debugfs("stat /usr/bin/alias").contains("\"tool\""))
        #expect(try debugfs("cat /scenario.sh") == "#!/bin/sh\necho hi\n")
        for path in ["/", "/init", "/tmp", "/bin", "/usr/bin/alias", "/usr/bin/tool", "/etc/readonly"] {
            let owner = try debugfs("stat \(path)").split(separator: "\n").first { $0.hasPrefix("User:") } ?? ""
            #expect(owner.hasPrefix("User:     0   Group:     0 "), "\(path): \(owner)")
        }
        let check = try ProcessRunner.run(["e2fsck", "-fn", raw.path])
        #expect(check.status == 0, "e2fsck: \(check.stdoutText)")
        let superblock = try runTool(["dumpe2fs", "-h", raw.path])
        #expect(superblock.contains("Filesystem volume name:   \(DiskImage.label)"))
    }

    @Test(.enabled(if: haveDiskTools, "needs mkfs.ext4 and qemu-img: run scripts/setup.sh"))
    func treeTooBigForTheDiskIsAClearError() throws {
        let work = try makeTemporaryDirectory("disk-too-small")
        defer { try? FileManager.default.removeItem(at: work) }
        var layout = try Self.sampleLayout()
        // Not zeros: mkfs.ext4 -d makes zero blocks holes, which take no space.
        try layout.add(.file("big.bin", .bytes(Data(repeating: 0xA5, count: 12 << 20))))
        let tree = work.appendingPathComponent("tree")
        try layout.materialize(at: tree)
        let footprint = try DiskImage.footprint(of: layout)
        let needed = DiskImage.neededMB(footprint: footprint)
        #expect(needed > 12)
        // mkfs.ext4 itself runs out of space: reported as too small, not as a tool failure.
        #expect(throws: GuestKitError.diskTooSmall(neededMB: needed, requestedMB: 10)) {
            try DiskImage.make(tree: tree, sizeMB: 10, neededMB: needed, scratch: work, qcow2: work.appendingPathComponent("d.qcow2"))
        }
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("d.qcow2").path))
        let message = GuestKitError.diskTooSmall(neededMB: needed, requestedMB: 10).description
        #expect(message.contains("--disk-size 10 is too small"))
        // The size the kit picks holds it with room to spare.
        let size = DiskImage.automaticSizeMB(footprint: footprint)
        try DiskImage.make(tree: tree, sizeMB: size, neededMB: needed, scratch: work, qcow2: work.appendingPathComponent("ok.qcow2"))
    }

    @Test func sizes() {
        // The default guest's files (about 6 MB) get the 64 MB minimum.
        #expect(DiskImage.automaticSizeMB(footprint: 6 << 20) == 64)
        for megabytes in [0, 1, 6, 40, 100, 700, 3000] {
            let footprint = megabytes << 20
            let automatic = DiskImage.automaticSizeMB(footprint: footprint)
            #expect(automatic % 8 == 0)
            #expect(automatic - DiskImage.overheadMB(sizeMB: automatic) - megabytes >= DiskImage.freeSpaceMB)
            #expect(DiskImage.neededMB(footprint: footprint) <= automatic)
        }
    }

    @Test func missingToolsNameTheirPackageAndTheSetupScript() {
        #expect(throws: GuestKitError.missingTool(name: "osprey-no-such-tool", package: "nothing")) {
            try HostTool.find("osprey-no-such-tool", package: "nothing")
        }
        let message = GuestKitError.missingTool(name: "mkfs.ext4", package: "e2fsprogs").description
        #expect(message == "mkfs.ext4 is not installed (Debian package e2fsprogs): run scripts/setup.sh")
    }
}

/// A whole disk-guest build whose files cannot fit the requested size fails before anything
/// is written. Uses the guest kit's cache (and Debian's mirror when it lacks the packages),
/// like PackageNotFoundTests.
@Suite struct DiskGuestBuildTests {
    @Test(.enabled(if: DiskImageTests.haveDiskTools, "needs mkfs.ext4 and qemu-img: run scripts/setup.sh"))
    func treeLargerThanTheRequestedDiskIsRejected() throws {
        let dir = try makeTemporaryDirectory("disk-build-too-small")
        defer { try? FileManager.default.removeItem(at: dir) }
        // 8 MB of a scenario that does not compress away: with busybox and pigz, more than 10 MB.
        let random = try #require(FileHandle(forReadingAtPath: "/dev/urandom"))
        defer { try? random.close() }
        let scenario = dir.appendingPathComponent("scenario.sh")
        try random.readData(ofLength: 8 << 20).write(to: scenario)
        let out = dir.appendingPathComponent("guest")
        let kit = GuestKit(progress: { _ in })
        let request = GuestBuildRequest(
            kernelPackage: "linux-image-6.1.0-56-amd64", scenarioFile: scenario.path, packages: ["pigz"], outDir: out.path,
            disk: true, diskSizeMB: 10)
        do {
            _ = try kit.build(request)
            Issue.record("a 10 MB disk took more than 10 MB of files")
        } catch GuestKitError.diskTooSmall(let needed, let requested) {
            #expect(requested == 10)
            #expect(needed > 14)
        }
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("disk.qcow2").path))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("guest.json").path))
    }
}
