/// Guest memory as seen at one stop, read page by page and cached for the stop's duration:
/// profile tests read the same structures many times while they enumerate candidates.
///
/// Guest memory is untrusted: every accessor returns nil when a byte is unreadable.
public final class StopMemory {
    private let memory: any GuestMemory
    private var pages: [UInt64: [UInt8]?] = [:]
    private let pageLimit: Int
    /// Pages fetched from the guest at this stop (for statistics).
    public private(set) var fetches = 0
    /// Records what is read, when capturing stops.
    private let capture: MemoryCapture?

    public init(_ memory: any GuestMemory, pageLimit: Int = 8192, capture: MemoryCapture? = nil) {
        self.memory = memory
        self.pageLimit = pageLimit
        self.capture = capture
    }

    private func page(_ number: UInt64) -> [UInt8]? {
        if let cached = pages[number] { return cached }
        guard pages.count < pageLimit else { return nil }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let ok = bytes.withUnsafeMutableBytes { memory.read(at: GuestAddress(number << 12), into: $0) }
        fetches += 1
        let value: [UInt8]? = ok ? bytes : nil
        pages[number] = value
        capture?.fetched(page: number, bytes: value)
        return value
    }

    /// Reads `size` (1...8) bytes little-endian at `address`.
    public func integer(at address: UInt64, size: Int) -> UInt64? {
        capture?.touch(address, count: size)
        let offset = Int(address & 0xFFF)
        if offset + size <= 4096 {
            guard let bytes = page(address >> 12) else { return nil }
            var value: UInt64 = 0
            for i in stride(from: size - 1, through: 0, by: -1) { value = value << 8 | UInt64(bytes[offset + i]) }
            return value
        }
        var value: UInt64 = 0
        for i in stride(from: size - 1, through: 0, by: -1) {
            guard let b = byte(at: address &+ UInt64(i)) else { return nil }
            value = value << 8 | UInt64(b)
        }
        return value
    }

    public func byte(at address: UInt64) -> UInt8? {
        capture?.touch(address, count: 1)
        return page(address >> 12).map { $0[Int(address & 0xFFF)] }
    }

    public func u64(_ address: UInt64) -> UInt64? { integer(at: address, size: 8) }
    public func u32(_ address: UInt64) -> UInt32? { integer(at: address, size: 4).map { UInt32($0) } }
    public func u16(_ address: UInt64) -> UInt16? { integer(at: address, size: 2).map { UInt16($0) } }

    /// `count` bytes at `address`.
    public func bytes(at address: UInt64, count: Int) -> [UInt8]? {
        capture?.touch(address, count: count)
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var cursor = address
        while out.count < count {
            guard let bytes = page(cursor >> 12) else { return nil }
            let offset = Int(cursor & 0xFFF)
            let take = min(4096 - offset, count - out.count)
            out.append(contentsOf: bytes[offset..<offset + take])
            cursor &+= UInt64(take)
        }
        return out
    }

    /// A NUL-terminated string of at most `limit` bytes; nil if unreadable or unterminated.
    public func cString(at address: UInt64, limit: Int = 256) -> [UInt8]? {
        var out: [UInt8] = []
        var cursor = address
        while out.count < limit {
            guard let b = byte(at: cursor) else { return nil }
            if b == 0 { return out }
            out.append(b)
            cursor &+= 1
        }
        return nil
    }
}
