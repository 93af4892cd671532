import Foundation

/// Why a guest could not be built. `description` is a complete sentence for the user.
public enum GuestKitError: Error, CustomStringConvertible, Equatable {
    /// The request itself is inconsistent (e.g. both or neither of kernel package and file).
    case invalidRequest(String)
    /// A package is in none of the suites of the private apt configuration.
    case packageNotFound(name: String, architecture: String, suites: [String])
    /// An external tool (apt-get, apt-cache, dpkg-deb, tar) failed.
    case toolFailed(command: String, status: Int32, output: String)
    /// The kernel image could not be found, read or identified.
    case kernel(String)
    /// Shared libraries needed by a program could not be found in the unpacked packages.
    case missingLibraries(program: String, libraries: [String])
    /// A file could not be parsed (ELF, control data, guest description).
    case malformed(file: String, reason: String)
    /// A file system operation failed.
    case io(String)

    public var description: String {
        switch self {
        case .invalidRequest(let message):
            return message
        case .packageNotFound(let name, let architecture, let suites):
            return "package \(name) (\(architecture)) not found in \(suites.joined(separator: ", "))"
        case .toolFailed(let command, let status, let output):
            let trimmed = output.trimmingCharacters(in: .whitespacesAndNewlines)
            let tail = trimmed.split(separator: "\n").suffix(8).joined(separator: "\n")
            return "\(command) failed (exit status \(status))" + (tail.isEmpty ? "" : ":\n\(tail)")
        case .kernel(let message):
            return message
        case .missingLibraries(let program, let libraries):
            return "cannot find shared libraries needed by \(program): \(libraries.joined(separator: ", "))"
        case .malformed(let file, let reason):
            return "\(file): \(reason)"
        case .io(let message):
            return message
        }
    }
}
