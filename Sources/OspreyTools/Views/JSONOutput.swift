/// What the views do to JSON before it reaches a terminal.
public enum JSONOutput {
    /// `json` with the characters JSON may carry raw but a terminal would act on written as
    /// `\uXXXX` escapes: DEL (U+007F) and the C1 controls (U+0080-U+009F, UTF-8 `C2 80`-`C2 9F`,
    /// among them the 8-bit CSI). They occur only inside strings, so the JSON means the same.
    /// Foundation's encoder already escapes U+0000-U+001F.
    public static func terminalSafe<C: Collection<UInt8>>(_ json: C) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(json.count)
        var previous: UInt8 = 0
        for b in json {
            if b == 0x7F {
                out += Array("\\u007f".utf8)
            } else if previous == 0xC2, (0x80...0x9F).contains(b) {
                out.removeLast()
                out += Array("\\u00".utf8) + [hex(b >> 4), hex(b & 0xF)]
            } else {
                out.append(b)
            }
            previous = b
        }
        return out
    }

    private static func hex(_ n: UInt8) -> UInt8 { n < 10 ? 0x30 + n : 0x61 + n - 10 }
}
