import Foundation
import Testing

@testable import OspreyGuestKit

/// `.modinfo` parsing: on small objects built here (checked against binutils), and on real
/// modules of the Debian 6.1 amd64 kernel package when the guest kit's cache has its `.deb`.
@Suite struct ModuleInfoTests {
    static let fields = [
        "license=GPL", "softdep=pre: crypto-crc32c post: extra-mod", "depends=jbd2,mbcache,crc-16",
        "name=ext4", "vermagic=6.1.0-56-amd64 SMP preempt mod_unload modversions ",
    ]

    @Test(arguments: [(true, true), (false, false), (true, false), (false, true)])
    func parsesDependsOfABuiltObject(_ shape: (wide: Bool, littleEndian: Bool)) throws {
        let data = TestELFObject.module(Self.fields, wide: shape.wide, littleEndian: shape.littleEndian)
        let info = try ModuleInfo(moduleData: data, file: "test.ko")
        #expect(info.name == "ext4")
        #expect(info.depends == ["jbd2", "mbcache", "crc_16"])
        #expect(info.softDependencies == ["crypto-crc32c", "extra-mod"])
        #expect(info.vermagic?.hasPrefix("6.1.0-56-amd64 SMP") == true)
    }

    @Test func emptyDependsMeansNone() {
        let info = ModuleInfo(modinfo: Array("name=crc16\0depends=\0\0license=GPL\0".utf8))
        #expect(info.depends.isEmpty)
        #expect(info.name == "crc16")
        #expect(ModuleInfo(modinfo: [UInt8]()).depends.isEmpty)
    }

    /// binutils reads the same `.modinfo` bytes out of the object this test builds.
    @Test(.enabled(if: hostHasTool("objcopy") && hostHasTool("readelf")))
    func builtObjectAgreesWithBinutils() throws {
        let dir = try makeTemporaryDirectory("modinfo-binutils")
        defer { try? FileManager.default.removeItem(at: dir) }
        let object = dir.appendingPathComponent("fake.ko")
        try TestELFObject.module(Self.fields).write(to: object)
        let sections = try ELFSections(data: try Data(contentsOf: object), name: object.path)
        let out = dir.appendingPathComponent("modinfo.bin")
        _ = try runTool(["objcopy", "-O", "binary", "--only-section=.modinfo", object.path, out.path])
        #expect(sections.contents(of: ".modinfo").map(Array.init) == [UInt8](try Data(contentsOf: out)))
        let listed = try runTool(["readelf", "-SW", object.path])
        for section in sections.sections where !section.name.isEmpty {
            #expect(listed.contains(section.name))
        }
    }

    @Test func rejectsObjectsWithoutModinfoAndBrokenTables() throws {
        let plain = TestELFObject.make(sections: [(".text", [0xC3])])
        #expect(throws: GuestKitError.malformed(file: "plain.o", reason: "no .modinfo section: not a kernel module")) {
            try ModuleInfo(moduleData: plain, file: "plain.o")
        }
        // The section table cut off: every header is outside the file.
        let module = TestELFObject.module(Self.fields)
        #expect(throws: GuestKitError.self) { try ModuleInfo(moduleData: module.prefix(module.count - 40), file: "cut.ko") }
        // A section whose bytes lie past the end of the file.
        var bytes = [UInt8](module)
        let shoff = Int(bytes[0x28]) | Int(bytes[0x29]) << 8
        bytes[shoff + 2 * 64 + 24 + 3] = 0x7F  // sh_offset of .modinfo, far out
        #expect(throws: GuestKitError.self) { try ModuleInfo(moduleData: Data(bytes), file: "far.ko") }
        #expect(throws: GuestKitError.self) { try ModuleInfo(moduleData: Data("not an ELF file at all, no".utf8), file: "x") }
    }

    @Test func moduleNames() {
        #expect(KernelModuleName.fromFileName("crc32c-intel.ko") == "crc32c_intel")
        #expect(KernelModuleName.fromFileName("ext4.ko.xz") == "ext4")
        #expect(KernelModuleName.fromFileName("virtio_blk.ko.zst") == "virtio_blk")
        #expect(KernelModuleName.fromFileName("modules.builtin") == nil)
        #expect(KernelModuleName.fromFileName(".ko") == nil)
        #expect(KernelModuleName.isPlain("virtio_pci"))
        #expect(!KernelModuleName.isPlain("a;reboot"))
        #expect(!KernelModuleName.isPlain(""))
        #expect(!KernelModuleName.isPlain("../x"))
    }

    // MARK: - Real modules

    static let kernelPackage = "linux-image-6.1.0-56-amd64"

    /// The cached `.deb` of the Debian 6.1 amd64 kernel, if a disk guest build stored it.
    static let cachedDeb: URL? = {
        let debs = CacheLocation.defaultRoot().appendingPathComponent("debs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: debs.path)) ?? []
        return names.sorted().first { $0.hasPrefix(kernelPackage + "_") && $0.hasSuffix(".deb") }
            .map { debs.appendingPathComponent($0) }
    }()

    @Test(
        .enabled(
            if: cachedDeb != nil && hostHasTool("objcopy"),
            "skipped: the guest kit's cache has no \(kernelPackage) .deb (or binutils is missing); `osprey guest build --kernel \(kernelPackage) --disk --out DIR` stores it"))
    func realModulesAgreeWithBinutils() throws {
        guard let deb = Self.cachedDeb else { return }
        let dir = try makeTemporaryDirectory("modinfo-real")
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = "./lib/modules/6.1.0-56-amd64/kernel/"
        let members = ["drivers/virtio/virtio_pci.ko", "fs/ext4/ext4.ko", "lib/crc16.ko"]
        try ProcessRunner.shell(
            "dpkg-deb --fsys-tarfile \"$1\" | tar -x -C \"$2\" \"$3\" \"$4\" \"$5\"",
            [deb.path, dir.path] + members.map { base + $0 }, display: "extract modules")
        var found: [String: [String]] = [:]
        for member in members {
            let file = dir.appendingPathComponent(base + member)
            let info = try ModuleInfo(moduleData: try Data(contentsOf: file), file: file.path)
            let raw = dir.appendingPathComponent("modinfo.bin")
            _ = try runTool(["objcopy", "-O", "binary", "--only-section=.modinfo", file.path, raw.path])
            let oracle = String(decoding: try Data(contentsOf: raw), as: UTF8.self).split(separator: "\0")
                .first { $0.hasPrefix("depends=") }
                .map { $0.dropFirst("depends=".count).split(separator: ",").map(String.init) } ?? []
            #expect(info.depends == oracle, "\(member)")
            found[info.name ?? member] = info.depends
        }
        #expect(found["virtio_pci"] == ["virtio_ring", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio"])
        #expect(found["ext4"] == ["jbd2", "mbcache", "crc16"])
        #expect(found["crc16"] == [])
    }
}
