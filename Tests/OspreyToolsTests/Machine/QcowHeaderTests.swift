import Foundation
import Testing
@testable import OspreyTools

/// qcow2 images are read by their header before QEMU opens them: none may name another file.
struct QcowHeaderTests {
    @Test func aPlainImageOfEitherVersionPasses() throws {
        let dir = try MachineTestSupport.directory("qcow")
        let v3 = try MachineTestSupport.qcow2("v3.qcow2", in: dir)
        let v2 = try MachineTestSupport.qcow2("v2.qcow2", in: dir, options: ["-o", "compat=0.10"])
        #expect(QcowHeader.problem(inFileAt: v3) == nil)
        #expect(QcowHeader.problem(inFileAt: v2) == nil)
    }

    @Test func backingFilesAndExternalDataFilesAreRefused() throws {
        let dir = try MachineTestSupport.directory("qcow")
        let base = try MachineTestSupport.qcow2("base.qcow2", in: dir)
        let overlay = try MachineTestSupport.qcow2("overlay.qcow2", in: dir, options: ["-F", "qcow2", "-b", base.path])
        let external = try MachineTestSupport.qcow2("external.qcow2", in: dir, options: ["-o", "data_file=\(dir.path)/data.raw"])
        #expect(QcowHeader.problem(inFileAt: overlay)?.contains("backing file") == true)
        #expect(QcowHeader.problem(inFileAt: external)?.contains("external") == true)
    }

    @Test func theDataFileExtensionAloneIsRefused() throws {
        let dir = try MachineTestSupport.directory("qcow")
        let external = try MachineTestSupport.qcow2("external.qcow2", in: dir, options: ["-o", "data_file=\(dir.path)/data.raw"])
        var bytes = try BoundedFile.prefix(external, count: 1 << 16).bytes
        bytes[79] &= ~UInt8(4)  // clear incompatible feature bit 2, keep the extension
        #expect(QcowHeader.problem(in: bytes)?.contains("external data file") == true)
    }

    @Test func otherFilesAreNotQcow2() throws {
        let dir = try MachineTestSupport.directory("qcow")
        let raw = try MachineTestSupport.file("raw.img", in: dir, String(repeating: "\0", count: 4096))
        #expect(QcowHeader.problem(inFileAt: raw)?.contains("no QFI") == true)
        #expect(QcowHeader.problem(in: [0x51, 0x46, 0x49, 0xFB, 0, 0, 0, 3])?.contains("shorter") == true)
    }

    /// Every truncation and every byte pattern of a header gives an answer, never a trap.
    @Test func malformedHeadersGiveErrorsNotTraps() throws {
        let dir = try MachineTestSupport.directory("qcow")
        let image = try MachineTestSupport.qcow2("v3.qcow2", in: dir)
        let bytes = try BoundedFile.prefix(image, count: 1 << 16).bytes
        for length in stride(from: 0, through: 512, by: 1) {
            _ = QcowHeader.problem(in: Array(bytes.prefix(length)))
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var mutated = Array(bytes.prefix(4096))
            for _ in 0..<8 {
                let at = Int.random(in: 4..<200, using: &generator)
                mutated[at] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = QcowHeader.problem(in: mutated)
        }
        // An extension whose length runs past the cluster.
        var long = Array(bytes.prefix(4096))
        let start = Int(QcowHeader.be32(long, 100))
        long.replaceSubrange(start..<start + 8, with: [0x12, 0x34, 0x56, 0x78, 0x7F, 0xFF, 0xFF, 0xFF])
        #expect(QcowHeader.problem(in: long)?.contains("past its first cluster") == true)
    }
}
