import Foundation

/// Debian package names: lowercase letters, digits, `+`, `-`, `.`, starting with a letter or
/// digit, at least two characters. Checked before a name reaches apt's command line.
enum DebianPackageName {
    static func isValid(_ name: String) -> Bool {
        guard name.count >= 2, let first = name.unicodeScalars.first,
            ("a"..."z").contains(first) || ("0"..."9").contains(first)
        else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0) }
    }
}

/// One alternative of a Debian dependency field: `libc6 (>= 2.36)`, `python3:any`.
struct DebianDependency: Equatable, Hashable {
    var name: String
    /// The `:arch` qualifier, if any (`any`, `native`, `amd64`...).
    var architectureQualifier: String?

    /// Parses a `Depends`/`Pre-Depends` value into groups of alternatives (`a | b, c`),
    /// dropping version constraints, architecture restrictions (`[amd64]`) and build profiles.
    static func parseField(_ value: String) -> [[DebianDependency]] {
        value.split(separator: ",").compactMap { group in
            let alternatives = group.split(separator: "|").compactMap { parseAlternative(String($0)) }
            return alternatives.isEmpty ? nil : alternatives
        }
    }

    private static func parseAlternative(_ text: String) -> DebianDependency? {
        var token = ""
        for character in text.drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            if character == " " || character == "(" || character == "[" || character == "<"
                || character == "\n" || character == "\t" {
                break
            }
            token.append(character)
        }
        guard !token.isEmpty else { return nil }
        if let colon = token.firstIndex(of: ":") {
            let name = String(token[..<colon])
            let qualifier = String(token[token.index(after: colon)...])
            return name.isEmpty ? nil : DebianDependency(name: name, architectureQualifier: qualifier)
        }
        return DebianDependency(name: token, architectureQualifier: nil)
    }
}

/// What `apt-cache show` says about the candidate version of a package.
struct PackageInfo: Equatable {
    var name: String
    var version: String
    /// Debian architecture: `amd64`, `arm64` or `all`.
    var architecture: String
    /// Pre-Depends followed by Depends.
    var dependencies: [[DebianDependency]]

    init?(stanza: ControlStanza) {
        guard let name = stanza["Package"], let version = stanza["Version"],
            let architecture = stanza["Architecture"]
        else { return nil }
        self.name = name
        self.version = version
        self.architecture = architecture
        self.dependencies = DebianDependency.parseField(stanza["Pre-Depends"] ?? "")
            + DebianDependency.parseField(stanza["Depends"] ?? "")
    }

    /// `name version architecture`, as guest.json lists it.
    var summary: String { "\(name) \(version) \(architecture)" }

    /// A file-name-safe cache key: name, version and architecture.
    var cacheKey: String {
        "\(name)_\(version)_\(architecture)".replacingOccurrences(of: ":", with: "%3a")
            .replacingOccurrences(of: "/", with: "%2f")
    }
}
