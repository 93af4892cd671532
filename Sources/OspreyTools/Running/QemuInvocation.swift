import Foundation
import OspreyCore
import OspreyGuestKit

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

    /// The invocation that boots a guest directory made by `osprey guest build`.
    public static func guest(at directory: URL) throws -> QemuInvocation {
        let description: GuestDescription
        do {
            description = try GuestDescription.load(from: directory)
        } catch {
            throw OspreyError("\(directory.path) is not a guest directory (no readable guest.json): \(error)")
        }
        guard let arch = Architecture(rawValue: description.architecture) else {
            throw OspreyError("guest \(directory.path) has unsupported architecture \(description.architecture)")
        }
        var args = description.qemuArgs
        args += ["-serial", "stdio", "-monitor", "none"]
        return QemuInvocation(
            binary: description.qemuBinary, arguments: args, workingDirectory: directory.standardizedFileURL,
            ownsConsole: true, architecture: arch)
    }

    /// The invocation for a user's own QEMU arguments (`osprey trace -- ARGS`). The first
    /// argument may name the QEMU binary (`qemu-system-x86_64 ...`); otherwise `architecture`
    /// picks it.
    public static func user(arguments: [String], architecture: Architecture?) throws -> QemuInvocation {
        var args = arguments
        var binary: String
        if let first = args.first, URL(fileURLWithPath: first).lastPathComponent.hasPrefix("qemu-system-") {
            binary = first
            args.removeFirst()
        } else {
            binary = (architecture ?? .x86_64) == .x86_64 ? "qemu-system-x86_64" : "qemu-system-aarch64"
        }
        let name = URL(fileURLWithPath: binary).lastPathComponent
        let arch: Architecture
        switch name {
        case "qemu-system-x86_64": arch = .x86_64
        case "qemu-system-aarch64": arch = .aarch64
        default: throw OspreyError("\(name) is not supported (use qemu-system-x86_64 or qemu-system-aarch64)")
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
