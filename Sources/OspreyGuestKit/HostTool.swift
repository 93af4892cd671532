import Foundation

/// Finds the host programs the guest kit runs besides apt and dpkg: `mkfs.ext4`, `qemu-img`,
/// and the decompressors of kernel modules. `scripts/setup.sh` installs them all.
enum HostTool {
    /// Directories searched after `PATH`: `mkfs.ext4` lives in `/usr/sbin`, which a non-root
    /// user's `PATH` often lacks on Debian.
    static let extraDirectories = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]

    /// The full path of `name`, or ``GuestKitError/missingTool(name:package:)`` naming the
    /// Debian package that has it.
    static func find(_ name: String, package: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + extraDirectories
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw GuestKitError.missingTool(name: name, package: package)
    }
}
