/// What a descriptor refers to, as `/proc/PID/fd` tells them apart.
public enum OpenFileKind: String, Sendable {
    /// A file, directory or device with a path in the process's file system tree.
    case file
    case pipe
    case socket
    /// An anonymous inode (`eventpoll`, `eventfd`, `signalfd`, `timerfd`, ...).
    case anonymous
    /// Another pseudo file system's file.
    case other
}

/// One open descriptor of a process (`files_struct` -> `fdtable` -> `struct file`).
public struct OpenFile: Equatable, Sendable {
    public var fd: Int
    /// The `struct file` address: the same open file description when shared (dup, fork).
    public var file: UInt64
    /// The name `/proc/PID/fd/N` links to: an absolute path, `pipe:[INODE]`, `socket:[INODE]`,
    /// `anon_inode:[eventpoll]`.
    public var path: GuestText
    public var kind: OpenFileKind
    /// The inode number, when readable.
    public var inode: UInt64?
    /// `f_flags` (the open flags) and `f_pos`, when readable.
    public var flags: UInt32?
    public var position: UInt64?

    public init(
        fd: Int, file: UInt64, path: GuestText, kind: OpenFileKind, inode: UInt64? = nil, flags: UInt32? = nil,
        position: UInt64? = nil
    ) {
        self.fd = fd
        self.file = file
        self.path = path
        self.kind = kind
        self.inode = inode
        self.flags = flags
        self.position = position
    }
}
