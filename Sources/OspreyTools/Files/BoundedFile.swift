import Foundation
import OspreyCore

/// Reads a whole small file that may be hostile (a profile, a report, a manifest someone handed
/// over): only a regular file, and only up to a size checked before reading, so a FIFO, a
/// device or a huge file gives an error naming it instead of a hang or unbounded memory.
public enum BoundedFile {
    /// The bytes of `url`, or an error naming the file: missing, not a regular file, or larger
    /// than `limit` bytes.
    public static func read(_ url: URL, limit: Int, what: String = "file") throws -> [UInt8] {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            throw OspreyError("cannot read the \(what) \(url.path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw OspreyError("the \(what) \(url.path) is not a regular file") }
        guard Int64(info.st_size) <= Int64(limit) else {
            throw OspreyError("the \(what) \(url.path) is \(info.st_size) bytes; a \(what) is at most \(limit) bytes")
        }
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw OspreyError("cannot read the \(what) \(url.path)")
        }
        defer { try? handle.close() }
        // The file may have grown since the stat: never read past the limit.
        let data = (try? handle.read(upToCount: limit + 1)) ?? Data()
        guard data.count <= limit else { throw OspreyError("the \(what) \(url.path) grew past \(limit) bytes while being read") }
        return Array(data)
    }
}
