import Foundation

extension BTFOracle {
    /// Turns a Debian `vmlinuz` into the kernel image inside it, and finds the BTF blob there.
    ///
    /// - amd64 `vmlinuz` is a bzImage: real-mode setup sectors, then a decompressor, then the
    ///   compressed ELF vmlinux. The setup header (boot protocol 2.08+) gives the payload's
    ///   offset and length; failing that, every occurrence of a known compression magic is tried
    ///   until one decompresses to an ELF file.
    /// - arm64 `vmlinuz` is either a raw `Image` (bookworm ships it uncompressed) or that
    ///   `Image` gzip-compressed as a whole, or an EFI zboot image; a raw `Image` is not ELF, so
    ///   its BTF is found by scanning for the BTF header.
    enum KernelImage {
        /// A compression format the kernel build may use, with the tool that undoes it.
        struct Compression: Sendable {
            var name: String
            var magic: [UInt8]
            var tool: String
            var arguments: [String]
        }

        /// The formats Linux can compress a kernel with, strongest magic first.
        static let compressions: [Compression] = [
            Compression(name: "xz", magic: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], tool: "xz", arguments: ["-dc", "--single-stream"]),
            Compression(name: "zstd", magic: [0x28, 0xB5, 0x2F, 0xFD], tool: "zstd", arguments: ["-dc"]),
            Compression(name: "gzip", magic: [0x1F, 0x8B, 0x08], tool: "gzip", arguments: ["-dc"]),
            Compression(name: "lz4", magic: [0x02, 0x21, 0x4C, 0x18], tool: "lz4", arguments: ["-dc"]),
            Compression(name: "lzo", magic: [0x89, 0x4C, 0x5A, 0x4F], tool: "lzop", arguments: ["-dc"]),
            Compression(name: "bzip2", magic: [0x42, 0x5A, 0x68], tool: "bzip2", arguments: ["-dc"]),
            Compression(name: "lzma", magic: [0x5D, 0x00, 0x00], tool: "xz", arguments: ["-dc", "--format=lzma"]),
        ]

        /// At most this many occurrences of one magic are tried when scanning.
        static let maximumAttemptsPerFormat = 24

        static let elfMagic: [UInt8] = [0x7F, 0x45, 0x4C, 0x46]

        /// True for an ELF file, or a raw arm64 (`ARM\x64` at 0x38) or RISC-V (`RSC\x05`) Image.
        static func isKernelImage(_ bytes: [UInt8]) -> Bool {
            if bytes.starts(with: elfMagic) { return true }
            guard bytes.count > 0x40 else { return false }
            let magic = Array(bytes[0x38..<0x3C])
            return magic == [0x41, 0x52, 0x4D, 0x64] || magic == [0x52, 0x53, 0x43, 0x05]
        }

        /// The decompressed kernel inside `vmlinuz`: an ELF vmlinux or a raw Image.
        /// `workDirectory` holds temporary files, removed before returning.
        static func decompress(vmlinuz: URL, workDirectory: URL) throws -> [UInt8] {
            let file = [UInt8](try Data(contentsOf: vmlinuz))
            if isKernelImage(file) { return file }

            let scratch = workDirectory.appendingPathComponent("decompress-\(UUID().uuidString.prefix(8))", isDirectory: true)
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            var notes: [String] = []
            var missingTools = Set<String>()

            /// Decompresses `file[range]` as `format`; the image if the result is a kernel.
            func attempt(_ format: Compression, _ range: Range<Int>) throws -> [UInt8]? {
                guard let tool = Tool.locate(format.tool) else {
                    missingTools.insert(format.tool)
                    return nil
                }
                let input = scratch.appendingPathComponent("payload")
                let output = scratch.appendingPathComponent("image")
                try Data(file[range]).write(to: input)
                let result = try Tool.run(tool, format.arguments, input: input, output: output)
                // gzip and zstd complain about bytes after the stream (exit status 1 or 2) yet
                // have written the whole stream; a truncated image fails the ELF/BTF checks later.
                let image = [UInt8](try Data(contentsOf: output))
                if isKernelImage(image) { return image }
                notes.append("\(format.name) at byte \(range.lowerBound): exit \(result.status)")
                return nil
            }

            if let payload = bzImagePayload(file) ?? zbootPayload(file),
               let format = compressions.first(where: { file[payload].starts(with: $0.magic) }),
               let image = try attempt(format, payload) {
                return image
            }
            for format in compressions {
                var index = 0
                for _ in 0..<maximumAttemptsPerFormat {
                    guard let hit = firstIndex(of: format.magic, in: file, from: index) else { break }
                    if let image = try attempt(format, hit..<file.count) { return image }
                    index = hit + 1
                }
            }
            var message = "no kernel image found in \(vmlinuz.path)"
            if !missingTools.isEmpty { message += "; tools not installed: \(missingTools.sorted().joined(separator: ", "))" }
            if !notes.isEmpty { message += "; tried \(notes.prefix(8).joined(separator: "; "))" }
            throw Failure(message)
        }

        /// The compressed payload of an x86 bzImage, from the setup header's `payload_offset`
        /// and `payload_length` (boot protocol 2.08 and later), or nil if `file` is not one.
        static func bzImagePayload(_ file: [UInt8]) -> Range<Int>? {
            guard file.count > 0x250, Array(file[0x202..<0x206]) == Array("HdrS".utf8),
                  LittleEndian.u16(file, 0x206) >= 0x208 else { return nil }
            let setupSectors = file[0x1F1] == 0 ? 4 : Int(file[0x1F1])
            let start = (setupSectors + 1) * 512 + Int(LittleEndian.u32(file, 0x248))
            let end = start + Int(LittleEndian.u32(file, 0x24C))
            guard start < end, end <= file.count else { return nil }
            return start..<end
        }

        /// The compressed payload of an EFI zboot image (`zimg` at byte 4, payload offset and
        /// size at 8 and 12), or nil if `file` is not one.
        static func zbootPayload(_ file: [UInt8]) -> Range<Int>? {
            guard file.count > 0x40, Array(file[4..<8]) == Array("zimg".utf8) else { return nil }
            let start = Int(LittleEndian.u32(file, 8))
            let end = start + Int(LittleEndian.u32(file, 12))
            guard start < end, end <= file.count else { return nil }
            return start..<end
        }

        /// The first index at or after `start` where `pattern` occurs in `bytes`.
        static func firstIndex(of pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
            guard let first = pattern.first, start >= 0, start + pattern.count <= bytes.count else { return nil }
            return bytes.withUnsafeBytes { haystack -> Int? in
                let base = haystack.baseAddress!
                let last = haystack.count - pattern.count
                var index = start
                while index <= last {
                    // memchr finds candidate first bytes quickly, even in an unoptimised test build.
                    guard let hit = memchr(base + index, Int32(first), last - index + 1) else { return nil }
                    let position = UnsafeRawPointer(hit) - base
                    if memcmp(base + position, pattern, pattern.count) == 0 { return position }
                    index = position + 1
                }
                return nil
            }
        }

        /// The BTF blob of `image`: its `.BTF` section when it is ELF; otherwise the largest
        /// region that starts with a BTF header (magic 0xEB9F, version 1, `hdr_len` 24) and
        /// parses as a complete BTF type table.
        static func btfBlob(in image: [UInt8]) throws -> [UInt8] {
            if image.starts(with: elfMagic) {
                let elf = try ELFSections(image)
                guard let section = elf.section(named: ".BTF") else { throw Failure("the ELF image has no .BTF section") }
                let blob = Array(image[section.fileRange])
                _ = try TypeTable(blob: blob)
                return blob
            }
            let header: [UInt8] = TypeTable.magicPrefix + [0x00, UInt8(TypeTable.headerLength), 0x00, 0x00, 0x00]
            var best: [UInt8]?
            var index = 0
            while let hit = firstIndex(of: header, in: image, from: index) {
                index = hit + 1
                guard let length = TypeTable.blobLength(in: image, at: hit), length > (best?.count ?? 0) else { continue }
                let blob = Array(image[hit..<hit + length])
                if (try? TypeTable(blob: blob)) != nil { best = blob }
            }
            guard let best else { throw Failure("no valid BTF blob in the kernel image (built without CONFIG_DEBUG_INFO_BTF?)") }
            return best
        }
    }

    /// The section headers of a little-endian 64-bit ELF file.
    struct ELFSections {
        /// One section header.
        struct Section {
            var name: String
            var address: UInt64
            var fileRange: Range<Int>
            /// `SHT_NOBITS` sections (such as `.bss`) occupy no bytes in the file.
            var hasFileBytes: Bool
        }

        let sections: [Section]

        init(_ bytes: [UInt8]) throws {
            guard bytes.count >= 64, bytes.starts(with: KernelImage.elfMagic) else { throw Failure("not an ELF file") }
            guard bytes[4] == 2, bytes[5] == 1 else { throw Failure("only little-endian 64-bit ELF files are supported") }
            let tableOffset = Int(LittleEndian.u64(bytes, 0x28))
            let entrySize = Int(LittleEndian.u16(bytes, 0x3A))
            let count = Int(LittleEndian.u16(bytes, 0x3C))
            let namesIndex = Int(LittleEndian.u16(bytes, 0x3E))
            guard entrySize >= 64, count > 0, namesIndex < count, tableOffset + count * entrySize <= bytes.count else {
                throw Failure("ELF section header table is missing or truncated")
            }
            typealias Raw = (nameOffset: Int, type: UInt32, address: UInt64, offset: Int, size: Int)
            let raw: [Raw] = (0..<count).map { index in
                let at = tableOffset + index * entrySize
                return (Int(LittleEndian.u32(bytes, at)), LittleEndian.u32(bytes, at + 4), LittleEndian.u64(bytes, at + 0x10),
                        Int(LittleEndian.u64(bytes, at + 0x18)), Int(LittleEndian.u64(bytes, at + 0x20)))
            }
            let names = raw[namesIndex]
            guard names.offset + names.size <= bytes.count else { throw Failure("ELF section name table is truncated") }
            var result: [Section] = []
            for entry in raw {
                let noBits = entry.type == 8
                guard noBits || entry.offset + entry.size <= bytes.count else {
                    throw Failure("an ELF section lies beyond the end of the file (truncated image)")
                }
                var end = names.offset + entry.nameOffset
                while end < names.offset + names.size && bytes[end] != 0 { end += 1 }
                let name = String(decoding: bytes[min(names.offset + entry.nameOffset, end)..<end], as: UTF8.self)
                result.append(Section(
                    name: name, address: entry.address,
                    fileRange: noBits ? entry.offset..<entry.offset : entry.offset..<entry.offset + entry.size,
                    hasFileBytes: !noBits))
            }
            sections = result
        }

        /// The first section called `name`.
        func section(named name: String) -> Section? { sections.first { $0.name == name } }

        /// The file offset holding virtual address `address`, searching sections with file bytes.
        func fileOffset(ofAddress address: UInt64) -> Int? {
            for section in sections where section.hasFileBytes && section.address != 0 {
                let size = UInt64(section.fileRange.count)
                if address >= section.address && address - section.address < size {
                    return section.fileRange.lowerBound + Int(address - section.address)
                }
            }
            return nil
        }
    }
}
