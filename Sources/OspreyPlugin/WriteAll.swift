#if canImport(Glibc)
import Glibc
#endif

/// Writes all of `bytes` to `fd` with write(2), retrying after EINTR and short writes.
/// Returns 0, or the errno that stopped it (EIO if write(2) made no progress).
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
    guard let base = bytes.baseAddress else { return 0 }
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, base + offset, bytes.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            return errno
        }
        if n == 0 { return EIO }
        offset += n
    }
    return 0
}
