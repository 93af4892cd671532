import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory lock on a file (`flock(2)`), held for the length of a closure.
///
/// Guest builds share the private apt state under the cache root; two builds at once (two
/// `osprey` commands, or tests building guests in parallel) would otherwise run
/// `apt-get update` on the same lists and one would fail on apt's own lock. `flock` locks
/// belong to the open file description, so two opens in one process exclude each other too.
enum FileLock {
    /// Runs `body` while holding the lock on `file` (created if needed), waiting for it.
    static func withLock<R>(on file: URL, _ body: () throws -> R) throws -> R {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw GuestKitError.io("cannot open the lock file \(file.path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw GuestKitError.io("cannot lock \(file.path): \(String(cString: strerror(errno)))")
            }
        }
        defer { _ = flock(fd, LOCK_UN) }
        return try body()
    }
}
