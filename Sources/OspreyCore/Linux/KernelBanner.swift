/// Finds the kernel's `Linux version ...` banner in guest memory, by scanning forward from an
/// address inside the kernel image (its read-only data follows its code).
public enum KernelBanner {
    static let marker = Array("Linux version ".utf8)

    /// Scans up to `span` bytes from `start` (rounded down to 2 MiB). Unreadable pages are
    /// skipped. Returns the banner without its trailing newline.
    public static func find(near start: UInt64, memory: any GuestMemory, span: UInt64 = 64 << 20) -> String? {
        let base = start & ~UInt64(0x1F_FFFF)
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk + marker.count + 256)
        var offset: UInt64 = 0
        while offset < span {
            let address = base &+ offset
            let ok = buffer.withUnsafeMutableBytes { memory.read(at: GuestAddress(address), into: $0) }
            if ok, let banner = search(buffer) { return banner }
            offset += UInt64(chunk)
        }
        return nil
    }

    /// The first well-formed banner in `bytes`: the marker, a digit, printable text, a newline.
    public static func search(_ bytes: [UInt8]) -> String? {
        var i = 0
        let limit = bytes.count - marker.count - 1
        while i < limit {
            if bytes[i] == marker[0], bytes[i + 1] == marker[1], Array(bytes[i..<i + marker.count]) == marker {
                let digit = bytes[i + marker.count]
                if digit >= 0x30 && digit <= 0x39 {
                    var end = i + marker.count
                    while end < bytes.count, bytes[end] >= 0x20, bytes[end] < 0x7F { end += 1 }
                    if end < bytes.count, bytes[end] == 0x0A, end - i > marker.count + 4 {
                        return String(decoding: bytes[i..<end], as: UTF8.self)
                    }
                }
            }
            i += 1
        }
        return nil
    }
}
