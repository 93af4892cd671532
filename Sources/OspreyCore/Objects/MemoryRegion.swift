/// One memory region of a process (`vm_area_struct`), as `/proc/PID/maps` shows it.
public struct MemoryRegion: Equatable, Sendable {
    public var start: UInt64
    public var end: UInt64
    /// `vm_flags`, raw.
    public var flags: UInt64
    /// File offset in bytes (`vm_pgoff` pages); 0 for anonymous regions.
    public var offset: UInt64
    /// The mapped file's path, or `[heap]`, `[stack]`, `[vdso]`, `[vvar]`; empty for other
    /// anonymous regions.
    public var path: GuestText
    /// The mapped file's inode number, 0 for anonymous regions.
    public var inode: UInt64
    /// The `struct file` mapped, 0 for anonymous regions.
    public var file: UInt64

    public init(start: UInt64, end: UInt64, flags: UInt64, offset: UInt64, path: GuestText, inode: UInt64, file: UInt64) {
        self.start = start
        self.end = end
        self.flags = flags
        self.offset = offset
        self.path = path
        self.inode = inode
        self.file = file
    }

    /// `VM_READ`, `VM_WRITE`, `VM_EXEC`, `VM_SHARED` (include/linux/mm.h; unchanged since 2.6).
    public static let read: UInt64 = 0x1, write: UInt64 = 0x2, execute: UInt64 = 0x4, shared: UInt64 = 0x8
    /// `VM_DONTEXPAND`: set on the kernel's special mappings (vdso, vvar).
    public static let dontExpand: UInt64 = 0x0004_0000

    /// `r-xp` and the like.
    public var permissions: String {
        (flags & Self.read != 0 ? "r" : "-") + (flags & Self.write != 0 ? "w" : "-") + (flags & Self.execute != 0 ? "x" : "-")
            + (flags & Self.shared != 0 ? "s" : "p")
    }

    /// Whether a file is mapped.
    public var isFileBacked: Bool { file != 0 }
}
