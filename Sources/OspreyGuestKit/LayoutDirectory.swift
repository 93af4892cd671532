import Foundation

extension InitramfsLayout {
    /// Writes the layout as a real directory tree at `root` (which must not exist yet), for
    /// `mkfs.ext4 -d`: directories, regular files and symlinks with the layout's permission
    /// bits. Device nodes are left out (creating them needs root; the guest's init mounts
    /// devtmpfs on `/dev`). Directory permissions are set last, so a read-only directory
    /// can still be filled.
    func materialize(at root: URL) throws {
        let fm = FileManager.default
        func fail(_ what: String, _ error: Error) -> GuestKitError {
            .io("cannot write \(what) in \(root.path): \(error.localizedDescription)")
        }
        do {
            try fm.createDirectory(at: root, withIntermediateDirectories: false)
        } catch {
            throw fail("the tree", error)
        }
        let entries = try CpioArchive.prepared(Array(entries.values))
        var directories: [(URL, UInt32)] = []
        for entry in entries {
            let url = root.appendingPathComponent(entry.path)
            do {
                switch entry.kind {
                case .directory:
                    try fm.createDirectory(at: url, withIntermediateDirectories: false)
                    directories.append((url, entry.permissions))
                case .file(.bytes(let data)):
                    try data.write(to: url)
                    try setPermissions(entry.permissions, of: url)
                case .file(.file(let source)):
                    try fm.copyItem(at: source, to: url)
                    try setPermissions(entry.permissions, of: url)
                case .symlink(let target):
                    try fm.createSymbolicLink(atPath: url.path, withDestinationPath: target)
                case .characterDevice:
                    continue
                }
            } catch let error as GuestKitError {
                throw error
            } catch {
                throw fail(entry.path, error)
            }
        }
        for (url, permissions) in directories.reversed() {
            try setPermissions(permissions, of: url)
        }
    }

    private func setPermissions(_ permissions: UInt32, of url: URL) throws {
        guard chmod(url.path, mode_t(permissions & 0o7777)) == 0 else {
            throw GuestKitError.io("cannot set the permissions of \(url.path): \(String(cString: strerror(errno)))")
        }
    }
}
