/// When a piece of guest memory was read: at the call's entry (what the caller passed) or at
/// its exit (what the kernel wrote).
public enum CaptureMoment: UInt8, Sendable {
    case entry, exit
}

/// Guest memory behind one argument of a call, read at the moment its kind calls for.
public struct CapturedArgument: Sendable, Equatable {
    /// Argument index 0-5, or ``CapturedArgument/signalFrame`` for `rt_sigreturn`'s frame.
    public var slot: Int
    public var moment: CaptureMoment
    public var value: CapturedValue

    /// The slot of the signal frame `rt_sigreturn` restores (it has no argument of its own).
    public static let signalFrame = 6

    public init(slot: Int, moment: CaptureMoment, value: CapturedValue) {
        self.slot = slot
        self.moment = moment
        self.value = value
    }
}

/// What was read.
public enum CapturedValue: Sendable, Equatable {
    /// The first bytes of a buffer or struct (at most the capture limit for buffers).
    case bytes([UInt8])
    /// A NULL-terminated array of strings (argv): the first strings, each cut at the limit
    /// plus one byte (so a longer one shows as longer), and how many elements it has in all.
    case strings([[UInt8]], count: Int)
    /// An array of `struct iovec`: each element's base, length and first bytes.
    case iovecs([CapturedIOVec])
    /// `getdents`/`getdents64`: the number of directory entries the kernel returned.
    case entries(Int)
    /// `rt_sigreturn`: the signal mask and the result register the frame restores.
    case signalFrame(mask: UInt64, result: UInt64)
    /// The memory could not be read (unmapped, or not paged in).
    case unreadable
}

/// One element of an iovec array.
public struct CapturedIOVec: Sendable, Equatable {
    public var base: UInt64
    public var length: UInt64
    public var bytes: [UInt8]

    public init(base: UInt64, length: UInt64, bytes: [UInt8]) {
        self.base = base
        self.length = length
        self.bytes = bytes
    }
}
