import Foundation
import Testing
@testable import OspreyTools

/// The one path rule for files a recording or guest directory names.
struct ContainedPathTests {
    static func reason(_ path: String, in dir: URL) -> String? {
        do {
            _ = try ContainedPath.resolve(path, in: dir)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func plainFilesInsideResolve() throws {
        let dir = try MachineTestSupport.directory("paths")
        try MachineTestSupport.file("files/vmlinuz-6.1.0+x", in: dir)
        let resolved = try ContainedPath.resolve("files/vmlinuz-6.1.0+x", in: dir)
        #expect(resolved.relative == "files/vmlinuz-6.1.0+x")
        #expect(resolved.url.path == dir.path + "/files/vmlinuz-6.1.0+x")
    }

    @Test(arguments: [
        ("/etc/passwd", "absolute path"),
        ("../outside", ".. component"),
        ("files/../../outside", ".. component"),
        ("files//vmlinuz", "empty or . component"),
        ("./vmlinuz", "empty or . component"),
        ("files/", "empty or . component"),
        ("", "not a file name"),
        ("json:{\"file\":\"/etc/passwd\"}", "characters other than"),
        ("nbd:localhost:10809", "characters other than"),
        ("a,file=/etc/passwd", "characters other than"),
        ("a b", "characters other than"),
        ("caf\u{e9}", "characters other than"),
        ("missing", "does not exist"),
    ])
    func badSpellingsAndMissingFilesAreRefused(path: String, reason: String) throws {
        let dir = try MachineTestSupport.directory("paths")
        let found = Self.reason(path, in: dir)
        #expect(found?.contains(reason) == true, "\(found ?? "accepted")")
    }

    @Test func linksMayStayInsideButNotLeave() throws {
        let dir = try MachineTestSupport.directory("paths")
        let outside = try MachineTestSupport.directory("paths-outside")
        try MachineTestSupport.file("secret", in: outside)
        try MachineTestSupport.file("files/real", in: dir)
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: dir.path + "/inside", withDestinationPath: "files/real")
        try fm.createSymbolicLink(atPath: dir.path + "/out", withDestinationPath: outside.path + "/secret")
        try fm.createSymbolicLink(atPath: dir.path + "/up", withDestinationPath: "../" + outside.lastPathComponent + "/secret")
        try fm.createSymbolicLink(atPath: dir.path + "/zero", withDestinationPath: "/dev/zero")
        try fm.createSymbolicLink(atPath: dir.path + "/folder", withDestinationPath: outside.path)
        #expect(try ContainedPath.resolve("inside", in: dir).relative == "files/real")
        for link in ["out", "up", "zero", "folder/secret"] {
            #expect(Self.reason(link, in: dir)?.contains("leads out of the directory") == true, "\(link)")
        }
        try fm.createSymbolicLink(atPath: dir.path + "/self", withDestinationPath: ".")
        #expect(Self.reason("self", in: dir)?.contains("leads out") == true)
    }

    @Test func onlyRegularFiles() throws {
        let dir = try MachineTestSupport.directory("paths")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("files"), withIntermediateDirectories: true)
        #expect(mkfifo(dir.path + "/fifo", 0o644) == 0)
        #expect(Self.reason("fifo", in: dir)?.contains("a FIFO") == true)
        #expect(Self.reason("files", in: dir)?.contains("a directory") == true)
    }

    @Test func safeComponentsAreSpeltAsThePathRuleWants() {
        for name in ["vmlinuz-6.1.0-56-amd64", "..", ".hidden", "a b:c,d", "", "\u{1b}[2J"] {
            #expect(ContainedPath.spellingProblem(ContainedPath.safeComponent(name)) == nil, "\(name)")
        }
    }
}
