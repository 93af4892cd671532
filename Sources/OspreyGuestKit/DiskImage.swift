import Foundation

/// The root disk of a disk guest: an ext4 file system made from a directory tree without
/// mounting anything (`mkfs.ext4 -d`), then converted to qcow2 (`qemu-img convert`), so
/// the build needs neither root nor loop devices.
enum DiskImage {
    /// The file system label.
    static let label = "osprey-root"
    /// The smallest disk the kit makes when no size is given, in MB (MiB).
    static let minimumSizeMB = 64
    /// The free space the kit leaves when no size is given, in MB.
    static let freeSpaceMB = 32
    /// The largest size accepted, in MB (1 TiB).
    static let maximumSizeMB = 1 << 20

    /// The host programs a disk build runs: `(program, Debian package)`.
    static let tools = [("mkfs.ext4", "e2fsprogs"), ("debugfs", "e2fsprogs"), ("qemu-img", "qemu-utils")]

    /// Fails with ``GuestKitError/missingTool(name:package:)`` unless every tool is installed.
    static func checkTools() throws {
        for (tool, package) in tools { _ = try HostTool.find(tool, package: package) }
    }

    /// What the layout's files take on disk, counted generously: every regular file rounded
    /// up to 4 KiB, and 4 KiB for each directory and symlink. Device nodes take nothing.
    static func footprint(of layout: InitramfsLayout) throws -> Int {
        var total = 0
        for entry in layout.entries.values {
            switch entry.kind {
            case .file(.bytes(let data)): total += roundUp(data.count, 4096)
            case .file(.file(let url)):
                let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue
                guard let size else { throw GuestKitError.io("cannot read the size of \(url.path)") }
                total += roundUp(size, 4096)
            case .directory, .symlink: total += 4096
            case .characterDevice: break
            }
        }
        return total
    }

    /// A generous estimate of ext4's own use of a disk of `sizeMB`: inode tables (one
    /// 256-byte inode per 4 KiB, as `mkfs.ext4` makes small file systems), the journal, and
    /// a margin. `mkfs.ext4` itself has the last word: a tree that does not fit makes it fail.
    static func overheadMB(sizeMB: Int) -> Int {
        sizeMB / 16 + max(4, sizeMB / 32) + 2
    }

    /// The smallest disk, in MB, that holds `footprint` bytes by ``overheadMB(sizeMB:)``
    /// (an estimate for messages: a somewhat smaller disk may still do).
    static func neededMB(footprint: Int) -> Int {
        let dataMB = roundUp(footprint, 1 << 20) >> 20
        var size = max(8, dataMB)
        while size - overheadMB(sizeMB: size) < dataMB { size += 1 }
        return size
    }

    /// The size used when none is given: at least ``minimumSizeMB``, with about
    /// ``freeSpaceMB`` free, a multiple of 8 MB.
    static func automaticSizeMB(footprint: Int) -> Int {
        let dataMB = roundUp(footprint, 1 << 20) >> 20
        var size = max(minimumSizeMB, roundUp(dataMB + freeSpaceMB, 8))
        while size - overheadMB(sizeMB: size) - dataMB < freeSpaceMB { size += 8 }
        return size
    }

    /// Makes `qcow2` (written through a temporary file next to it, then renamed) from the
    /// directory `tree`; `scratch` holds the raw image meanwhile, which is deleted after.
    /// - Parameter neededMB: reported when `mkfs.ext4` runs out of space.
    static func make(tree: URL, sizeMB: Int, neededMB: Int, scratch: URL, qcow2: URL) throws {
        let mkfs = try HostTool.find("mkfs.ext4", package: "e2fsprogs")
        let qemuImg = try HostTool.find("qemu-img", package: "qemu-utils")
        let raw = scratch.appendingPathComponent("disk.raw")
        try? FileManager.default.removeItem(at: raw)
        defer { try? FileManager.default.removeItem(at: raw) }
        let result = try ProcessRunner.run([mkfs, "-q", "-F", "-L", label, "-d", tree.path, raw.path, "\(sizeMB)M"])
        guard result.status == 0 else {
            let output = result.stderrText + result.stdoutText
            if output.contains("Could not allocate") || output.contains("No space left") {
                throw GuestKitError.diskTooSmall(neededMB: max(neededMB, sizeMB + 1), requestedMB: sizeMB)
            }
            throw GuestKitError.toolFailed(command: "mkfs.ext4 -d \(tree.lastPathComponent)", status: result.status, output: output)
        }
        try giveToRoot(raw, paths: try treePaths(tree), scratch: scratch)
        let partial = qcow2.deletingLastPathComponent().appendingPathComponent(".\(qcow2.lastPathComponent).partial")
        try? FileManager.default.removeItem(at: partial)
        defer { try? FileManager.default.removeItem(at: partial) }
        try ProcessRunner.check(
            [qemuImg, "convert", "-q", "-f", "raw", "-O", "qcow2", raw.path, partial.path],
            display: "qemu-img convert -f raw -O qcow2")
        try? FileManager.default.removeItem(at: raw)
        guard rename(partial.path, qcow2.path) == 0 else {
            throw GuestKitError.io("cannot write \(qcow2.path): \(String(cString: strerror(errno)))")
        }
    }

    /// Makes every file of the image owned by root (uid and gid 0), as in an initramfs:
    /// `mkfs.ext4 -d` copies the owners of the tree, which are the builder's when the kit
    /// does not run as root (and then the guest's first non-root user would own `/etc`).
    /// One `debugfs -w` run; paths with a `"`, `\` or line break cannot be quoted for it
    /// and keep their owner.
    static func giveToRoot(_ raw: URL, paths: [String], scratch: URL) throws {
        let debugfs = try HostTool.find("debugfs", package: "e2fsprogs")
        let quotable = paths.filter { !$0.contains(where: { "\"\\\n\r".contains($0) }) }
        let commands = quotable.map { "sif \"\($0)\" uid 0\nsif \"\($0)\" gid 0\n" }.joined()
        let script = scratch.appendingPathComponent("owners.debugfs")
        do {
            try Data(commands.utf8).write(to: script)
        } catch {
            throw GuestKitError.io("cannot write \(script.path): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: script) }
        let result = try ProcessRunner.check([debugfs, "-w", "-f", script.path, raw.path], display: "debugfs -w (owners)")
        // debugfs exits 0 even when a command fails; it says so on stderr after its banner.
        let complaints = result.stderrText.split(separator: "\n").filter { !$0.hasPrefix("debugfs ") }
        if let first = complaints.first {
            throw GuestKitError.toolFailed(command: "debugfs -w (owners)", status: 0, output: String(first))
        }
    }

    /// `/` and every path in the directory `tree`, absolute (as seen in the image).
    static func treePaths(_ tree: URL) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: tree.path) else {
            throw GuestKitError.io("cannot read \(tree.path)")
        }
        var paths = ["/"]
        while let path = walker.nextObject() as? String { paths.append("/" + path) }
        return paths
    }

    private static func roundUp(_ value: Int, _ multiple: Int) -> Int {
        (value + multiple - 1) / multiple * multiple
    }
}
