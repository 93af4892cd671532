import Foundation
import OspreyCore

/// A complete QEMU command: binary, arguments, working directory, and whether Osprey owns
/// the console (its own guests) or the user does (their own QEMU arguments).
public struct QemuInvocation: Sendable {
    public var binary: String
    public var arguments: [String]
    public var workingDirectory: URL?
    /// True for guests built by the guest kit: their serial console comes to Osprey, which
    /// watches it for the scenario's end marker and kernel panics.
    public var ownsConsole: Bool
    public var architecture: Architecture

    /// The invocation that boots a guest directory made by `osprey guest build`: its
    /// `guest.json` read and checked as a ``MachineDescription`` (``GuestMachine``), the
    /// arguments built from it (``MachineCommand``), the binary from its architecture.
    public static func guest(at directory: URL) throws -> QemuInvocation {
        let (description, root) = try GuestMachine.load(from: directory)
        return machine(description, in: root, drives: .direct, ownsConsole: true)
    }

    /// The invocation of `machine`, a description checked against `directory` (its working
    /// directory): `qemu-system-ARCH` from PATH with the arguments ``MachineCommand`` builds.
    public static func machine(
        _ machine: MachineDescription, in directory: URL, drives: MachineCommand.DriveAccess, ownsConsole: Bool
    ) -> QemuInvocation {
        QemuInvocation(
            binary: machine.architecture.qemuSystemBinary, arguments: MachineCommand.arguments(for: machine, drives: drives),
            workingDirectory: directory, ownsConsole: ownsConsole, architecture: machine.architecture)
    }

    /// The invocation for a user's own QEMU arguments (`osprey trace -- ARGS`), run as they
    /// are: the user's own command line, the user's responsibility. The first argument may
    /// name the QEMU binary (`qemu-system-x86_64 ...`); otherwise `architecture` picks it.
    public static func user(arguments: [String], architecture: Architecture?) throws -> QemuInvocation {
        var args = arguments
        let binary: String
        if let first = args.first, URL(fileURLWithPath: first).lastPathComponent.hasPrefix("qemu-system-") {
            binary = first
            args.removeFirst()
        } else {
            binary = (architecture ?? .x86_64).qemuSystemBinary
        }
        let name = URL(fileURLWithPath: binary).lastPathComponent
        guard let arch = Architecture(qemuSystemBinary: name) else {
            let known = Architecture.allCases.map(\.qemuSystemBinary).joined(separator: " or ")
            throw OspreyError("\(name) is not supported (use \(known))")
        }
        if args.contains("-plugin") {
            throw OspreyError("the QEMU arguments already contain -plugin; Osprey adds its own")
        }
        return QemuInvocation(binary: binary, arguments: args, workingDirectory: nil, ownsConsole: false, architecture: arch)
    }

    /// Adds Osprey's plugin with `options` (`key=value` pairs).
    public mutating func addPlugin(_ library: URL, options: [(String, String)]) throws {
        for (k, v) in options where v.contains(",") {
            throw OspreyError("plugin option \(k)=\(v): QEMU splits plugin options at commas; use a path without commas")
        }
        let spec = ([library.path] + options.map { "\($0.0)=\($0.1)" }).joined(separator: ",")
        arguments += ["-plugin", spec]
    }

    /// The command as a shell-quoted line, for messages and logs.
    public var commandLine: String {
        ([binary] + arguments).map(Self.shellQuote).joined(separator: " ")
    }

    static func shellQuote(_ s: String) -> String {
        if !s.isEmpty, s.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=,:+@%".contains($0) }) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
