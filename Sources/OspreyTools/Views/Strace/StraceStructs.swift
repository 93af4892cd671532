import OspreyCore

// MARK: - File status, time, limits, system name, poll sets

extension StraceRender {
    /// The kernel's `struct stat` (`fstat`, `newfstatat`, `stat`, `lstat`) as strace prints it
    /// without `-v`: `{st_mode=S_IFREG|0644, st_size=5, ...}`,
    /// `{st_mode=S_IFDIR|S_ISVTX|0777, st_size=340, ...}`, and for character and block devices
    /// `{st_mode=S_IFCHR|0600, st_rdev=makedev(0x5, 0x1), ...}` (no size then).
    ///
    /// Layouts (`arch/x86/include/uapi/asm/stat.h`, `include/uapi/asm-generic/stat.h`):
    /// x86-64 is 144 bytes with `st_mode` (u32) at 24, `st_rdev` at 40 and `st_size` at 48;
    /// AArch64 uses the generic 128-byte struct with `st_mode` at 16, `st_rdev` at 32 and
    /// `st_size` at 48; i386's `struct stat` is 64 bytes with a 16-bit `st_mode` at 8 and 32-bit
    /// `st_rdev` and `st_size` at 16 and 20 (i386's `stat64` calls use ``stat64(_:)``).
    public static func stat(_ b: [UInt8], abi: SyscallABI) -> String? {
        let r = StraceBytes(b)
        let mode: UInt32, rdev: UInt64, size: UInt64
        switch abi {
        case .x86_64:
            guard r.count >= 144, let m = r.u32(24), let d = r.u64(40), let s = r.u64(48) else { return nil }
            (mode, rdev, size) = (m, d, s)
        case .aarch64:
            guard r.count >= 128, let m = r.u32(16), let d = r.u64(32), let s = r.u64(48) else { return nil }
            (mode, rdev, size) = (m, d, s)
        case .i386:
            guard r.count >= 64, let m = r.u16(8), let d = r.u32(16), let s = r.u32(20) else { return nil }
            (mode, rdev, size) = (UInt32(m), UInt64(d), UInt64(s))
        }
        return statForm(mode: mode, rdev: rdev, size: size)
    }

    /// i386's `struct stat64` (`fstat64`, `fstatat64`, `stat64`, `lstat64`; 96 bytes, packed: `st_mode` at 16,
    /// `st_rdev` at 32, `st_size` at 44) in the same form as ``stat(_:abi:)``.
    public static func stat64(_ b: [UInt8]) -> String? {
        let r = StraceBytes(b)
        guard r.count >= 96, let mode = r.u32(16), let rdev = r.u64(32), let size = r.u64(44) else { return nil }
        return statForm(mode: mode, rdev: rdev, size: size)
    }

    static func statForm(mode: UInt32, rdev: UInt64, size: UInt64) -> String {
        let type = mode & 0o170000
        let last = type == 0o020000 || type == 0o060000 ? "st_rdev=" + StraceConstants.device(rdev) : "st_size=\(size)"
        return "{st_mode=\(StraceConstants.fileMode(mode)), \(last), ...}"
    }

    /// `struct statx` (256 bytes) as strace prints it without `-v`:
    /// `{stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=5, ...}`.
    /// `stx_mode` appears only when the mask has `STATX_TYPE` or `STATX_MODE`, `stx_size` only with
    /// `STATX_SIZE`.
    public static func statx(_ b: [UInt8]) -> String? {
        let r = StraceBytes(b)
        guard r.count >= 256, let mask = r.u32(0), let attributes = r.u64(8), let mode = r.u16(28),
              let size = r.u64(40) else { return nil }
        var text = "{stx_mask=\(StraceConstants.statxMask(UInt64(mask))), stx_attributes=\(StraceConstants.statxAttributes(attributes))"
        if mask & 0x3 != 0 { text += ", stx_mode=" + StraceConstants.fileMode(UInt32(mode)) }
        if mask & 0x200 != 0 { text += ", stx_size=\(size)" }
        return text + ", ...}"
    }

    /// A 64-bit `struct timespec` (`__kernel_timespec`: `tv_sec` and `tv_nsec`, 8 bytes each) as
    /// strace prints it: `{tv_sec=3, tv_nsec=103193950}`. `tv_sec` is signed, `tv_nsec` unsigned.
    public static func timespec(_ b: [UInt8]) -> String? {
        let r = StraceBytes(b)
        guard let sec = r.i64(0), let nsec = r.u64(8) else { return nil }
        return "{tv_sec=\(sec), tv_nsec=\(nsec)}"
    }

    /// i386's 32-bit `struct timespec` (old `clock_gettime`, `nanosleep`): same form as
    /// ``timespec(_:)`` from two 4-byte fields (`tv_nsec` unsigned 32-bit).
    public static func timespec32(_ b: [UInt8]) -> String? {
        let r = StraceBytes(b)
        guard let sec = r.i32(0), let nsec = r.u32(4) else { return nil }
        return "{tv_sec=\(sec), tv_nsec=\(nsec)}"
    }

    /// A 64-bit `struct rlimit` (`prlimit64`, and `getrlimit`/`setrlimit` on 64-bit guests) as
    /// strace prints it: `{rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}`. A limit above 1024
    /// that is a multiple of 1024 is shown as `N*1024`; all ones as `RLIM64_INFINITY`.
    public static func rlimit(_ b: [UInt8]) -> String? {
        let r = StraceBytes(b)
        guard let cur = r.u64(0), let max = r.u64(8) else { return nil }
        return rlimitText(cur, max, infinity: UInt64.max, named: "RLIM64_INFINITY")
    }

    /// i386's 32-bit `struct rlimit` (`getrlimit`, `setrlimit`): like ``rlimit(_:)`` with
    /// `RLIM_INFINITY` for all ones.
    public static func rlimit32(_ b: [UInt8]) -> String? {
        let r = StraceBytes(b)
        guard let cur = r.u32(0), let max = r.u32(4) else { return nil }
        return rlimitText(UInt64(cur), UInt64(max), infinity: UInt64(UInt32.max), named: "RLIM_INFINITY")
    }

    private static func rlimitText(_ cur: UInt64, _ max: UInt64, infinity: UInt64, named: String) -> String {
        func limit(_ v: UInt64) -> String {
            if v == infinity { return named }
            return v > 1024 && v % 1024 == 0 ? "\(v / 1024)*1024" : String(v)
        }
        return "{rlim_cur=\(limit(cur)), rlim_max=\(limit(max))}"
    }

    /// `struct utsname` (six 65-byte fields, 390 bytes) as strace prints it without `-v`:
    /// `{sysname="Linux", nodename="(none)", ...}`.
    public static func utsname(_ b: [UInt8]) -> String? {
        guard b.count >= 6 * 65 else { return nil }
        let sysname = cStringField(Array(b[0..<65]))
        let nodename = cStringField(Array(b[65..<130]))
        return "{sysname=\(sysname), nodename=\(nodename), ...}"
    }

    /// The `struct pollfd` array `poll`/`ppoll` take (`fd` i32, `events` and `revents` i16;
    /// 8 bytes each) as strace prints it on entry: `[{fd=0, events=POLLIN}, {fd=4, events=POLLIN}]`,
    /// a negative fd as `{fd=-1}`, `[]` for none, and after `limit` entries `, ...`.
    /// Nil when the bytes do not hold the entries shown.
    public static func pollfds(_ b: [UInt8], count: Int, limit: Int = 32) -> String? {
        guard count >= 0 else { return nil }
        let shown = min(count, max(0, limit))
        let r = StraceBytes(b)
        var items: [String] = []
        for i in 0..<shown {
            guard let fd = r.i32(8 * i), let events = r.u16(8 * i + 4) else { return nil }
            items.append(fd < 0 ? "{fd=\(fd)}" : "{fd=\(fd), events=\(StraceConstants.pollEvents(Int(events)))}")
        }
        if count > shown { items.append("...") }
        return "[" + items.joined(separator: ", ") + "]"
    }

    /// The `revents` strace appends to a successful `poll`/`ppoll` result (` = 1 ([{fd=0,
    /// revents=POLLIN}])`): only the entries whose `revents` is not zero,
    /// `[{fd=0, revents=POLLIN|POLLHUP}]`, cut with `...` after `limit` of them or when the text
    /// would pass strace's 1 KiB buffer. Nil when no entry has events (strace adds nothing
    /// then) or when the bytes do not hold `count` entries.
    public static func pollRevents(_ b: [UInt8], count: Int, limit: Int = 32) -> String? {
        guard count >= 0 else { return nil }
        let r = StraceBytes(b)
        var text = ""
        var printed = 0
        for i in 0..<count {
            guard let fd = r.i32(8 * i), let revents = r.u16(8 * i + 6) else { return nil }
            if revents == 0 { continue }
            text += text.isEmpty ? "[" : ", "
            if printed + 1 > max(0, limit) {
                text += "..."
                break
            }
            let head = "{fd=\(fd), revents=", flags = StraceConstants.pollEvents(Int(revents))
            // strace's buffer is 1024 bytes and keeps room for a pointer and ", ], ...".
            if text.utf8.count + head.utf8.count + flags.utf8.count + 1 >= 1024 - (2 + 2 * 8 + 9) {
                text += "..."
                break
            }
            text += head + flags + "}"
            printed += 1
        }
        return text.isEmpty ? nil : text + "]"
    }
}
