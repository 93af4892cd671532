import Foundation
import Testing

@testable import OspreyGuestKit

/// A kernel's module tree (plain and compressed modules, `modules.builtin`) and the boot
/// modules taken from a kernel package: on a fake package built here with `dpkg-deb`.
@Suite struct KernelModulesTests {
    static let release = "6.1.0-99-test"
    static let package = "linux-image-\(release)"

    /// `lib/modules/RELEASE` with ext4 (xz), jbd2 (plain), crc16 (zstd when the host has it,
    /// else plain), virtio_blk (plain, depending on the built-in virtio), and
    /// `modules.builtin` listing virtio and virtio_ring.
    static func makeTree(in root: URL) throws -> URL {
        let modules = root.appendingPathComponent("lib/modules/\(release)", isDirectory: true)
        let fm = FileManager.default
        for directory in ["kernel/fs/ext4", "kernel/fs/jbd2", "kernel/lib", "kernel/drivers/block"] {
            try fm.createDirectory(at: modules.appendingPathComponent(directory), withIntermediateDirectories: true)
        }
        func write(_ path: String, _ fields: [String], compress: String? = nil) throws {
            let url = modules.appendingPathComponent(path)
            try TestELFObject.module(fields).write(to: url)
            if let compress {
                _ = try runTool([compress, "-q", url.path])
                if compress == "zstd" { try fm.removeItem(at: url) }
            }
        }
        try write("kernel/fs/ext4/ext4.ko", ["name=ext4", "depends=jbd2,crc16"], compress: "xz")
        try write("kernel/fs/jbd2/jbd2.ko", ["name=jbd2", "depends="])
        try write("kernel/lib/crc16.ko", ["name=crc16", "depends="], compress: hostHasTool("zstd") ? "zstd" : nil)
        try write("kernel/drivers/block/virtio_blk.ko", ["name=virtio_blk", "depends=virtio,virtio_ring"])
        try "kernel/drivers/virtio/virtio.ko\nkernel/drivers/virtio/virtio_ring.ko\n"
            .write(to: modules.appendingPathComponent("modules.builtin"), atomically: true, encoding: .utf8)
        return modules
    }

    @Test(.enabled(if: hostHasTool("xz")))
    func indexesPlainAndCompressedModules() throws {
        let root = try makeTemporaryDirectory("module-tree")
        defer { try? FileManager.default.removeItem(at: root) }
        let modules = try Self.makeTree(in: root)
        #expect(try KernelModules.versionDirectory(in: root, package: Self.package) == modules)
        let tree = try KernelModules(root: modules)
        #expect(tree.files["ext4"] == "kernel/fs/ext4/ext4.ko.xz")
        #expect(Set(tree.files.keys) == ["ext4", "jbd2", "crc16", "virtio_blk"])
        #expect(tree.builtin == ["virtio", "virtio_ring"])
        #expect(try tree.info(of: "ext4").depends == ["jbd2", "crc16"])
        let plan = try tree.loadOrder(roots: ["virtio", "virtio_blk", "ext4"], source: Self.package)
        #expect(plan.modules == ["virtio_blk", "jbd2", "crc16", "ext4"])
        #expect(plan.builtinRoots == ["virtio"])
        #expect(throws: GuestKitError.missingModule(name: "mbcache", neededBy: nil, source: Self.package)) {
            try tree.loadOrder(roots: ["mbcache"], source: Self.package)
        }
    }

    @Test func versionDirectoryErrors() throws {
        let root = try makeTemporaryDirectory("module-versions")
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(throws: GuestKitError.self) { try KernelModules.versionDirectory(in: root, package: Self.package) }
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("lib/modules/a"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("lib/modules/b"), withIntermediateDirectories: true)
        #expect(throws: GuestKitError.self) { try KernelModules.versionDirectory(in: root, package: Self.package) }
        try fm.createDirectory(at: root.appendingPathComponent("lib/modules/\(Self.release)"), withIntermediateDirectories: true)
        #expect(try KernelModules.versionDirectory(in: root, package: Self.package).lastPathComponent == Self.release)
    }

    /// The whole path: a `.deb` in the cache, its modules unpacked, resolved, decompressed and
    /// cached; a second call reads the cache only (the `.deb` is gone by then).
    @Test(.enabled(if: hostHasTool("xz") && hostHasTool("dpkg-deb")))
    func bootModulesFromAPackageAreCached() throws {
        let root = try makeTemporaryDirectory("boot-modules")
        defer { try? FileManager.default.removeItem(at: root) }
        let packageRoot = root.appendingPathComponent("pkg", isDirectory: true)
        _ = try Self.makeTree(in: packageRoot)
        try FileManager.default.createDirectory(at: packageRoot.appendingPathComponent("DEBIAN"), withIntermediateDirectories: true)
        let control = "Package: \(Self.package)\nVersion: 1.0\nArchitecture: amd64\nMaintainer: t <t@t>\nDescription: test\n"
        try control.write(to: packageRoot.appendingPathComponent("DEBIAN/control"), atomically: true, encoding: .utf8)
        let cacheRoot = root.appendingPathComponent("cache", isDirectory: true)
        var stanza = ControlStanza.parseAll(control)
        let info = try #require(stanza.popLast().flatMap(PackageInfo.init(stanza:)))
        let deb = cacheRoot.appendingPathComponent("debs/\(info.cacheKey).deb")
        try FileManager.default.createDirectory(at: deb.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = try runTool(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", packageRoot.path, deb.path])

        let store = PackageStore(cacheRoot: cacheRoot, sources: AptSources(mirror: "http://invalid.example"), progress: { _ in })
        let modules = try store.bootModules(for: info, roots: ["virtio_blk", "ext4"])
        #expect(modules.modules == ["virtio_blk", "jbd2", "crc16", "ext4"])
        for name in modules.modules {
            let data = try Data(contentsOf: modules.file(of: name))
            #expect(ELFFile.isELF(data), "\(name).ko is not a plain ELF object")
            #expect(try ModuleInfo(moduleData: data, file: name).name == name)
        }
        try FileManager.default.removeItem(at: deb)
        let again = try store.bootModules(for: info, roots: ["virtio_blk", "ext4"])
        #expect(again == modules)
        // Other roots are another cache entry: read from the package again.
        _ = try runTool(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", packageRoot.path, deb.path])
        #expect(throws: GuestKitError.missingModule(name: "ext2", neededBy: nil, source: "\(Self.package) 1.0")) {
            try store.bootModules(for: info, roots: ["ext2"])
        }
    }
}
