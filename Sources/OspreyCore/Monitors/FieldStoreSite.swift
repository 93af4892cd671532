/// Finds, at translation time, the kernel instructions that may store to a watched field: a
/// 32-bit store whose encoded displacement is the field's offset (x86-64 `mov [reg+disp32],
/// r32/imm32`; AArch64 `str wN, [xM, #imm]`). Only those get a memory callback, never every
/// store. A candidate that stores to something else with the same displacement is told
/// apart at run time (the address must be a known task's field).
public enum FieldStoreSite {
    /// Whether the instruction `bytes` is a 32-bit store to `[register + offset]`.
    public static func matches(_ bytes: UnsafeRawBufferPointer, offset: Int, architecture: Architecture) -> Bool {
        switch architecture {
        case .x86_64: return x86Store(bytes, offset: offset)
        case .aarch64: return arm64Store(bytes, offset: offset)
        }
    }

    /// `[66|F0|REX]* (89 | C7 /0) modrm [sib] disp32` with mod = 10 (a 32-bit displacement).
    static func x86Store(_ b: UnsafeRawBufferPointer, offset: Int) -> Bool {
        guard offset >= 0x80, offset <= Int(Int32.max) else { return false }  // shorter offsets use disp8
        var i = 0
        var rexW = false
        while i < b.count, b[i] == 0xF0 || (b[i] & 0xF0) == 0x40 {
            if (b[i] & 0xF0) == 0x40 { rexW = b[i] & 0x08 != 0 }
            i += 1
        }
        guard !rexW, i + 2 < b.count else { return false }
        let opcode = b[i], modrm = b[i + 1]
        guard opcode == 0x89 || (opcode == 0xC7 && (modrm >> 3) & 7 == 0) else { return false }
        guard modrm >> 6 == 0b10 else { return false }
        var at = i + 2
        if modrm & 7 == 4 { at += 1 }  // a SIB byte
        guard at + 4 <= b.count else { return false }
        let disp = Int(b[at]) | Int(b[at + 1]) << 8 | Int(b[at + 2]) << 16 | Int(b[at + 3]) << 24
        return disp == offset
    }

    /// `STR Wt, [Xn, #imm12 * 4]` (unsigned offset).
    static func arm64Store(_ b: UnsafeRawBufferPointer, offset: Int) -> Bool {
        guard b.count >= 4, offset % 4 == 0, offset / 4 < 4096 else { return false }
        let word = UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
        return word & 0xFFC0_0000 == 0xB900_0000 && Int((word >> 10) & 0xFFF) == offset / 4
    }
}
