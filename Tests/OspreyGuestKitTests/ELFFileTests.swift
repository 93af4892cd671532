import Foundation
import Testing

@testable import OspreyGuestKit

/// The parser against real host binaries, checked with binutils' readelf.
@Suite struct ELFFileTests {
    static let hostPrograms = ["/bin/ls", "/usr/bin/strace", "/usr/bin/env"].filter {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// `[Requesting program interpreter: X]` from `readelf -lW`.
    static func readelfInterpreter(_ path: String) throws -> String? {
        let output = try runTool(["readelf", "-lW", path])
        guard let range = output.range(of: "[Requesting program interpreter: ") else { return nil }
        return String(output[range.upperBound...].prefix { $0 != "]" })
    }

    /// `(NEEDED) Shared library: [X]` lines from `readelf -dW`, in order.
    static func readelfNeeded(_ path: String) throws -> [String] {
        try runTool(["readelf", "-dW", path]).split(separator: "\n").compactMap { line in
            guard line.contains("(NEEDED)"), let open = line.range(of: "[") else { return nil }
            return String(line[open.upperBound...].prefix { $0 != "]" })
        }
    }

    @Test(.enabled(if: hostHasTool("readelf")), arguments: hostPrograms)
    func interpreterAndNeededMatchReadelf(_ path: String) throws {
        let elf = try ELFFile(contentsOf: URL(fileURLWithPath: path))
        #expect(elf.interpreter == (try Self.readelfInterpreter(path)))
        #expect(elf.needed == (try Self.readelfNeeded(path)))
        #expect(!elf.needed.isEmpty)
        #expect(elf.is64Bit)
        #expect(elf.isLittleEndian)
        if hostIsX86_64 {
            #expect(elf.machine == GuestArchitecture.x86_64.elfMachine)
            #expect(elf.interpreter == "/lib64/ld-linux-x86-64.so.2")
        }
    }

    @Test(.enabled(if: hostHasTool("readelf")))
    func sharedLibraryHasSonameAndNoInterpreter() throws {
        guard let libc = ["/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6"]
            .first(where: { FileManager.default.fileExists(atPath: $0) })
        else { return }
        let elf = try ELFFile(contentsOf: URL(fileURLWithPath: libc))
        #expect(elf.soname == "libc.so.6")
        #expect(elf.type == 3)
        #expect(elf.needed == (try Self.readelfNeeded(libc)))
    }

    @Test func staticBusyboxHasNoInterpreterOrNeeded() throws {
        guard FileManager.default.fileExists(atPath: "/bin/busybox") else { return }
        let elf = try ELFFile(contentsOf: URL(fileURLWithPath: "/bin/busybox"))
        let isStatic = try runTool(["readelf", "-lW", "/bin/busybox"]).contains("INTERP") == false
        if isStatic {
            #expect(elf.interpreter == nil)
            #expect(elf.needed.isEmpty)
        }
    }

    @Test func rejectsNonELF() {
        #expect(throws: GuestKitError.self) { try ELFFile(data: Data("#!/bin/sh\necho hi\n".utf8)) }
        #expect(throws: GuestKitError.self) { try ELFFile(data: Data([0x7F, 0x45, 0x4C, 0x46])) }
    }

    /// Truncated or corrupted input must give an error or a result, never a crash.
    @Test func survivesTruncationAndCorruption() throws {
        guard let path = Self.hostPrograms.first else { return }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        for length in [16, 52, 64, 100, 500, 1000, 4096, 10_000, data.count / 2] where length <= data.count {
            _ = try? ELFFile(data: data.prefix(length))
        }
        var corrupted = [UInt8](data)
        for offset in stride(from: 16, to: min(corrupted.count, 4096), by: 7) {
            corrupted[offset] ^= 0xFF
            _ = try? ELFFile(data: Data(corrupted))
        }
    }
}
