// MARK: - Terminal structs: termios, winsize

extension StraceRender {
    /// The kernel's `struct termios` (`TCGETS`, `TCSETS*`: four u32 flag words, `c_line`,
    /// `c_cc[19]`; 36 bytes, the same on x86-64 and AArch64) as strace prints it without `-v`:
    /// `{c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR,
    /// c_cflag=B9600|CS8|CREAD|HUPCL|CLOCAL, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}`.
    ///
    /// As strace does, `c_oflag` always names the six delay fields and `c_cflag` the speed and
    /// character size, each followed by `|`, so with no other bits the text ends in `|`
    /// (`c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|`); `c_iflag` and `c_lflag` with no bits are empty.
    public static func termios(_ b: [UInt8]) -> String? {
        let r = StraceBytes(b)
        guard r.count >= 36, let iflag = r.u32(0), let oflag = r.u32(4), let cflag = r.u32(8), let lflag = r.u32(12) else {
            return nil
        }
        return "{c_iflag=\(StraceTermios.iflag(UInt64(iflag))), c_oflag=\(StraceTermios.oflag(UInt64(oflag))), "
            + "c_cflag=\(StraceTermios.cflag(UInt64(cflag))), c_lflag=\(StraceTermios.lflag(UInt64(lflag))), ...}"
    }

    /// `struct winsize` (`TIOCGWINSZ`, `TIOCSWINSZ`: four u16) as strace prints it:
    /// `{ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}`.
    public static func winsize(_ b: [UInt8]) -> String? {
        let r = StraceBytes(b)
        guard let row = r.u16(0), let col = r.u16(2), let x = r.u16(4), let y = r.u16(6) else { return nil }
        return "{ws_row=\(row), ws_col=\(col), ws_xpixel=\(x), ws_ypixel=\(y)}"
    }
}

/// strace's termios flag tables (`src/xlat/term_*.in`, values from `asm-generic/termbits.h`).
enum StraceTermios {
    typealias Table = StraceXlat.Table

    static func iflag(_ v: UInt64) -> String { StraceXlat.flags(v, iflags, nil) }
    static func lflag(_ v: UInt64) -> String { StraceXlat.flags(v, lflags, nil) }

    static func oflag(_ v: UInt64) -> String {
        var rest = v
        var text = ""
        for (table, mask, dflt) in delays {
            text += StraceXlat.value(rest & mask, table, dflt) + "|"
            rest &= ~mask
        }
        return text + StraceXlat.flags(rest, oflags, nil)
    }

    static func cflag(_ v: UInt64) -> String {
        let cbaud: UInt64 = 0o010017, cibaud: UInt64 = 0o02003600000, csize: UInt64 = 0o60
        var text = StraceXlat.value(v & cbaud, bauds, "B???") + "|"
        if v & cibaud != 0 { text += StraceXlat.value((v & cibaud) >> 16, bauds, "B???") + "<<IBSHIFT|" }
        text += StraceXlat.value(v & csize, [(0, "CS5"), (0o20, "CS6"), (0o40, "CS7"), (0o60, "CS8")], "CS?") + "|"
        return text + StraceXlat.flags(v & ~(cbaud | cibaud | csize), cflags, nil)
    }

    static let iflags: Table = [
        (0o1, "IGNBRK"), (0o2, "BRKINT"), (0o4, "IGNPAR"), (0o10, "PARMRK"), (0o20, "INPCK"), (0o40, "ISTRIP"),
        (0o100, "INLCR"), (0o200, "IGNCR"), (0o400, "ICRNL"), (0o1000, "IUCLC"), (0o2000, "IXON"), (0o4000, "IXANY"),
        (0o10000, "IXOFF"), (0o20000, "IMAXBEL"), (0o40000, "IUTF8"),
    ]
    static let oflags: Table = [
        (0o1, "OPOST"), (0o2, "OLCUC"), (0o4, "ONLCR"), (0o10, "OCRNL"), (0o20, "ONOCR"), (0o40, "ONLRET"),
        (0o100, "OFILL"), (0o200, "OFDEL"),
    ]
    static let delays: [(Table, UInt64, String)] = [
        ([(0, "NL0"), (0o400, "NL1")], 0o400, "NL?"),
        ([(0, "CR0"), (0o1000, "CR1"), (0o2000, "CR2"), (0o3000, "CR3")], 0o3000, "CR?"),
        ([(0o14000, "XTABS"), (0, "TAB0"), (0o4000, "TAB1"), (0o10000, "TAB2")], 0o14000, "TAB?"),
        ([(0o20000, "BS1"), (0, "BS0")], 0o20000, "BS?"),
        ([(0, "VT0"), (0o40000, "VT1")], 0o40000, "VT?"),
        ([(0, "FF0"), (0o100000, "FF1")], 0o100000, "FF?"),
    ]
    static let cflags: Table = [
        (0o100, "CSTOPB"), (0o200, "CREAD"), (0o400, "PARENB"), (0o1000, "PARODD"), (0o2000, "HUPCL"),
        (0o4000, "CLOCAL"), (0o10000000000, "CMSPAR"), (0o20000000000, "CRTSCTS"),
    ]
    static let lflags: Table = [
        (0o1, "ISIG"), (0o2, "ICANON"), (0o4, "XCASE"), (0o10, "ECHO"), (0o20, "ECHOE"), (0o40, "ECHOK"),
        (0o100, "ECHONL"), (0o200, "NOFLSH"), (0o100000, "IEXTEN"), (0o1000, "ECHOCTL"), (0o2000, "ECHOPRT"),
        (0o4000, "ECHOKE"), (0o10000, "FLUSHO"), (0o40000, "PENDIN"), (0o400, "TOSTOP"), (0o200000, "EXTPROC"),
    ]
    static let bauds: Table = [
        (0, "B0"), (1, "B50"), (2, "B75"), (3, "B110"), (4, "B134"), (5, "B150"), (6, "B200"), (7, "B300"),
        (0o10, "B600"), (0o11, "B1200"), (0o12, "B1800"), (0o13, "B2400"), (0o14, "B4800"), (0o15, "B9600"),
        (0o16, "B19200"), (0o17, "B38400"), (0o10001, "B57600"), (0o10002, "B115200"), (0o10003, "B230400"),
        (0o10004, "B460800"), (0o10005, "B500000"), (0o10006, "B576000"), (0o10007, "B921600"),
        (0o10010, "B1000000"), (0o10011, "B1152000"), (0o10012, "B1500000"), (0o10013, "B2000000"),
        (0o10014, "B2500000"), (0o10015, "B3000000"), (0o10016, "B3500000"), (0o10017, "B4000000"),
        (0o10000, "BOTHER"),
    ]
}
