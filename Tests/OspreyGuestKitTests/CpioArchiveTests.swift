import Foundation
import Testing

@testable import OspreyGuestKit

@Suite struct CpioArchiveTests {
    static let entries: [CpioEntry] = [
        .file("usr/bin/hello", permissions: 0o755, .bytes(Data("#!/bin/sh\necho hi\n".utf8))),
        .symlink("bin", to: "usr/bin"),
        .characterDevice("dev/console", major: 5, minor: 1),
        .characterDevice("dev/null", major: 1, minor: 3, permissions: 0o666),
        .directory("tmp", permissions: 0o1777),
        .file("etc/passwd", .bytes(Data("root:x:0:0:root:/root:/bin/sh\n".utf8))),
        .file("/empty", .bytes(Data())),
    ]

    @Test func realCpioListsEveryEntryWithTypeModeAndDevice() throws {
        let dir = try makeTemporaryDirectory("cpio")
        defer { try? FileManager.default.removeItem(at: dir) }
        let archive = dir.appendingPathComponent("test.cpio")
        let size = try CpioArchive.write(Self.entries, to: archive)
        #expect(size % 4 == 0)

        let listing = try runTool(["sh", "-c", "cpio -itv --quiet < \"$1\"", "sh", archive.path])
        let lines = listing.split(separator: "\n").map(String.init)
        // Every entry carries the fixed mtime (2020-01-01); the name follows it.
        let names = lines.map { $0.components(separatedBy: " 2020 ").last ?? "" }
        // Sorted, parents first, implicit parents added, no ./ prefix.
        #expect(names == [
            "bin -> usr/bin", "dev", "dev/console", "dev/null", "empty", "etc", "etc/passwd", "tmp", "usr",
            "usr/bin", "usr/bin/hello",
        ])
        func line(_ name: String) -> String? { lines.first { $0.components(separatedBy: " 2020 ").last == name } }
        #expect(line("dev/console")?.hasPrefix("crw-------") == true)
        #expect(line("dev/console")?.contains("5,   1") == true)
        #expect(line("dev/null")?.hasPrefix("crw-rw-rw-") == true)
        #expect(line("dev/null")?.contains("1,   3") == true)
        #expect(line("bin -> usr/bin")?.hasPrefix("lrwxrwxrwx") == true)
        #expect(line("tmp")?.hasPrefix("drwxrwxrwt") == true)
        #expect(line("usr/bin")?.hasPrefix("drwxr-xr-x") == true)
        #expect(line("usr/bin/hello")?.hasPrefix("-rwxr-xr-x") == true)
        #expect(line("etc/passwd")?.hasPrefix("-rw-r--r--") == true)
        #expect(lines.allSatisfy { $0.contains(" root     root ") })
    }

    @Test func realCpioExtractsFileContents() throws {
        let dir = try makeTemporaryDirectory("cpio-extract")
        defer { try? FileManager.default.removeItem(at: dir) }
        let archive = dir.appendingPathComponent("test.cpio")
        try CpioArchive.write(Self.entries, to: archive)
        let hello = try runTool(["sh", "-c", "cpio -i --quiet --to-stdout usr/bin/hello < \"$1\"", "sh", archive.path])
        #expect(hello == "#!/bin/sh\necho hi\n")
        let passwd = try runTool(["sh", "-c", "cpio -i --quiet --to-stdout etc/passwd < \"$1\"", "sh", archive.path])
        #expect(passwd == "root:x:0:0:root:/root:/bin/sh\n")
    }

    @Test func headerIsNewcWithFixedTimeAndTrailer() throws {
        let data = try CpioArchive.data([.file("a", .bytes(Data("xyz".utf8)))])
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix("070701"))
        // c_mtime is the sixth field.
        let mtime = String(text.dropFirst(6 + 5 * 8).prefix(8))
        #expect(UInt32(mtime, radix: 16) == CpioArchive.fixedModificationTime)
        #expect(text.contains("TRAILER!!!"))
        #expect(data.count % 4 == 0)
    }

    @Test func outputIsDeterministicWhateverTheInputOrder() throws {
        let first = try CpioArchive.data(Self.entries)
        let second = try CpioArchive.data(Self.entries.reversed())
        #expect(first == second)
    }

    @Test func rejectsDuplicatesDotDotAndFilesUsedAsDirectories() {
        #expect(throws: GuestKitError.self) {
            try CpioArchive.data([.directory("a"), .directory("/a/")])
        }
        #expect(throws: GuestKitError.self) { try CpioArchive.data([.directory("a/../b")]) }
        #expect(throws: GuestKitError.self) {
            try CpioArchive.data([.file("a", .bytes(Data())), .file("a/b", .bytes(Data()))])
        }
    }
}
