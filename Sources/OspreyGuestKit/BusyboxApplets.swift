/// Which busybox applets get a symlink in the guest. Busybox cannot run on the host for
/// every guest architecture (`busybox --list`), so the names are read from the binary's
/// applet name table: a sorted, NUL-separated list starting `[`, `[[`, then lowercase names. When that table is not
/// found, a fixed list of common applets is used.
enum BusyboxApplets {
    /// Applets conventionally in `/usr/sbin` rather than `/usr/bin`.
    static let sbinApplets: Set<String> = [
        "adjtimex", "arp", "blockdev", "brctl", "chroot", "depmod", "devmem", "fdisk", "freeramdisk",
        "fsck", "getty", "halt", "hwclock", "ifconfig", "ifdown", "ifup", "init", "insmod", "ip",
        "ipneigh", "klogd", "loadkmap", "losetup", "lsmod", "mdev", "mkdosfs", "mke2fs", "mkfs.ext2",
        "mkfs.vfat", "mkswap", "modinfo", "modprobe", "nameif", "pivot_root", "poweroff", "reboot",
        "rmmod", "route", "run-init", "setconsole", "slattach", "start-stop-daemon", "sulogin",
        "swapoff", "swapon", "switch_root", "sysctl", "syslogd", "tunctl", "udhcpc", "udhcpd",
        "vconfig", "watchdog",
    ]

    /// Used when the binary's name table cannot be read.
    static let fallback: [String] = [
        "[", "[[", "ash", "awk", "base64", "basename", "cat", "chgrp", "chmod", "chown", "chroot",
        "clear", "cmp", "cp", "cpio", "cut", "date", "dd", "df", "diff", "dirname", "dmesg", "du",
        "echo", "egrep", "env", "expr", "false", "fgrep", "find", "free", "grep", "gunzip", "gzip",
        "halt", "head", "hexdump", "hostname", "id", "ifconfig", "init", "ip", "kill", "killall",
        "less", "ln", "ls", "md5sum", "mkdir", "mkfifo", "mknod", "mktemp", "more", "mount", "mv",
        "nc", "nproc", "od", "pidof", "ping", "poweroff", "printf", "ps", "pwd", "readlink",
        "reboot", "realpath", "rm", "rmdir", "route", "sed", "seq", "sh", "sha256sum", "sleep",
        "sort", "stat", "strings", "stty", "sync", "sysctl", "tail", "tar", "tee", "test", "time",
        "timeout", "top", "touch", "tr", "true", "umount", "uname", "uniq", "uptime", "usleep", "vi",
        "watch", "wc", "wget", "which", "xargs", "yes", "zcat",
    ]

    /// Applet names from a busybox binary's name table, or nil when it is not found.
    static func names(inBinary bytes: [UInt8]) -> [String]? {
        let start: [UInt8] = [0x5B, 0, 0x5B, 0x5B, 0]  // "[\0[[\0", then the first real name
        guard bytes.count > start.count + 1 else { return nil }
        var index = 0
        let last = bytes.count - start.count - 1
        while index <= last {
            if bytes[index] == 0x5B, bytes[index + 1] == 0, Array(bytes[index..<index + start.count]) == start,
                bytes[index + start.count] >= 0x61, bytes[index + start.count] <= 0x7A,
                let names = readTable(bytes, from: index), names.count >= 20
            {
                return names
            }
            index += 1
        }
        return nil
    }

    private static func readTable(_ bytes: [UInt8], from offset: Int) -> [String]? {
        var names: [String] = []
        var position = offset
        while position < bytes.count {
            guard let end = bytes[position...].firstIndex(of: 0), end > position else { break }
            let word = bytes[position..<end]
            guard word.count <= 32, word.allSatisfy(isAppletNameByte) else { break }
            let name = String(decoding: word, as: UTF8.self)
            // The table is sorted; a name out of order means we ran past its end.
            if let previous = names.last, !(previous < name) { break }
            names.append(name)
            position = end + 1
        }
        return names.count >= 2 ? names : nil
    }

    private static func isAppletNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x5B
    }

    /// The initramfs path of an applet's symlink.
    static func linkPath(for applet: String) -> String {
        (sbinApplets.contains(applet) ? "usr/sbin/" : "usr/bin/") + applet
    }
}
