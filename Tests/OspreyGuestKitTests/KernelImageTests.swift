import Foundation
import Testing

@testable import OspreyGuestKit

@Suite struct KernelImageTests {
    static func header(size: Int = 4096, _ patches: [(Int, [UInt8])]) -> Data {
        var bytes = [UInt8](repeating: 0, count: size)
        for (offset, patch) in patches {
            bytes.replaceSubrange(offset..<offset + patch.count, with: patch)
        }
        return Data(bytes)
    }

    @Test func x86BzImageByHdrSAt0x202() {
        let data = Self.header([(0, Array("MZ".utf8)), (0x202, Array("HdrS".utf8))])
        #expect(KernelImage.detectArchitecture(data) == .x86_64)
    }

    @Test func arm64ImageByMagicAt0x38() {
        let data = Self.header([(0x38, [0x41, 0x52, 0x4D, 0x64])])
        #expect(KernelImage.detectArchitecture(data) == .aarch64)
    }

    @Test func efiImageByCoffMachine() {
        // PE header at 0x80: "PE\0\0" then the machine type 0xAA64 (little-endian).
        let arm = Self.header([(0, Array("MZ".utf8)), (0x3C, [0x80, 0, 0, 0]), (0x80, [0x50, 0x45, 0, 0, 0x64, 0xAA])])
        #expect(KernelImage.detectArchitecture(arm) == .aarch64)
        let x86 = Self.header([(0, Array("MZ".utf8)), (0x3C, [0x80, 0, 0, 0]), (0x80, [0x50, 0x45, 0, 0, 0x64, 0x86])])
        #expect(KernelImage.detectArchitecture(x86) == .x86_64)
    }

    @Test func unknownShortAndBrokenHeaders() {
        #expect(KernelImage.detectArchitecture(Self.header([])) == nil)
        #expect(KernelImage.detectArchitecture(Data([0x1F, 0x8B, 0x08])) == nil)  // gzip
        #expect(KernelImage.detectArchitecture(Data()) == nil)
        // "MZ" with a PE offset pointing past the data.
        let broken = Self.header(size: 128, [(0, Array("MZ".utf8)), (0x3C, [0xFF, 0xFF, 0, 0])])
        #expect(KernelImage.detectArchitecture(broken) == nil)
    }

    @Test func findsVmlinuzInBootDirectory() throws {
        let dir = try makeTemporaryDirectory("boot")
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["config-6.1.0-56-amd64", "System.map-6.1.0-56-amd64", "vmlinuz-6.1.0-56-amd64"] {
            try Data().write(to: dir.appendingPathComponent(name))
        }
        #expect(KernelImage.find(inBoot: dir)?.lastPathComponent == "vmlinuz-6.1.0-56-amd64")
        #expect(KernelImage.find(inBoot: dir.appendingPathComponent("missing")) == nil)
    }
}
