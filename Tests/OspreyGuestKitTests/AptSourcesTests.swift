import Foundation
import Testing

@testable import OspreyGuestKit

@Suite struct AptSourcesTests {
    /// A fake `/etc/apt` with the given files.
    static func aptDirectory(_ files: [String: String]) throws -> URL {
        let dir = try makeTemporaryDirectory("etc-apt")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("sources.list.d"), withIntermediateDirectories: true)
        for (path, text) in files {
            try text.write(to: dir.appendingPathComponent(path), atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test func mirrorFromDeb822SourcesSkippingOtherRepositories() throws {
        let dir = try Self.aptDirectory([
            "sources.list.d/debian.sources": """
                Types: deb
                # http://snapshot.debian.org/archive/debian/20250520T000000Z
                URIs: http://mirror.example.org/debian/
                Suites: bookworm bookworm-updates
                Components: main
                Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

                Types: deb
                URIs: http://mirror.example.org/debian-security
                Suites: bookworm-security
                Components: main

                """,
            "sources.list.d/aaa-nodesource.sources": """
                Types: deb
                URIs: https://deb.nodesource.example/node_20.x
                Suites: nodistro
                Components: main

                """,
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let sources = AptSources.detect(systemAptDirectory: dir)
        #expect(sources.mirror == "http://mirror.example.org/debian")
        #expect(sources.securityMirror == "http://mirror.example.org/debian-security")
    }

    @Test func mirrorFromOneLineSourcesList() throws {
        let dir = try Self.aptDirectory([
            "sources.list": """
                # a comment
                deb-src http://src.example.org/debian bookworm main
                deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://ftp.example.net/debian bookworm main contrib
                deb http://ftp.example.net/debian bookworm-updates main

                """
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let sources = AptSources.detect(systemAptDirectory: dir)
        #expect(sources.mirror == "http://ftp.example.net/debian")
        #expect(sources.securityMirror == "http://ftp.example.net/debian-security")
    }

    @Test func defaultsWithoutAnySources() throws {
        let dir = try Self.aptDirectory([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let sources = AptSources.detect(systemAptDirectory: dir)
        #expect(sources.mirror == "http://deb.debian.org/debian")
        #expect(sources.securityMirror == "http://deb.debian.org/debian-security")
    }

    @Test func disabledStanzasAreIgnored() {
        let entries = AptSources.parseDeb822("""
            Types: deb
            URIs: http://off.example/debian
            Suites: bookworm
            Enabled: no

            Types: deb
            URIs: http://on.example/debian
            Suites: bookworm
            """)
        #expect(entries == [AptSources.SourceEntry(uri: "http://on.example/debian", suites: ["bookworm"])])
    }

    @Test func generatedSourcesNameEverySuiteAndTheKeyring() {
        let text = AptSources(mirror: "http://m.example/debian").deb822Text()
        let stanzas = ControlStanza.parseAll(text)
        #expect(stanzas.count == 2)
        #expect(stanzas[0]["URIs"] == "http://m.example/debian")
        #expect(stanzas[0]["Suites"] == "bookworm bookworm-updates bookworm-backports bullseye trixie")
        #expect(stanzas[1]["URIs"] == "http://m.example/debian-security")
        #expect(stanzas[1]["Suites"] == "bookworm-security bullseye-security trixie-security")
        for stanza in stanzas {
            #expect(stanza["Types"] == "deb")
            #expect(stanza["Components"] == "main")
            #expect(stanza["Signed-By"] == "/usr/share/keyrings/debian-archive-keyring.gpg")
        }
        // The file parses back to the same mirrors.
        let entries = AptSources.parseDeb822(text)
        #expect(entries.map(\.uri) == ["http://m.example/debian", "http://m.example/debian-security"])
        #expect(Set(entries.flatMap(\.suites)) == Set(AptSources.allSuites))
    }

    @Test func privateAptOptionsPointIntoTheCacheAndBothArchitectures() {
        let apt = PrivateApt(
            root: URL(fileURLWithPath: "/cache/apt"), sources: AptSources(mirror: AptSources.defaultMirror),
            progress: { _ in })
        let options = apt.options
        #expect(options.contains("Dir::Etc::SourceList=/cache/apt/etc/osprey.sources"))
        #expect(options.contains("Dir::State::status=/cache/apt/state/status"))
        #expect(options.contains("Dir::Cache=/cache/apt/cache"))
        #expect(options.contains("APT::Architectures::=amd64"))
        #expect(options.contains("APT::Architectures::=arm64"))
        // Every setting is a -o pair or the -c config file; nothing points at /etc/apt.
        #expect(!options.contains { $0.contains("/etc/apt") })
    }
}

@Suite struct ControlDataTests {
    @Test func stanzasWithContinuationLines() {
        let stanzas = ControlStanza.parseAll("""
            Package: strace
            Version: 6.13+ds-1
            Depends: libc6 (>= 2.38),
             libunwind8
            Description: System call tracer
             strace is a system call tracer.
             .
             More.

            Package: libc6
            Architecture: arm64
            """)
        #expect(stanzas.count == 2)
        #expect(stanzas[0]["package"] == "strace")
        #expect(stanzas[0]["Depends"] == "libc6 (>= 2.38),\nlibunwind8")
        #expect(stanzas[0]["Description"] == "System call tracer\nstrace is a system call tracer.\n\nMore.")
        #expect(stanzas[1]["Architecture"] == "arm64")
    }

    @Test func dependencyFieldsKeepAlternativesAndDropVersions() {
        let groups = DebianDependency.parseField(
            "libc6 (>= 2.38), libfoo1 | libbar1 (<< 3), debconf (>= 0.5) | debconf-2.0, python3:any, libx [amd64] <!nocheck>")
        #expect(groups.map { $0.map(\.name) } == [
            ["libc6"], ["libfoo1", "libbar1"], ["debconf", "debconf-2.0"], ["python3"], ["libx"],
        ])
        #expect(groups[3][0].architectureQualifier == "any")
        #expect(DebianDependency.parseField("").isEmpty)
    }

    @Test func packageNameValidation() {
        for good in ["strace", "libc6", "linux-image-6.12.117+deb12-amd64", "g++", "0ad"] {
            #expect(DebianPackageName.isValid(good))
        }
        for bad in ["", "a", "-o", "Strace", "a b", "../x", "x;rm", "--help"] {
            #expect(!DebianPackageName.isValid(bad))
        }
    }

    @Test func packageInfoFromShowOutput() throws {
        let stanza = try #require(ControlStanza.parseAll("""
            Package: busybox-static
            Version: 1:1.37.0-6+b9
            Architecture: arm64
            Pre-Depends: libc6
            Depends: foo | bar
            """).first)
        let info = try #require(PackageInfo(stanza: stanza))
        #expect(info.dependencies.map { $0.map(\.name) } == [["libc6"], ["foo", "bar"]])
        #expect(info.cacheKey == "busybox-static_1%3a1.37.0-6+b9_arm64")
        #expect(info.summary == "busybox-static 1:1.37.0-6+b9 arm64")
    }
}
