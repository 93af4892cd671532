import Foundation
import Testing
@testable import OspreyCore

/// The generated tables (scripts/gen-syscall-tables.py) are well formed, right where we know
/// the answer, and agree with the host's own x86-64 header where it has one.
@Suite("LinuxSyscallNames")
struct LinuxSyscallNamesTests {
    enum ABI: String, CaseIterable, Sendable {
        case x86_64, i386, aarch64

        var table: [(number: Int, name: String)] {
            switch self {
            case .x86_64: LinuxSyscallNames.x86_64
            case .i386: LinuxSyscallNames.i386
            case .aarch64: LinuxSyscallNames.aarch64
            }
        }

        /// Values checked by hand against the kernel's syscall tables.
        var known: [(name: String, number: Int)] {
            switch self {
            case .x86_64: [("read", 0), ("openat", 257), ("exit_group", 231), ("clone3", 435)]
            case .i386: [("exit", 1), ("open", 5)]
            case .aarch64:
                [("openat", 56), ("exit_group", 94), ("clone", 220), ("execve", 221), ("read", 63)]
            }
        }
    }

    static let hostHeader = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"

    @Test func sourceIsNamed() {
        #expect(LinuxSyscallNames.source.contains("linux-libc-dev"))
    }

    @Test(arguments: ABI.allCases)
    func numbersAreUniqueAndSorted(_ abi: ABI) {
        let numbers = abi.table.map(\.number)
        #expect(!numbers.isEmpty)
        #expect(Set(numbers).count == numbers.count, "\(abi): a number appears twice")
        #expect(zip(numbers, numbers.dropFirst()).allSatisfy { $0 < $1 }, "\(abi): not sorted by number")
        #expect(numbers.allSatisfy { $0 >= 0 }, "\(abi): negative number")
    }

    @Test(arguments: ABI.allCases)
    func namesAreNonEmptyAndUnique(_ abi: ABI) {
        let names = abi.table.map(\.name)
        #expect(names.allSatisfy { !$0.isEmpty }, "\(abi): empty name")
        #expect(Set(names).count == names.count, "\(abi): a name appears twice")
        #expect(names.allSatisfy { !$0.hasPrefix("__NR") }, "\(abi): macro prefix left in a name")
    }

    @Test(arguments: ABI.allCases)
    func knownValues(_ abi: ABI) {
        for (name, number) in abi.known {
            let found = abi.table.first { $0.name == name }?.number
            #expect(found == number, "\(abi): \(name) should be \(number)")
        }
    }

    /// Compares with the host's linux-libc-dev: only numbers both have (either may be newer).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: Self.hostHeader)))
    func x86_64AgreesWithHostHeader() throws {
        let text = try String(contentsOfFile: Self.hostHeader, encoding: .utf8)
        var host: [Int: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 3, fields[0] == "#define", fields[1].hasPrefix("__NR_"),
                  let number = Int(fields[2])
            else { continue }
            host[number] = String(fields[1].dropFirst("__NR_".count))
        }
        #expect(!host.isEmpty, "no #define __NR_x N lines in \(Self.hostHeader)")
        var compared = 0
        for (number, name) in LinuxSyscallNames.x86_64 {
            guard let hostName = host[number] else { continue }
            compared += 1
            #expect(name == hostName, "x86_64 \(number): generated \(name), host header \(hostName)")
        }
        #expect(compared > 0)
    }
}
