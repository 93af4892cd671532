/// Reads guest virtual memory as the current vCPU sees it (its page tables, at this moment).
///
/// Guest memory is untrusted input: every read can fail (unmapped page) and callers must
/// treat the bytes as arbitrary.
public protocol GuestMemory {
    /// Copies `buffer.count` bytes from `address` into `buffer`; false if any byte is unreadable.
    func read(at address: GuestAddress, into buffer: UnsafeMutableRawBufferPointer) -> Bool
}

extension GuestMemory {
    /// Reads a little-endian unsigned integer of `size` bytes (1...8), or nil if unreadable.
    public func readInteger(at address: GuestAddress, size: Int) -> UInt64? {
        precondition(size >= 1 && size <= 8)
        var value: UInt64 = 0
        let ok = withUnsafeMutableBytes(of: &value) { raw in
            read(at: address, into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<size]))
        }
        return ok ? UInt64(littleEndian: value) : nil
    }

    /// Reads a NUL-terminated string of at most `limit` bytes.
    ///
    /// Reads page by page so that a string ending just before an unmapped page is still read.
    /// Returns the bytes before the NUL, and whether the string was cut short (no NUL within
    /// `limit`, or an unreadable page before the NUL). Returns nil if not even the first byte
    /// is readable.
    public func readCString(at address: GuestAddress, limit: Int = 4096) -> (bytes: [UInt8], truncated: Bool)? {
        var result: [UInt8] = []
        var cursor = address.rawValue
        let chunkLimit = 256
        while result.count < limit {
            let toPageEnd = Int(4096 - (cursor & 4095))
            let want = min(chunkLimit, toPageEnd, limit - result.count)
            var chunk = [UInt8](repeating: 0, count: want)
            let ok = chunk.withUnsafeMutableBytes { read(at: GuestAddress(cursor), into: $0) }
            if !ok {
                return result.isEmpty && cursor == address.rawValue ? nil : (result, true)
            }
            if let nul = chunk.firstIndex(of: 0) {
                result.append(contentsOf: chunk[..<nul])
                return (result, false)
            }
            result.append(contentsOf: chunk)
            cursor &+= UInt64(want)
        }
        return (result, true)
    }
}
