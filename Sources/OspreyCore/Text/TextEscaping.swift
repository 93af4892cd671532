/// The one rule by which every human-readable view shows text that came from the guest or
/// from a file someone handed over (process names, command lines, paths, socket paths, module
/// names, a manifest's values in an error message): strace's string escaping.
///
/// Printable ASCII (0x20-0x7E) stays as it is except `"` and `\`, which become `\"` and `\\`;
/// `\f` `\n` `\r` `\t` `\v` are written so; every other byte (controls, DEL, and every byte of
/// 0x80-0xFF, UTF-8 included) is a backslash and its value in octal, with the fewest digits, or
/// with three when the next byte shown is an octal digit (`\0`, `\33[2J`, `\3771`). So no
/// view can emit a control character, every line of output stays one record, and two
/// different byte strings never look the same: ``unescape(_:)`` gives the exact bytes back.
public enum TextEscaping {
    /// strace's `string_quote` escaping of `bytes`, without quotes. The octal look-ahead sees
    /// only `bytes`, as strace's sees only the bytes it quotes.
    public static func escaped<C: Collection<UInt8>>(_ bytes: C) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let c = bytes[i]
            let next = bytes.index(after: i)
            switch c {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0C: out += [0x5C, UInt8(ascii: "f")]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0x0B: out += [0x5C, UInt8(ascii: "v")]
            case 0x20...0x7E: out.append(c)
            default:
                let nextIsOctalDigit = next < bytes.endIndex && (0x30...0x37).contains(bytes[next])
                out.append(0x5C)
                let digits: [UInt8] = [c >> 6, (c >> 3) & 7, c & 7]
                let first = nextIsOctalDigit ? 0 : (c >= 0o100 ? 0 : c >= 0o10 ? 1 : 2)
                for d in digits[first...] { out.append(0x30 + d) }
            }
            i = next
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `bytes` escaped and in double quotes, as strace prints a string: `"a\nb"`.
    public static func quoted<C: Collection<UInt8>>(_ bytes: C) -> String {
        "\"" + escaped(bytes) + "\""
    }

    /// `bytes` as one token of a text view: as they are when every byte is printable ASCII
    /// other than space, `"` and `\` (`/usr/bin/cat`, `pipe:[4711]`, `[heap]`), otherwise
    /// ``quoted(_:)`` (`"/tmp/a b"`, `"\33]0;x\7"`, `""`). A token never holds a space unless it
    /// is quoted, so it cannot be mistaken for two; one that starts with `"` is quoted.
    public static func token<C: Collection<UInt8>>(_ bytes: C) -> String {
        if !bytes.isEmpty, bytes.allSatisfy(isBare) { return String(decoding: bytes, as: UTF8.self) }
        return quoted(bytes)
    }

    /// ``token(_:)`` of a string's UTF-8 bytes.
    public static func token(_ text: String) -> String { token(Array(text.utf8)) }

    /// Whether `byte` can be shown bare in a ``token(_:)``.
    @inline(__always) static func isBare(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && byte != 0x22 && byte != 0x5C
    }

    /// The bytes a ``token(_:)``, ``quoted(_:)`` or ``escaped(_:)`` text stands for: a quoted
    /// token loses its quotes and its escapes are undone (`\"` `\\` `\f` `\n` `\r` `\t` `\v`,
    /// one to three octal digits, `\xNN`); a bare token is its own bytes. Nil for a quoted
    /// text with a bad escape or without its closing quote.
    public static func unescape(_ text: Substring) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.first == 0x22 else { return utf8 }
        guard utf8.count >= 2, utf8.last == 0x22 else { return nil }
        return unescapeBody(utf8[1..<(utf8.count - 1)])
    }

    /// The tokens of a line a view wrote: each quoted string, from its `"` to the closing one
    /// (escaped quotes skipped), and each run of other characters up to a space or a quote.
    /// ``unescape(_:)`` turns a token back into its bytes.
    public static func tokens(of line: Substring) -> [Substring] {
        var result: [Substring] = []
        var i = line.startIndex
        while i < line.endIndex {
            if line[i] == " " {
                i = line.index(after: i)
                continue
            }
            let start = i
            if line[i] == "\"" {
                i = line.index(after: i)
                while i < line.endIndex, line[i] != "\"" {
                    if line[i] == "\\" { i = line.index(after: i) }
                    if i < line.endIndex { i = line.index(after: i) }
                }
                if i < line.endIndex { i = line.index(after: i) }
            } else {
                while i < line.endIndex, line[i] != " ", line[i] != "\"" { i = line.index(after: i) }
            }
            result.append(line[start..<i])
        }
        return result
    }

    /// Undoes ``escaped(_:)`` (no quotes around `body`); nil on a bad escape.
    public static func unescapeBody(_ body: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        var i = body.startIndex
        while i < body.endIndex {
            let c = body[i]
            i += 1
            guard c == 0x5C else {
                if c == 0x22 { return nil }  // a bare quote inside a quoted text
                out.append(c)
                continue
            }
            guard i < body.endIndex else { return nil }
            let e = body[i]
            i += 1
            switch e {
            case 0x22, 0x5C: out.append(e)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "v"): out.append(0x0B)
            case 0x30...0x37:
                var value = Int(e - 0x30)
                var digits = 1
                while digits < 3, i < body.endIndex, (0x30...0x37).contains(body[i]) {
                    value = value * 8 + Int(body[i] - 0x30)
                    i += 1
                    digits += 1
                }
                guard value <= 0xFF else { return nil }
                out.append(UInt8(value))
            case UInt8(ascii: "x"):
                guard i + 1 < body.endIndex, let hi = hexValue(body[i]), let lo = hexValue(body[i + 1]) else { return nil }
                out.append(hi << 4 | lo)
                i += 2
            default:
                return nil
            }
        }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        case 0x41...0x46: c - 0x41 + 10
        default: nil
        }
    }
}
