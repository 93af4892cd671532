import Foundation
import OspreyCore

/// Reads a file someone handed over without trusting it (a profile, a manifest, a report): a
/// regular file only (opened without blocking, so a FIFO or device is refused, not waited on;
/// inside a recording also without following a final link), at most `limit` bytes, its size
/// checked before anything is read, so a huge file costs nothing.
public enum BoundedFile {
    /// The whole file, if it has at most `limit` bytes.
    public static func read(_ url: URL, limit: Int, followingLinks: Bool = false) throws(MachineProblem) -> [UInt8] {
        try withOpenFile(url, followingLinks: followingLinks) { fd, size throws(MachineProblem) in
            guard size <= limit else {
                throw MachineProblem(field: "", reason: "is \(size) bytes, more than the \(limit) a file of this kind may have")
            }
            return try readBytes(fd, count: size)
        }
    }

    /// The whole file a user named (links followed), or an error naming it as a `what`.
    public static func read(_ url: URL, limit: Int, what: String) throws(OspreyError) -> [UInt8] {
        do {
            return try read(url, limit: limit, followingLinks: true)
        } catch {
            throw OspreyError("the \(what) \(url.path) \(error.reason)")
        }
    }

    /// The first `count` bytes of the file (fewer if it is shorter) and its size.
    public static func prefix(_ url: URL, count: Int) throws(MachineProblem) -> (bytes: [UInt8], size: Int) {
        try withOpenFile(url) { fd, size throws(MachineProblem) in (try readBytes(fd, count: min(size, count)), size) }
    }

    private static func withOpenFile<R>(
        _ url: URL, followingLinks: Bool = false, _ body: (Int32, Int) throws(MachineProblem) -> R
    ) throws(MachineProblem) -> R {
        let fd = open(url.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | (followingLinks ? 0 : O_NOFOLLOW))
        guard fd >= 0 else { throw MachineProblem(field: "", reason: "cannot be opened (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw MachineProblem(field: "", reason: "is not a regular file")
        }
        return try body(fd, Int(info.st_size))
    }

    private static func readBytes(_ fd: Int32, count: Int) throws(MachineProblem) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(fd, buffer.baseAddress.map { $0 + done }, count - done)
            }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                if n == 0 { break }  // shorter than fstat said
                throw MachineProblem(field: "", reason: "cannot be read (\(String(cString: strerror(errno))))")
            }
            done += n
        }
        return Array(bytes.prefix(done))
    }
}
