import Foundation
import Testing

@testable import OspreyGuestKit

@Suite struct StagingTreeTests {
    /// lib/t/libreal.so.1 (file), lib/t/libalias.so.1 -> libreal.so.1,
    /// usr/lib64/ld.so -> ../lib/t/ld-real.so (which lives in lib/, not usr/lib/),
    /// abs -> /lib/t/libreal.so.1, loop1 <-> loop2, escape -> ../../../etc/passwd.
    static func makeTree() throws -> StagingTree {
        let root = try makeTemporaryDirectory("staging")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("lib/t"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("usr/lib64"), withIntermediateDirectories: true)
        try Data("real".utf8).write(to: root.appendingPathComponent("lib/t/libreal.so.1"))
        try Data("ld".utf8).write(to: root.appendingPathComponent("lib/t/ld-real.so"))
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("lib/t/libalias.so.1").path, withDestinationPath: "libreal.so.1")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("usr/lib64/ld.so").path, withDestinationPath: "../lib/t/ld-real.so")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("abs").path, withDestinationPath: "/lib/t/libreal.so.1")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("loop1").path, withDestinationPath: "loop2")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("loop2").path, withDestinationPath: "loop1")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("escape").path, withDestinationPath: "../../../lib/t/libreal.so.1")
        return StagingTree(root: root)
    }

    @Test func followsSymlinksInsideTheTree() throws {
        let tree = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: tree.root) }
        #expect(tree.resolve("/lib/t/libalias.so.1") == "lib/t/libreal.so.1")
        #expect(tree.resolve("abs") == "lib/t/libreal.so.1")
        // `..` never leaves the root.
        #expect(tree.resolve("escape") == "lib/t/libreal.so.1")
        #expect(tree.resolve("loop1") == nil)
        #expect(tree.resolve("lib/t/missing.so") == nil)
        #expect(tree.regularFile("lib/t") == nil)
        #expect(tree.regularFile("abs")?.lastPathComponent == "libreal.so.1")
    }

    @Test func looksAcrossTheUsrMerge() throws {
        let tree = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: tree.root) }
        // No lib64 at the top, but usr/lib64 exists; its relative link points into usr/lib,
        // which does not exist, so lib/ is used.
        #expect(tree.resolve("/lib64/ld.so") == "lib/t/ld-real.so")
        #expect(tree.resolve("/usr/lib/t/libreal.so.1") == "lib/t/libreal.so.1")
    }

    @Test func usrMergeMapping() {
        #expect(UsrMerge.map("bin/ls") == "usr/bin/ls")
        #expect(UsrMerge.map("./lib64/ld-linux-x86-64.so.2") == "usr/lib64/ld-linux-x86-64.so.2")
        #expect(UsrMerge.map("usr/bin/strace") == "usr/bin/strace")
        #expect(UsrMerge.map("etc/passwd") == "etc/passwd")
        #expect(UsrMerge.map("library/x") == "library/x")
    }
}

/// The library closure on host binaries copied into a staging tree laid out like Debian's.
@Suite(.enabled(if: hostIsX86_64 && FileManager.default.fileExists(atPath: "/lib64/ld-linux-x86-64.so.2")))
struct LibraryClosureTests {
    /// Copies /bin/ls and the libraries `ldd` names into a fresh tree; lib64/ld-linux... is an
    /// absolute symlink into lib/x86_64-linux-gnu as in Debian's libc6.
    static func stageLs(skipping skipped: String? = nil) throws -> StagingTree {
        let root = try makeTemporaryDirectory("closure")
        let fm = FileManager.default
        let libDir = root.appendingPathComponent("lib/x86_64-linux-gnu")
        try fm.createDirectory(at: libDir, withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("usr/bin"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("lib64"), withIntermediateDirectories: true)
        try fm.copyItem(atPath: "/bin/ls", toPath: root.appendingPathComponent("usr/bin/ls").path)
        let ldd = try runTool(["ldd", "/bin/ls"])
        for line in ldd.split(separator: "\n") {
            guard let arrow = line.range(of: "=> ") else { continue }
            let path = String(line[arrow.upperBound...].prefix { $0 != " " })
            let name = RelativePath.lastComponent(path)
            if name == skipped { continue }
            let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            try fm.copyItem(atPath: real, toPath: libDir.appendingPathComponent(name).path)
        }
        let loader = URL(fileURLWithPath: "/lib64/ld-linux-x86-64.so.2").resolvingSymlinksInPath().path
        try fm.copyItem(atPath: loader, toPath: libDir.appendingPathComponent("ld-linux-x86-64.so.2").path)
        try fm.createSymbolicLink(
            atPath: root.appendingPathComponent("lib64/ld-linux-x86-64.so.2").path,
            withDestinationPath: "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")
        return StagingTree(root: root)
    }

    @Test func placesLoaderAndEveryNeededLibrary() throws {
        let tree = try Self.stageLs()
        defer { try? FileManager.default.removeItem(at: tree.root) }
        let ls = LibraryClosure.Object(
            initramfsPath: "usr/bin/ls", stagingPath: "usr/bin/ls", url: tree.root.appendingPathComponent("usr/bin/ls"))
        let placements = try LibraryClosure(tree: tree, architecture: .x86_64).placements(for: [ls])
        let paths = placements.map(\.path)
        #expect(paths.first == "usr/lib64/ld-linux-x86-64.so.2")
        for name in try ELFFileTests.readelfNeeded("/bin/ls") {
            #expect(paths.contains("usr/lib/x86_64-linux-gnu/\(name)"))
        }
        // libc's own DT_NEEDED on the loader becomes a link to the one copy of it.
        let loaderByName = placements.first { $0.path == "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" }
        #expect(loaderByName?.source == .link("/usr/lib64/ld-linux-x86-64.so.2"))
        #expect(Set(paths).count == paths.count)
    }

    @Test func missingLibraryIsNamed() throws {
        let tree = try Self.stageLs(skipping: "libc.so.6")
        defer { try? FileManager.default.removeItem(at: tree.root) }
        let ls = LibraryClosure.Object(
            initramfsPath: "usr/bin/ls", stagingPath: "usr/bin/ls", url: tree.root.appendingPathComponent("usr/bin/ls"))
        do {
            _ = try LibraryClosure(tree: tree, architecture: .x86_64).placements(for: [ls])
            Issue.record("expected an error")
        } catch let error as GuestKitError {
            #expect(error.description.contains("libc.so.6"))
            guard case .missingLibraries = error else {
                Issue.record("wrong error \(error)")
                return
            }
        }
    }

    @Test func searchUsesTheGuestsTriplet() throws {
        let tree = try Self.stageLs()
        defer { try? FileManager.default.removeItem(at: tree.root) }
        // For an arm64 guest the x86_64-linux-gnu directories are not searched.
        let ls = LibraryClosure.Object(
            initramfsPath: "usr/bin/ls", stagingPath: "usr/bin/ls", url: tree.root.appendingPathComponent("usr/bin/ls"))
        #expect(throws: GuestKitError.self) {
            try LibraryClosure(tree: tree, architecture: .aarch64).placements(for: [ls])
        }
    }
}
