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
    /// A host program the build needs is not installed.
    case missingTool(name: String, package: String)
    /// A kernel module needed to reach a disk guest's root file system is neither in the
    /// kernel package (`source`) nor built into the kernel; `neededBy` is nil for a root.
    case missingModule(name: String, neededBy: String?, source: String)
    /// Kernel modules that depend on each other in a circle (the first name repeats last).
    case moduleCycle([String])
    /// The guest's files do not fit in a disk of the requested size.
    case diskTooSmall(neededMB: Int, requestedMB: Int)

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
        case .missingTool(let name, let package):
            return "\(name) is not installed (Debian package \(package)): run scripts/setup.sh"
        case .missingModule(let name, let neededBy, let source):
            let role = neededBy.map { "needed by \($0)" } ?? "needed to reach the disk"
            return "kernel module \(name) (\(role)) is neither in \(source) nor built into the kernel"
        case .moduleCycle(let names):
            return "kernel modules depend on each other in a circle: \(names.joined(separator: " -> "))"
        case .diskTooSmall(let neededMB, let requestedMB):
            return "the guest's files need a disk of about \(neededMB) MB; --disk-size \(requestedMB) is too small "
                + "(leave --disk-size out to get one with about 32 MB free)"
        }
    }
}
