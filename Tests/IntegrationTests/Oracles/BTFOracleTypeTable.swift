import Foundation

extension BTFOracle {
    /// A parsed BTF blob (the `.BTF` section of a vmlinux): the header, the type section and the
    /// string section, with lookups by name for the kinds the oracle needs.
    ///
    /// The format is the kernel's `Documentation/bpf/btf.rst`: a 24-byte header (`magic` 0xEB9F,
    /// `version` 1, `flags`, `hdr_len`, then offsets and lengths of the type and string sections,
    /// counted from the end of the header), then `struct btf_type` records (name offset, info word,
    /// size-or-type word) each followed by kind-specific data. Type ids start at 1 (0 is `void`).
    /// Only little-endian blobs are read, which covers amd64 and arm64.
    final class TypeTable: Sendable {
        /// The BTF kinds, numbered as in `include/uapi/linux/btf.h`.
        enum Kind: UInt8, Sendable {
            case int = 1, pointer, array, structure, union, enumeration, forward, typedef
            case volatile, const, restrict, function, functionPrototype, variable, dataSection
            case float, declarationTag, typeTag, enumeration64

            /// Bytes of kind-specific data that follow the 12-byte `btf_type` record.
            func trailingBytes(vlen: Int) -> Int {
                switch self {
                case .int, .variable, .declarationTag: 4
                case .array: 12
                case .structure, .union, .dataSection, .enumeration64: 12 * vlen
                case .enumeration, .functionPrototype: 8 * vlen
                case .pointer, .forward, .typedef, .volatile, .const, .restrict, .function, .float, .typeTag: 0
                }
            }
        }

        /// One `btf_type` record.
        struct TypeRecord: Sendable {
            var kind: Kind
            var kindFlag: Bool
            /// The `vlen` field: number of members, parameters, enumerators or section entries.
            var count: Int
            var nameOffset: Int
            /// `size` for INT, STRUCT, UNION, ENUM, DATASEC, FLOAT; `type` for the others.
            var sizeOrType: Int
            /// Absolute index in `bytes` of the kind-specific data.
            var trailing: Int
        }

        /// One member of a STRUCT or UNION.
        struct Member: Sendable {
            /// Empty for an anonymous member.
            var name: String
            var type: Int
            /// Offset from the start of the containing struct or union, in bits.
            var bitOffset: Int
            /// Width of a bitfield, 0 when the member is not one.
            var bitfieldSize: Int
        }

        /// One `btf_var_secinfo` entry of a DATASEC.
        struct SectionVariable: Sendable {
            var name: String
            /// The VAR type id.
            var variable: Int
            /// The variable's own type id.
            var type: Int
            var offset: Int
            var size: Int
        }

        /// The whole blob, header included.
        let bytes: [UInt8]
        /// Type records by id; index 0 stands for `void` and is never read.
        let types: [TypeRecord]
        private let stringsStart: Int
        private let stringsEnd: Int
        /// Ids of STRUCT, UNION, VAR and DATASEC types by name.
        private let idsByName: [String: [Int]]

        /// The magic number in its little-endian byte order, followed by version 1.
        static let magicPrefix: [UInt8] = [0x9F, 0xEB, 0x01]
        static let headerLength = 24

        /// The length of the BTF blob whose header starts at `start` in `data`, if the header
        /// looks valid and the blob fits; the blob's contents are not checked.
        static func blobLength(in data: [UInt8], at start: Int) -> Int? {
            guard start >= 0, start + headerLength <= data.count,
                  Array(data[start..<start + 3]) == magicPrefix else { return nil }
            let headerLength = Int(LittleEndian.u32(data, start + 4))
            guard headerLength >= Self.headerLength, headerLength <= 256 else { return nil }
            let typeOffset = Int(LittleEndian.u32(data, start + 8)), typeLength = Int(LittleEndian.u32(data, start + 12))
            let stringOffset = Int(LittleEndian.u32(data, start + 16)), stringLength = Int(LittleEndian.u32(data, start + 20))
            guard typeOffset % 4 == 0, stringLength > 0 else { return nil }
            let total = headerLength + max(typeOffset + typeLength, stringOffset + stringLength)
            guard start + total <= data.count else { return nil }
            return total
        }

        /// Parses and validates `blob`: the header, every type record (the type section must be
        /// walked exactly to its end, with known kinds only) and the string section's bounds.
        init(blob: [UInt8]) throws {
            guard let total = Self.blobLength(in: blob, at: 0) else {
                throw Failure("not a little-endian BTF version 1 blob, or truncated")
            }
            guard total == blob.count else { throw Failure("BTF blob is \(blob.count) bytes, its header says \(total)") }
            let headerLength = Int(LittleEndian.u32(blob, 4))
            let typeStart = headerLength + Int(LittleEndian.u32(blob, 8))
            let typeEnd = typeStart + Int(LittleEndian.u32(blob, 12))
            let stringsStart = headerLength + Int(LittleEndian.u32(blob, 16))
            let stringsEnd = stringsStart + Int(LittleEndian.u32(blob, 20))
            guard blob[stringsStart] == 0, blob[stringsEnd - 1] == 0 else {
                throw Failure("BTF string section does not start and end with a NUL byte")
            }
            guard typeEnd <= stringsStart || stringsEnd <= typeStart else {
                throw Failure("BTF type and string sections overlap")
            }

            var records = [TypeRecord(kind: .int, kindFlag: false, count: 0, nameOffset: 0, sizeOrType: 0, trailing: 0)]
            var cursor = typeStart
            while cursor < typeEnd {
                guard cursor + 12 <= typeEnd else { throw Failure("BTF type record cut at byte \(cursor)") }
                let info = LittleEndian.u32(blob, cursor + 4)
                let rawKind = UInt8((info >> 24) & 0x1F)
                guard let kind = Kind(rawValue: rawKind) else {
                    throw Failure("unknown BTF kind \(rawKind) for type id \(records.count)")
                }
                let record = TypeRecord(
                    kind: kind, kindFlag: info >> 31 == 1, count: Int(info & 0xFFFF),
                    nameOffset: Int(LittleEndian.u32(blob, cursor)), sizeOrType: Int(LittleEndian.u32(blob, cursor + 8)),
                    trailing: cursor + 12)
                guard record.nameOffset < stringsEnd - stringsStart else {
                    throw Failure("BTF type id \(records.count) has a name offset outside the string section")
                }
                records.append(record)
                cursor += 12 + kind.trailingBytes(vlen: record.count)
            }
            guard cursor == typeEnd else { throw Failure("BTF type section overruns its length") }

            self.bytes = blob
            self.types = records
            self.stringsStart = stringsStart
            self.stringsEnd = stringsEnd
            var index = [String: [Int]]()
            for (id, record) in records.enumerated() where id > 0 {
                switch record.kind {
                case .structure, .union, .variable, .dataSection:
                    index[Self.string(in: blob, at: stringsStart + record.nameOffset, end: stringsEnd), default: []].append(id)
                default:
                    break
                }
            }
            self.idsByName = index
        }

        private static func string(in bytes: [UInt8], at start: Int, end: Int) -> String {
            var stop = start
            while stop < end && bytes[stop] != 0 { stop += 1 }
            return String(decoding: bytes[start..<stop], as: UTF8.self)
        }

        /// The string at `offset` in the string section.
        func string(at offset: Int) -> String {
            Self.string(in: bytes, at: stringsStart + offset, end: stringsEnd)
        }

        /// The name of type `id` ("" when anonymous).
        func name(of id: Int) -> String { string(at: types[id].nameOffset) }

        /// Ids of the types called `name` whose kind is one of `kinds` (STRUCT, UNION, VAR or DATASEC).
        func ids(named name: String, kinds: Set<Kind>) -> [Int] {
            (idsByName[name] ?? []).filter { kinds.contains(types[$0].kind) }
        }

        /// Follows typedefs and qualifiers (`const`, `volatile`, `restrict`, type tags) to the underlying type.
        func resolved(_ id: Int) -> Int {
            var current = id
            var steps = 0
            while current != 0, steps < 64 {
                switch types[current].kind {
                case .typedef, .const, .volatile, .restrict, .typeTag:
                    current = types[current].sizeOrType
                    steps += 1
                default:
                    return current
                }
            }
            return current
        }

        /// The members of STRUCT or UNION `id`, in declaration order. With `kind_flag` set the
        /// 32-bit offset word holds the bitfield width in its top 8 bits and the bit offset in the
        /// low 24; otherwise it is the bit offset and bitfield widths live in the member's INT type.
        func members(of id: Int) -> [Member] {
            let record = types[id]
            precondition(record.kind == .structure || record.kind == .union, "type \(id) is not a struct or union")
            return (0..<record.count).map { index in
                let at = record.trailing + 12 * index
                let word = Int(LittleEndian.u32(bytes, at + 8))
                return Member(
                    name: string(at: Int(LittleEndian.u32(bytes, at))),
                    type: Int(LittleEndian.u32(bytes, at + 4)),
                    bitOffset: record.kindFlag ? word & 0xFF_FFFF : word,
                    bitfieldSize: record.kindFlag ? word >> 24 : 0)
            }
        }

        /// The bit offset of `member` from the start of STRUCT/UNION `id`, looking also inside
        /// anonymous struct and union members (whose own offsets are added, so the result is
        /// always from the start of `id`). Nil if `id` has no such member.
        func memberBitOffset(in id: Int, named member: String) -> Int? {
            for candidate in members(of: id) {
                if candidate.name == member { return candidate.bitOffset }
                if candidate.name.isEmpty {
                    let inner = resolved(candidate.type)
                    guard inner != 0, types[inner].kind == .structure || types[inner].kind == .union else { continue }
                    if let nested = memberBitOffset(in: inner, named: member) {
                        return candidate.bitOffset + nested
                    }
                }
            }
            return nil
        }

        /// The variables of the DATASEC called `section` (e.g. ".data..percpu"), or nil when the
        /// blob has no such DATASEC.
        func variables(inDataSection section: String) -> [SectionVariable]? {
            guard let id = ids(named: section, kinds: [.dataSection]).first else { return nil }
            let record = types[id]
            return (0..<record.count).map { index in
                let at = record.trailing + 12 * index
                let variable = Int(LittleEndian.u32(bytes, at))
                return SectionVariable(
                    name: types[variable].kind == .variable ? name(of: variable) : "",
                    variable: variable, type: types[variable].sizeOrType,
                    offset: Int(LittleEndian.u32(bytes, at + 4)), size: Int(LittleEndian.u32(bytes, at + 8)))
            }
        }
    }
}

extension BTFOracle {
    /// Little-endian reads from a byte array (BTF and ELF of amd64 and arm64 kernels are little-endian).
    enum LittleEndian {
        static func u16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
            bytes.withUnsafeBytes { UInt16(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }
        }

        static func u32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
            bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        }

        static func u64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
            bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        }
    }
}
