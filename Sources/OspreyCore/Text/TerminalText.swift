/// The last line of defence for text that goes to a terminal: Osprey's own messages, which may
/// embed values from a file (a profile's reason, a report's field name).
public enum TerminalText {
    /// `text` with every control character except the newline (U+0000-U+0009, U+000B-U+001F,
    /// DEL, and the C1 controls U+0080-U+009F) written as its octal escapes (``TextEscaping``'s
    /// form). Everything else stays, so messages remain readable; values that must come back
    /// exactly are escaped where they are put into the message, with ``TextEscaping/token(_:)``.
    public static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out.append(contentsOf: TextEscaping.escaped(Array(String(scalar).utf8)).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        (s.value < 0x20 && s != "\n") || (0x7F...0x9F).contains(s.value)
    }
}
