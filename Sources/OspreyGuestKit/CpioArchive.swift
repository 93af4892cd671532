import Foundation

/// One member of a cpio archive. Paths are relative (`usr/bin/busybox`), without `./`.
struct CpioEntry: Equatable {
    enum Content: Equatable {
        case bytes(Data)
        /// Read when the archive is written.
        case file(URL)
    }

    enum Kind: Equatable {
        case directory
        case file(Content)
        case symlink(target: String)
        case characterDevice(major: UInt32, minor: UInt32)
    }

    var path: String
    /// Permission bits (e.g. 0o755); the file type comes from `kind`.
    var permissions: UInt32
    var kind: Kind

    static func directory(_ path: String, permissions: UInt32 = 0o755) -> CpioEntry {
        CpioEntry(path: path, permissions: permissions, kind: .directory)
    }
    static func file(_ path: String, permissions: UInt32 = 0o644, _ content: Content) -> CpioEntry {
        CpioEntry(path: path, permissions: permissions, kind: .file(content))
    }
    static func symlink(_ path: String, to target: String) -> CpioEntry {
        CpioEntry(path: path, permissions: 0o777, kind: .symlink(target: target))
    }
    static func characterDevice(_ path: String, major: UInt32, minor: UInt32, permissions: UInt32 = 0o600) -> CpioEntry {
        CpioEntry(path: path, permissions: permissions, kind: .characterDevice(major: major, minor: minor))
    }

    /// `st_mode`: file type bits plus permissions.
    var mode: UInt32 {
        let type: UInt32 = switch kind {
        case .directory: 0o040000
        case .file: 0o100000
        case .symlink: 0o120000
        case .characterDevice: 0o020000
        }
        return type | (permissions & 0o7777)
    }
}

/// Writes uncompressed cpio "newc" archives (the format the Linux kernel unpacks as an
/// initramfs). Deterministic: entries sorted by path, fixed mtime, uid and gid 0, inode
/// numbers in order. Missing parent directories are added (0755), so parents always
/// precede their children.
enum CpioArchive {
    /// The modification time of every entry (2020-01-01T00:00:00Z).
    static let fixedModificationTime: UInt32 = 1_577_836_800

    /// Normalizes a member path: strips leading `/` and `./`; rejects empty, `.` and `..` parts.
    static func normalize(_ path: String) throws -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        guard !parts.isEmpty, !parts.contains("..") else {
            throw GuestKitError.io("invalid path in initramfs: \(path)")
        }
        return parts.joined(separator: "/")
    }

    /// The entries as they will be written: normalized, parents added, sorted by path.
    static func prepared(_ entries: [CpioEntry]) throws -> [CpioEntry] {
        var byPath: [String: CpioEntry] = [:]
        for var entry in entries {
            entry.path = try normalize(entry.path)
            guard byPath[entry.path] == nil else { throw GuestKitError.io("duplicate initramfs entry \(entry.path)") }
            byPath[entry.path] = entry
        }
        for path in Array(byPath.keys) {
            var parent = RelativePath.parent(path)
            while !parent.isEmpty {
                if let existing = byPath[parent] {
                    guard existing.kind == .directory else {
                        throw GuestKitError.io("initramfs entry \(path) is inside \(parent), which is not a directory")
                    }
                } else {
                    byPath[parent] = .directory(parent)
                }
                parent = RelativePath.parent(parent)
            }
        }
        return byPath.values.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// Writes the archive to `url` and returns its size in bytes.
    @discardableResult
    static func write(_ entries: [CpioEntry], to url: URL) throws -> Int {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        guard let handle = try? FileHandle(forWritingTo: url) else {
            throw GuestKitError.io("cannot write \(url.path)")
        }
        defer { try? handle.close() }
        var size = 0
        try stream(entries) { chunk in
            handle.write(chunk)
            size += chunk.count
        }
        return size
    }

    /// The whole archive in memory (for tests and small archives).
    static func data(_ entries: [CpioEntry]) throws -> Data {
        var result = Data()
        try stream(entries) { result.append($0) }
        return result
    }

    private static func stream(_ entries: [CpioEntry], _ sink: (Data) -> Void) throws {
        var buffer = Data()
        func flushIfLarge() {
            if buffer.count >= 1 << 20 {
                sink(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        var inode: UInt32 = 1
        for entry in try prepared(entries) {
            let body: Data
            switch entry.kind {
            case .directory, .characterDevice: body = Data()
            case .symlink(let target): body = Data(target.utf8)
            case .file(.bytes(let data)): body = data
            case .file(.file(let url)):
                do {
                    body = try Data(contentsOf: url)
                } catch {
                    throw GuestKitError.io("cannot read \(url.path) for the initramfs: \(error.localizedDescription)")
                }
            }
            guard body.count <= Int(UInt32.max) else { throw GuestKitError.io("\(entry.path) is too large for cpio newc") }
            var device: (UInt32, UInt32) = (0, 0)
            if case .characterDevice(let major, let minor) = entry.kind { device = (major, minor) }
            appendHeader(
                to: &buffer, name: entry.path, inode: inode, mode: entry.mode,
                nlink: entry.kind == .directory ? 2 : 1, size: body.count, rdev: device)
            buffer.append(body)
            pad(&buffer)
            inode += 1
            flushIfLarge()
        }
        appendHeader(to: &buffer, name: "TRAILER!!!", inode: 0, mode: 0, nlink: 1, size: 0, rdev: (0, 0), mtime: 0)
        sink(buffer)
    }

    private static func appendHeader(
        to buffer: inout Data, name: String, inode: UInt32, mode: UInt32, nlink: UInt32, size: Int,
        rdev: (UInt32, UInt32), mtime: UInt32 = fixedModificationTime
    ) {
        let nameBytes = Array(name.utf8) + [0]
        let fields: [UInt32] = [
            inode, mode, 0, 0, nlink, mtime, UInt32(truncatingIfNeeded: size),
            0, 0, rdev.0, rdev.1, UInt32(nameBytes.count), 0,
        ]
        var header = "070701"
        for field in fields {
            let hex = String(field, radix: 16)
            header += String(repeating: "0", count: 8 - hex.count) + hex
        }
        buffer.append(contentsOf: Array(header.utf8))
        buffer.append(contentsOf: nameBytes)
        pad(&buffer)
    }

    /// newc aligns headers+names and file data to 4 bytes. The buffer's alignment equals the
    /// archive's, since every flushed chunk ends aligned.
    private static func pad(_ buffer: inout Data) {
        let remainder = buffer.count % 4
        if remainder != 0 { buffer.append(contentsOf: [UInt8](repeating: 0, count: 4 - remainder)) }
    }
}
