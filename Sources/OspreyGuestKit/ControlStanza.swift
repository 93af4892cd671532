/// One paragraph of Debian control data (`apt-cache show` output, DEB822 sources files):
/// fields by name, continuation lines joined with newlines.
struct ControlStanza: Equatable {
    private(set) var fields: [(name: String, value: String)] = []

    static func == (lhs: ControlStanza, rhs: ControlStanza) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    /// The value of a field; names compare case-insensitively, as Debian's do.
    subscript(name: String) -> String? {
        let lower = name.lowercased()
        return fields.first { $0.name.lowercased() == lower }?.value
    }

    /// Splits `text` into stanzas at blank lines. Comment lines (`#`) are ignored.
    static func parseAll(_ text: String) -> [ControlStanza] {
        var stanzas: [ControlStanza] = []
        var current = ControlStanza()
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if !current.fields.isEmpty { stanzas.append(current) }
                current = ControlStanza()
            } else if line.hasPrefix("#") {
                continue
            } else if line.first == " " || line.first == "\t" {
                if var last = current.fields.popLast() {
                    let continuation = line.drop(while: { $0 == " " || $0 == "\t" })
                    last.value += "\n" + (continuation == "." ? "" : continuation)
                    current.fields.append(last)
                }
            } else if let colon = line.firstIndex(of: ":") {
                let name = String(line[..<colon])
                let value = line[line.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" })
                current.fields.append((name, String(value)))
            }
        }
        if !current.fields.isEmpty { stanzas.append(current) }
        return stanzas
    }
}
