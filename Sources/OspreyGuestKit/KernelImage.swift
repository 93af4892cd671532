import Foundation

/// Recognizes a kernel image's architecture from its header.
enum KernelImage {
    /// The architecture of a kernel image, or nil when the header is not recognized:
    /// x86 bzImage (`HdrS` at 0x202), arm64 Image (`ARM\x64` at 0x38), or an EFI (PE/COFF)
    /// image, such as an arm64 EFI zboot image, by its COFF machine type.
    static func detectArchitecture(_ header: Data) -> GuestArchitecture? {
        let bytes = [UInt8](header.prefix(4096))
        func matches(_ offset: Int, _ magic: [UInt8]) -> Bool {
            offset + magic.count <= bytes.count && Array(bytes[offset..<offset + magic.count]) == magic
        }
        if matches(0x202, Array("HdrS".utf8)) { return .x86_64 }
        if matches(0x38, [0x41, 0x52, 0x4D, 0x64]) { return .aarch64 }
        if matches(0, Array("MZ".utf8)) {
            let reader = ByteReader(bytes: bytes, littleEndian: true)
            if let peOffset = reader.u32(0x3C).map(Int.init), matches(peOffset, [0x50, 0x45, 0, 0]),
                let machine = reader.u16(peOffset + 4)
            {
                switch machine {
                case 0x8664: return .x86_64
                case 0xAA64: return .aarch64
                default: return nil
                }
            }
        }
        return nil
    }

    /// Reads the first bytes of `url` and detects its architecture.
    static func detectArchitecture(fileAt url: URL) throws -> GuestArchitecture? {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw GuestKitError.kernel("cannot read kernel file \(url.path)")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 4096)) ?? Data()
        return detectArchitecture(header)
    }

    /// The `vmlinuz-*` (or `vmlinux-*`, `Image-*`) file in an unpacked kernel package's
    /// `boot/` directory.
    static func find(inBoot boot: URL) -> URL? {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: boot.path)) ?? []).sorted()
        for prefix in ["vmlinuz-", "vmlinux-", "Image-"] {
            if let name = names.first(where: { $0.hasPrefix(prefix) }) { return boot.appendingPathComponent(name) }
        }
        return nil
    }
}
