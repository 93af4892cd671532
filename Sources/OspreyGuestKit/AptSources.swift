import Foundation

/// The sources list of the private apt configuration: Debian's main suites on the mirror the
/// system uses, and the security suites on the matching debian-security mirror.
struct AptSources: Equatable {
    /// Suites served by the main Debian mirror.
    static let mainSuites = ["bookworm", "bookworm-updates", "bookworm-backports", "bullseye", "trixie"]
    /// Suites served by the debian-security mirror.
    static let securitySuites = ["bookworm-security", "bullseye-security", "trixie-security"]
    /// Every suite, in the order error messages list them.
    static let allSuites = [
        "bookworm", "bookworm-updates", "bookworm-security", "bookworm-backports",
        "bullseye", "bullseye-security", "trixie", "trixie-security",
    ]
    static let defaultMirror = "http://deb.debian.org/debian"
    static let keyring = "/usr/share/keyrings/debian-archive-keyring.gpg"

    var mirror: String
    var securityMirror: String

    init(mirror: String, securityMirror: String? = nil) {
        self.mirror = mirror
        self.securityMirror = securityMirror ?? Self.securityMirror(for: mirror)
    }

    /// The debian-security mirror that goes with `mirror`: the same host and path prefix with
    /// `debian` replaced by `debian-security`.
    static func securityMirror(for mirror: String) -> String {
        var base = mirror
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/debian") {
            return String(base.dropLast("debian".count)) + "debian-security"
        }
        return base + "-security"
    }

    /// Reads the mirrors the system uses from `systemAptDirectory` (`/etc/apt`): `URIs:` of
    /// `sources.list.d/*.sources`, then `deb` lines of `sources.list` and `sources.list.d/*.list`.
    /// Falls back to ``defaultMirror``.
    static func detect(systemAptDirectory: URL = URL(fileURLWithPath: "/etc/apt")) -> AptSources {
        var entries: [SourceEntry] = []
        let partsDir = systemAptDirectory.appendingPathComponent("sources.list.d")
        let parts = ((try? FileManager.default.contentsOfDirectory(atPath: partsDir.path)) ?? []).sorted()
        for name in parts where name.hasSuffix(".sources") {
            if let text = try? String(contentsOf: partsDir.appendingPathComponent(name), encoding: .utf8) {
                entries += parseDeb822(text)
            }
        }
        let listFiles = [systemAptDirectory.appendingPathComponent("sources.list")]
            + parts.filter { $0.hasSuffix(".list") }.map { partsDir.appendingPathComponent($0) }
        for file in listFiles {
            if let text = try? String(contentsOf: file, encoding: .utf8) { entries += parseOneLine(text) }
        }
        let debian = entries.first { entry in
            entry.suites.contains { mainSuites.contains($0) || isDebianSuiteName($0) }
                && !entry.suites.allSatisfy { $0.hasSuffix("-security") }
        }
        let security = entries.first { entry in entry.suites.contains { $0.hasSuffix("-security") } }
        let mirror = debian?.uri ?? defaultMirror
        let securityMirror = security?.uri ?? Self.securityMirror(for: mirror)
        return AptSources(mirror: trimSlash(mirror), securityMirror: trimSlash(securityMirror))
    }

    /// The sources file in DEB822 format.
    func deb822Text() -> String {
        func stanza(_ uri: String, _ suites: [String]) -> String {
            """
            Types: deb
            URIs: \(uri)
            Suites: \(suites.joined(separator: " "))
            Components: main
            Architectures: amd64 arm64
            Signed-By: \(Self.keyring)

            """
        }
        return "# Written by osprey: its private apt configuration. Not used by the system's apt.\n"
            + stanza(mirror, Self.mainSuites) + "\n" + stanza(securityMirror, Self.securitySuites)
    }

    // MARK: - Parsing the system's sources

    struct SourceEntry: Equatable {
        var uri: String
        var suites: [String]
    }

    private static func isDebianSuiteName(_ suite: String) -> Bool {
        let codenames = ["buster", "bullseye", "bookworm", "trixie", "forky", "sid", "stable", "testing", "unstable", "oldstable"]
        return codenames.contains { suite == $0 || suite.hasPrefix($0 + "-") }
    }

    private static func trimSlash(_ uri: String) -> String {
        var uri = uri
        while uri.hasSuffix("/") { uri.removeLast() }
        return uri
    }

    /// Entries of a DEB822 `.sources` file (stanzas with `Types: deb`, not `Enabled: no`).
    static func parseDeb822(_ text: String) -> [SourceEntry] {
        var result: [SourceEntry] = []
        for stanza in ControlStanza.parseAll(text) {
            let types = stanza["Types"]?.split(separator: " ").map(String.init) ?? []
            guard types.contains("deb"), stanza["Enabled"]?.lowercased() != "no" else { continue }
            let suites = stanza["Suites"]?.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init) ?? []
            let uris = stanza["URIs"]?.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init) ?? []
            for uri in uris { result.append(SourceEntry(uri: uri, suites: suites)) }
        }
        return result
    }

    /// Entries of one-line `deb [options] URI suite components...` lines.
    static func parseOneLine(_ text: String) -> [SourceEntry] {
        var result: [SourceEntry] = []
        for rawLine in text.split(separator: "\n") {
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            var words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard words.first == "deb" else { continue }
            words.removeFirst()
            if let first = words.first, first.hasPrefix("[") {
                // Skip the bracketed option list, which may span several words.
                while let word = words.first {
                    words.removeFirst()
                    if word.hasSuffix("]") { break }
                }
            }
            guard words.count >= 2 else { continue }
            result.append(SourceEntry(uri: words[0], suites: [words[1]]))
        }
        return result
    }
}
