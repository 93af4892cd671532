import Foundation
import Testing

@testable import OspreyGuestKit

@Suite struct BusyboxAppletsTests {
    @Test func readsTheNameTableFromBinaryBytes() {
        var bytes: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 0x20, 0x11]
        let names = ["[", "[["] + (0..<30).map { String(format: "app%02d", $0) } + ["zcat"]
        for name in names { bytes += Array(name.utf8) + [0] }
        bytes += [0xC3, 0x00, 0x41, 0x00]  // what follows the table in a binary
        #expect(BusyboxApplets.names(inBinary: bytes) == names)
    }

    @Test func noTableMeansNil() {
        #expect(BusyboxApplets.names(inBinary: Array("[\0[[\0".utf8)) == nil)
        #expect(BusyboxApplets.names(inBinary: []) == nil)
    }

    /// On the host's own busybox the table matches `busybox --list`.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/busybox")))
    func matchesBusyboxList() throws {
        let listed = try runTool(["/bin/busybox", "--list"]).split(separator: "\n").map(String.init)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "/bin/busybox")))
        let parsed = try #require(BusyboxApplets.names(inBinary: bytes))
        #expect(parsed.sorted() == listed.sorted())
    }

    @Test func linkPlacement() {
        #expect(BusyboxApplets.linkPath(for: "poweroff") == "usr/sbin/poweroff")
        #expect(BusyboxApplets.linkPath(for: "cat") == "usr/bin/cat")
    }
}
