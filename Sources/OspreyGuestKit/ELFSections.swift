import Foundation

/// The section headers of an ELF file, read to find a section's bytes by name. Kernel
/// modules are relocatable objects with no program headers: their metadata (`.modinfo`) is
/// only reachable through the section table, which ``ELFFile`` does not read. Every offset
/// is bounds-checked: input is untrusted.
struct ELFSections {
    /// One section header: its name (from the section-name string table), type, and where
    /// its bytes are in the file.
    struct Section: Equatable {
        var name: String
        /// `sh_type`: 1 PROGBITS, 2 SYMTAB, 3 STRTAB, 8 NOBITS (no bytes in the file), ...
        var type: UInt32
        var range: Range<Int>
    }

    /// `sh_type` of a section that occupies no space in the file (`.bss`).
    static let noBits: UInt32 = 8

    let sections: [Section]
    private let bytes: [UInt8]

    /// Parses the section table of `data`; `name` only labels errors.
    init(data: Data, name: String = "ELF file") throws {
        func fail(_ reason: String) -> GuestKitError { .malformed(file: name, reason: reason) }
        guard ELFFile.isELF(data), data.count >= 52 else { throw fail("not an ELF file") }
        let bytes = [UInt8](data)
        let elfClass = bytes[4], encoding = bytes[5]
        guard elfClass == 1 || elfClass == 2 else { throw fail("unknown ELF class \(elfClass)") }
        guard encoding == 1 || encoding == 2 else { throw fail("unknown ELF data encoding \(encoding)") }
        let wide = elfClass == 2
        let reader = ByteReader(bytes: bytes, littleEndian: encoding == 1)

        let shoff = wide ? reader.u64(0x28) : reader.u32(0x20).map(UInt64.init)
        guard let shoff, let entrySize = reader.u16(wide ? 0x3A : 0x2E), var count = reader.u16(wide ? 0x3C : 0x30).map(Int.init),
            var nameIndex = reader.u16(wide ? 0x3E : 0x32).map(Int.init)
        else { throw fail("truncated header") }
        self.bytes = bytes
        guard shoff != 0 else {
            sections = []
            return
        }
        guard Int(entrySize) >= (wide ? 64 : 40), let tableStart = Int(exactly: shoff) else {
            throw fail("bad section header table")
        }

        /// One raw header: name offset, type, file offset, size, link.
        func header(_ index: Int) throws -> (name: UInt32, type: UInt32, offset: UInt64, size: UInt64, link: UInt32) {
            let (distance, tooFar) = index.multipliedReportingOverflow(by: Int(entrySize))
            let (base, overflow) = tableStart.addingReportingOverflow(distance)
            guard !tooFar, !overflow else { throw fail("bad section header offset") }
            let fields: (UInt32?, UInt32?, UInt64?, UInt64?, UInt32?) =
                wide
                ? (reader.u32(base), reader.u32(base + 4), reader.u64(base + 24), reader.u64(base + 32), reader.u32(base + 40))
                : (
                    reader.u32(base), reader.u32(base + 4), reader.u32(base + 16).map(UInt64.init),
                    reader.u32(base + 20).map(UInt64.init), reader.u32(base + 24)
                )
            guard let n = fields.0, let t = fields.1, let o = fields.2, let s = fields.3, let l = fields.4 else {
                throw fail("truncated section header \(index)")
            }
            return (n, t, o, s, l)
        }

        // Extended numbering: more than 0xff00 sections keep the real count and string table
        // index in section 0.
        if count == 0 || nameIndex == 0xFFFF {
            let first = try header(0)
            if count == 0 { count = Int(clamping: first.size) }
            if nameIndex == 0xFFFF { nameIndex = Int(first.link) }
        }
        guard count <= bytes.count / Int(entrySize) else { throw fail("section count \(count) larger than the file") }

        func fileRange(_ offset: UInt64, _ size: UInt64, type: UInt32) -> Range<Int>? {
            if type == Self.noBits { return 0..<0 }
            let (end, overflow) = offset.addingReportingOverflow(size)
            guard !overflow, end <= UInt64(bytes.count), let lower = Int(exactly: offset), let upper = Int(exactly: end) else {
                return nil
            }
            return lower..<upper
        }

        let raw = try (0..<count).map(header)
        guard nameIndex < raw.count,
            let names = fileRange(raw[nameIndex].offset, raw[nameIndex].size, type: raw[nameIndex].type)
        else { throw fail("no section name string table") }
        sections = try raw.enumerated().map { index, entry in
            guard let range = fileRange(entry.offset, entry.size, type: entry.type) else {
                throw fail("section \(index) lies outside the file")
            }
            guard let start = Int(exactly: entry.name), start < names.count || (start == 0 && names.isEmpty) else {
                throw fail("section \(index) has its name outside the string table")
            }
            let name = String(decoding: bytes[(names.lowerBound + start)..<names.upperBound].prefix { $0 != 0 }, as: UTF8.self)
            return Section(name: name, type: entry.type, range: range)
        }
    }

    /// The bytes of the first section called `name`, or nil when there is none.
    func contents(of name: String) -> ArraySlice<UInt8>? {
        sections.first { $0.name == name }.map { bytes[$0.range] }
    }
}
