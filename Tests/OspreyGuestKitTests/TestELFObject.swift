import Foundation

/// Builds small relocatable ELF objects (like kernel modules: no program headers, only
/// sections) for tests: a header, each section's bytes, a `.shstrtab`, and the section
/// header table at the end.
enum TestELFObject {
    /// - Parameters:
    ///   - sections: names and contents, after the null section.
    ///   - wide: ELFCLASS64 (true) or ELFCLASS32.
    ///   - littleEndian: ELFDATA2LSB (true) or ELFDATA2MSB.
    ///   - machine: `e_machine` (62 x86-64, 183 AArch64).
    static func make(
        sections: [(name: String, bytes: [UInt8])], wide: Bool = true, littleEndian: Bool = true, machine: UInt16 = 62
    ) -> Data {
        var names: [UInt8] = [0]
        var nameOffsets: [Int] = []
        for name in sections.map(\.name) + [".shstrtab"] {
            nameOffsets.append(names.count)
            names += Array(name.utf8) + [0]
        }
        let all = sections + [(name: ".shstrtab", bytes: names)]
        let headerSize = wide ? 64 : 52
        let entrySize = wide ? 64 : 40
        var body: [UInt8] = []
        var offsets: [Int] = []
        for section in all {
            offsets.append(headerSize + body.count)
            body += section.bytes
            while body.count % 8 != 0 { body.append(0) }
        }
        let tableOffset = headerSize + body.count

        func put(_ value: UInt64, _ size: Int, into bytes: inout [UInt8]) {
            for index in 0..<size {
                let shift = UInt64(8 * (littleEndian ? index : size - 1 - index))
                bytes.append(UInt8(truncatingIfNeeded: value >> shift))
            }
        }
        var header: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, wide ? 2 : 1, littleEndian ? 1 : 2, 1, 0]
        header += [UInt8](repeating: 0, count: 8)
        put(1, 2, into: &header)  // e_type ET_REL
        put(UInt64(machine), 2, into: &header)
        put(1, 4, into: &header)  // e_version
        put(0, wide ? 8 : 4, into: &header)  // e_entry
        put(0, wide ? 8 : 4, into: &header)  // e_phoff
        put(UInt64(tableOffset), wide ? 8 : 4, into: &header)  // e_shoff
        put(0, 4, into: &header)  // e_flags
        put(UInt64(headerSize), 2, into: &header)
        put(0, 2, into: &header)  // e_phentsize
        put(0, 2, into: &header)  // e_phnum
        put(UInt64(entrySize), 2, into: &header)
        put(UInt64(all.count + 1), 2, into: &header)  // e_shnum, with the null section
        put(UInt64(all.count), 2, into: &header)  // e_shstrndx: the last one

        var table = [UInt8](repeating: 0, count: entrySize)  // the null section
        for (index, section) in all.enumerated() {
            var entry: [UInt8] = []
            put(UInt64(nameOffsets[index]), 4, into: &entry)
            put(index == all.count - 1 ? 3 : 1, 4, into: &entry)  // STRTAB or PROGBITS
            put(index == all.count - 1 ? 0 : 2, wide ? 8 : 4, into: &entry)  // flags: SHF_ALLOC, as modules' .modinfo
            put(0, wide ? 8 : 4, into: &entry)  // addr
            put(UInt64(offsets[index]), wide ? 8 : 4, into: &entry)
            put(UInt64(section.bytes.count), wide ? 8 : 4, into: &entry)
            put(0, 4, into: &entry)  // link
            put(0, 4, into: &entry)  // info
            put(1, wide ? 8 : 4, into: &entry)  // addralign
            put(0, wide ? 8 : 4, into: &entry)  // entsize
            table += entry
        }
        return Data(header + body + table)
    }

    /// A fake kernel module: `.text` and a `.modinfo` with `fields` (`key=value`, NUL-separated).
    static func module(_ fields: [String], wide: Bool = true, littleEndian: Bool = true) -> Data {
        let modinfo: [UInt8] = fields.flatMap { field -> [UInt8] in Array(field.utf8) + [0] }
        let sections: [(name: String, bytes: [UInt8])] = [
            (".text", [0xC3]), (".modinfo", modinfo), (".gnu.linkonce.this_module", [UInt8](repeating: 0, count: 16)),
        ]
        return make(sections: sections, wide: wide, littleEndian: littleEndian)
    }
}
