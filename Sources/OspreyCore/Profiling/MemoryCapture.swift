/// Records the guest bytes profile tests read at one stop, so the stop can be replayed
/// offline (engine fixtures, bug reports): only the bytes actually looked at are kept, with
/// the pages that could not be read.
///
/// ``StopMemory`` reports each page it fetches and each range it hands out; the capture keeps
/// the page contents as fetched and a bitmap of the bytes touched. Not thread-safe: one stop
/// at a time.
public final class MemoryCapture {
    /// A page as captured: unreadable, or the runs of bytes that were touched.
    public struct Page: Equatable, Sendable {
        public var number: UInt64
        /// nil when the page could not be read.
        public var runs: [(offset: Int, bytes: [UInt8])]?

        public init(number: UInt64, runs: [(offset: Int, bytes: [UInt8])]?) {
            self.number = number
            self.runs = runs
        }

        public static func == (a: Page, b: Page) -> Bool {
            guard a.number == b.number else { return false }
            switch (a.runs, b.runs) {
            case (nil, nil): return true
            case let (x?, y?): return x.count == y.count && zip(x, y).allSatisfy { $0.offset == $1.offset && $0.bytes == $1.bytes }
            default: return false
            }
        }
    }

    private var contents: [UInt64: [UInt8]?] = [:]
    private var touched: [UInt64: [UInt64]] = [:]

    public init() {}

    /// A page was fetched (nil: unreadable).
    func fetched(page number: UInt64, bytes: [UInt8]?) {
        if contents[number] == nil { contents[number] = .some(bytes) }
    }

    /// `count` bytes from `address` were handed to a test.
    func touch(_ address: UInt64, count: Int) {
        var cursor = address
        var left = count
        while left > 0 {
            let page = cursor >> 12
            let offset = Int(cursor & 0xFFF)
            let take = min(left, 4096 - offset)
            var bits = touched[page] ?? [UInt64](repeating: 0, count: 64)
            for i in offset..<offset + take { bits[i >> 6] |= 1 << UInt64(i & 63) }
            touched[page] = bits
            cursor &+= UInt64(take)
            left -= take
        }
    }

    /// The captured pages in address order, and forgets them (ready for the next stop).
    public func take() -> [Page] {
        var out: [Page] = []
        for number in contents.keys.sorted() {
            guard let bytes = contents[number] ?? nil else {
                out.append(Page(number: number, runs: nil))
                continue
            }
            guard let bits = touched[number] else { continue }
            var runs: [(offset: Int, bytes: [UInt8])] = []
            var i = 0
            while i < 4096 {
                guard bits[i >> 6] & (1 << UInt64(i & 63)) != 0 else { i += 1; continue }
                var end = i
                while end < 4096, bits[end >> 6] & (1 << UInt64(end & 63)) != 0 { end += 1 }
                runs.append((i, Array(bytes[i..<end])))
                i = end
            }
            out.append(Page(number: number, runs: runs))
        }
        contents = [:]
        touched = [:]
        return out
    }
}

/// Guest memory replayed from a capture: the captured bytes (the rest of a captured page reads
/// as zero, which a replay of the same stop never looks at), and nothing else.
public struct CapturedMemory: GuestMemory {
    private var pages: [UInt64: [UInt8]] = [:]

    public init(_ captured: [MemoryCapture.Page]) {
        for page in captured {
            guard let runs = page.runs else { continue }
            var bytes = [UInt8](repeating: 0, count: 4096)
            for run in runs where run.offset >= 0 && run.bytes.count <= 4096 && run.offset <= 4096 - run.bytes.count {
                bytes.replaceSubrange(run.offset..<run.offset + run.bytes.count, with: run.bytes)
            }
            pages[page.number] = bytes
        }
    }

    public func read(at address: GuestAddress, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        var cursor = address.rawValue
        var done = 0
        while done < buffer.count {
            guard let page = pages[cursor >> 12] else { return false }
            let offset = Int(cursor & 0xFFF)
            let take = min(buffer.count - done, 4096 - offset)
            for i in 0..<take { buffer[done + i] = page[offset + i] }
            done += take
            cursor &+= UInt64(take)
        }
        return true
    }
}
