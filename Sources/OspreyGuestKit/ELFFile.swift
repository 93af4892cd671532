import Foundation

/// The parts of an ELF file the guest kit needs to put a program and its libraries into an
/// initramfs: class, machine, the program interpreter (PT_INTERP) and the dynamic section's
/// DT_NEEDED, DT_SONAME, DT_RUNPATH and DT_RPATH. Read from program headers only, so stripped
/// files work. Every offset is bounds-checked: input is untrusted.
struct ELFFile: Equatable {
    var is64Bit: Bool
    var isLittleEndian: Bool
    /// `e_type`: 2 executable, 3 shared object (also PIE executables).
    var type: UInt16
    /// `e_machine`: 62 x86-64, 183 AArch64, 3 i386, 40 ARM.
    var machine: UInt16
    /// PT_INTERP, e.g. `/lib64/ld-linux-x86-64.so.2`; nil for static programs and libraries.
    var interpreter: String?
    /// DT_NEEDED names in file order.
    var needed: [String]
    var soname: String?
    /// DT_RUNPATH (or, when absent, DT_RPATH), split at `:`.
    var runPaths: [String]

    /// True when `data` starts with the ELF magic.
    static func isELF(_ data: Data) -> Bool {
        data.count >= 4 && data.prefix(4).elementsEqual([0x7F, 0x45, 0x4C, 0x46])
    }

    /// Parses the file at `url`.
    init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw GuestKitError.io("cannot read \(url.path): \(error.localizedDescription)")
        }
        try self.init(data: data, name: url.path)
    }

    /// Parses `data`; `name` only labels errors.
    init(data: Data, name: String = "ELF file") throws {
        func fail(_ reason: String) -> GuestKitError { .malformed(file: name, reason: reason) }
        guard Self.isELF(data), data.count >= 52 else { throw fail("not an ELF file") }
        let bytes = [UInt8](data)
        let elfClass = bytes[4], encoding = bytes[5]
        guard elfClass == 1 || elfClass == 2 else { throw fail("unknown ELF class \(elfClass)") }
        guard encoding == 1 || encoding == 2 else { throw fail("unknown ELF data encoding \(encoding)") }
        let reader = ByteReader(bytes: bytes, littleEndian: encoding == 1)
        let wide = elfClass == 2
        is64Bit = wide
        isLittleEndian = encoding == 1

        guard let type = reader.u16(16), let machine = reader.u16(18) else { throw fail("truncated header") }
        self.type = type
        self.machine = machine
        let phoff = wide ? reader.u64(32) : reader.u32(28).map(UInt64.init)
        let phentsize = reader.u16(wide ? 54 : 42)
        let phnum = reader.u16(wide ? 56 : 44)
        guard let phoff, let phentsize, let phnum else { throw fail("truncated header") }
        guard phnum == 0 || Int(phentsize) >= (wide ? 56 : 32) else { throw fail("bad program header size") }

        struct Segment { var type: UInt32; var offset: UInt64; var vaddr: UInt64; var filesz: UInt64 }
        var segments: [Segment] = []
        for index in 0..<Int(phnum) {
            let (base, overflow) = phoff.addingReportingOverflow(UInt64(index) * UInt64(phentsize))
            guard !overflow, base <= UInt64(Int.max), let start = Int(exactly: base) else { throw fail("bad program header offset") }
            let parsed: Segment?
            if wide {
                if let t = reader.u32(start), let o = reader.u64(start + 8), let v = reader.u64(start + 16),
                    let f = reader.u64(start + 32)
                {
                    parsed = Segment(type: t, offset: o, vaddr: v, filesz: f)
                } else {
                    parsed = nil
                }
            } else {
                if let t = reader.u32(start), let o = reader.u32(start + 4), let v = reader.u32(start + 8),
                    let f = reader.u32(start + 16)
                {
                    parsed = Segment(type: t, offset: UInt64(o), vaddr: UInt64(v), filesz: UInt64(f))
                } else {
                    parsed = nil
                }
            }
            guard let segment = parsed else { throw fail("truncated program header \(index)") }
            segments.append(segment)
        }

        func slice(_ offset: UInt64, _ size: UInt64) -> Range<Int>? {
            let (end, overflow) = offset.addingReportingOverflow(size)
            guard !overflow, end <= UInt64(bytes.count), let lower = Int(exactly: offset), let upper = Int(exactly: end) else { return nil }
            return lower..<upper
        }

        interpreter = nil
        if let interp = segments.first(where: { $0.type == 3 }) {
            guard let range = slice(interp.offset, interp.filesz) else { throw fail("PT_INTERP outside the file") }
            interpreter = String(decoding: bytes[range].prefix { $0 != 0 }, as: UTF8.self)
        }

        needed = []
        soname = nil
        runPaths = []
        guard let dynamic = segments.first(where: { $0.type == 2 }) else { return }
        guard let dynRange = slice(dynamic.offset, dynamic.filesz) else { throw fail("PT_DYNAMIC outside the file") }
        let entrySize = wide ? 16 : 8
        var entries: [(tag: UInt64, value: UInt64)] = []
        var position = dynRange.lowerBound
        while position + entrySize <= dynRange.upperBound {
            let tag = wide ? reader.u64(position) : reader.u32(position).map(UInt64.init)
            let value = wide ? reader.u64(position + 8) : reader.u32(position + 4).map(UInt64.init)
            guard let tag, let value else { break }
            if tag == 0 { break }  // DT_NULL
            entries.append((tag, value))
            position += entrySize
        }
        guard let strtabAddress = entries.first(where: { $0.tag == 5 })?.value else {
            if entries.contains(where: { $0.tag == 1 }) { throw fail("DT_NEEDED without DT_STRTAB") }
            return
        }
        let strtabSize = entries.first(where: { $0.tag == 10 })?.value
        // DT_STRTAB is a virtual address: map it to a file offset through the PT_LOAD segments.
        guard
            let load = segments.first(where: {
                $0.type == 1 && strtabAddress >= $0.vaddr && strtabAddress - $0.vaddr < $0.filesz
            })
        else { throw fail("DT_STRTAB not in any PT_LOAD segment") }
        let strtabOffset = load.offset + (strtabAddress - load.vaddr)
        let available = load.filesz - (strtabAddress - load.vaddr)
        guard let table = slice(strtabOffset, min(strtabSize ?? available, available)) else {
            throw fail("string table outside the file")
        }
        func string(_ offset: UInt64) throws -> String {
            guard offset < UInt64(table.count), let start = Int(exactly: offset) else {
                throw fail("string offset \(offset) outside the string table")
            }
            let from = table.lowerBound + start
            return String(decoding: bytes[from..<table.upperBound].prefix { $0 != 0 }, as: UTF8.self)
        }
        var runpath: [String]?
        var rpath: [String]?
        for entry in entries {
            switch entry.tag {
            case 1: needed.append(try string(entry.value))
            case 14: soname = try string(entry.value)
            case 15: rpath = try string(entry.value).split(separator: ":").map(String.init)
            case 29: runpath = try string(entry.value).split(separator: ":").map(String.init)
            default: break
            }
        }
        runPaths = runpath ?? rpath ?? []
    }
}

/// Bounds-checked little/big-endian integer reads from a byte array.
struct ByteReader {
    let bytes: [UInt8]
    let littleEndian: Bool

    private func read(_ offset: Int, _ size: Int) -> UInt64? {
        guard offset >= 0, size <= 8, offset <= bytes.count - size else { return nil }
        var value: UInt64 = 0
        for index in 0..<size {
            let byte = UInt64(bytes[offset + (littleEndian ? size - 1 - index : index)])
            value = value << 8 | byte
        }
        return value
    }

    func u16(_ offset: Int) -> UInt16? { read(offset, 2).map { UInt16(truncatingIfNeeded: $0) } }
    func u32(_ offset: Int) -> UInt32? { read(offset, 4).map { UInt32(truncatingIfNeeded: $0) } }
    func u64(_ offset: Int) -> UInt64? { read(offset, 8) }
}
