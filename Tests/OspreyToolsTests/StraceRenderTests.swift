import OspreyCore
import Testing
@testable import OspreyTools

/// Guest memory laid out by hand (little-endian) against the exact text strace 6.13 printed for
/// the same data in our x86-64 and AArch64 guests (busybox and glibc `getconf`).
@Suite("StraceRender: guest memory in strace's text")
struct StraceRenderTests {
    // MARK: byte builders

    static func le(_ value: UInt64, _ size: Int) -> [UInt8] { (0..<size).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }
    static func u16(_ v: UInt64) -> [UInt8] { le(v, 2) }
    static func u32(_ v: UInt64) -> [UInt8] { le(v, 4) }
    static func u64(_ v: UInt64) -> [UInt8] { le(v, 8) }
    static func zeros(_ n: Int) -> [UInt8] { [UInt8](repeating: 0, count: n) }
    static func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }
    /// `bytes` written at `offset` into `count` zero bytes.
    static func layout(_ count: Int, _ fields: [(Int, [UInt8])]) -> [UInt8] {
        var b = zeros(count)
        for (offset, bytes) in fields { b.replaceSubrange(offset..<(offset + bytes.count), with: bytes) }
        return b
    }
    /// A 64-bit sigset with every signal in `signals` set.
    static func sigset(_ signals: [Int]) -> UInt64 { signals.reduce(0) { $0 | 1 << UInt64($1 - 1) } }

    // MARK: strings

    @Test func elfHeaderReadOnAmd64() {
        let head: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 3] + Self.zeros(8) + [3, 0, 0x3E, 0, 1, 0, 0, 0, 0x70, 0x9E, 2, 0, 0, 0, 0, 0]
        // 104   read(3, "\177ELF\2\1\1\3\0\0\0\0\0\0\0\0\3\0>\0\1\0\0\0p\236\2\0\0\0\0\0"..., 832) = 832
        #expect(StraceRender.quoted(head + Self.zeros(40), total: 832)
            == #""\177ELF\2\1\1\3\0\0\0\0\0\0\0\0\3\0>\0\1\0\0\0p\236\2\0\0\0\0\0"..."#)
    }

    @Test func elfHeaderReadOnArm64() {
        let head: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 3] + Self.zeros(8) + [3, 0, 0xB7, 0, 1, 0, 0, 0, 0x80, 0x24, 2, 0, 0, 0, 0, 0]
        #expect(StraceRender.quoted(head, total: 832)
            == #""\177ELF\2\1\1\3\0\0\0\0\0\0\0\0\3\0\267\0\1\0\0\0\200$\2\0\0\0\0\0"..."#)
    }

    @Test func programHeadersPread() {
        // 104   pread64(3, "\6\0\0\0\4\0\0\0@\0\0\0\0\0\0\0@\0\0\0\0\0\0\0@\0\0\0\0\0\0\0"..., 840, 64) = 840
        let b = Self.u32(6) + Self.u32(4) + Self.u64(64) + Self.u64(64) + Self.u64(64)
        #expect(StraceRender.quoted(b, total: 840) == #""\6\0\0\0\4\0\0\0@\0\0\0\0\0\0\0@\0\0\0\0\0\0\0@\0\0\0\0\0\0\0"..."#)
    }

    @Test func textBuffers() {
        let script = Self.ascii("d=/tmp/sc\nmkdir -p $d\necho data > $d/f\ncat $d/f | wc -c\n")
        // 89    read(10, "d=/tmp/sc\nmkdir -p $d\necho data "..., 1023) = 286
        #expect(StraceRender.quoted(script, total: 286) == #""d=/tmp/sc\nmkdir -p $d\necho data "..."#)
        // 98    write(2, "cat: can't open '/nonexistent/fi"..., 63) = 63
        let message = Self.ascii("cat: can't open '/nonexistent/file': No such file or directory\n")
        #expect(message.count == 63)
        #expect(StraceRender.quoted(message, total: 63) == #""cat: can't open '/nonexistent/fi"..."#)
        #expect(StraceRender.quoted(Self.ascii("f\ng\nlist\n"), total: 9) == #""f\ng\nlist\n""#)
        #expect(StraceRender.quoted([], total: 0) == #""""#)
        #expect(StraceRender.quoted(Self.ascii("a\"b\\c\t\r\u{0B}\u{0C}"), total: 9) == #""a\"b\\c\t\r\v\f""#)
    }

    @Test func octalTakesThreeDigitsOnlyBeforeAnOctalDigit() {
        #expect(StraceRender.quoted([1, 0x31], total: 2) == #""\0011""#)
        #expect(StraceRender.quoted([1, 0x37], total: 2) == #""\0017""#)
        #expect(StraceRender.quoted([1, 0x38], total: 2) == #""\18""#)
        #expect(StraceRender.quoted([0, 0x30, 0x7F, 0x41, 0xFF], total: 5) == #""\0000\177A\377""#)
        // The look-ahead stops at the limit, as strace's does.
        #expect(StraceRender.quoted([0x41, 0x01, 0x35], limit: 2, total: 3) == #""A\1"..."#)
    }

    @Test func limitAndShortCaptures() {
        let b = Self.ascii("0123456789")
        #expect(StraceRender.quoted(b, limit: 4, total: 10) == #""0123"..."#)
        #expect(StraceRender.quoted(b, limit: 10, total: 10) == #""0123456789""#)
        #expect(StraceRender.quoted(Array(b[0..<5]), total: 10) == #""01234"..."#)
        #expect(StraceRender.quoted(b, total: 3) == #""012""#)
    }

    @Test func getrandomIsHex() {
        // getrandom("\x1f\x29\x97\xe2\xc1\x81\x9c\x35", 8, GRND_NONBLOCK) = 8   (arm64)
        #expect(StraceRender.hexQuoted([0x1F, 0x29, 0x97, 0xE2, 0xC1, 0x81, 0x9C, 0x35], total: 8)
            == #""\x1f\x29\x97\xe2\xc1\x81\x9c\x35""#)
    }

    @Test func paths() {
        #expect(StraceRender.pathString(Self.ascii("/proc/self/exe") + [0, 0x41]) == #""/proc/self/exe""#)
        #expect(StraceRender.pathString(Self.ascii("/tmp/sc")) == #""/tmp/sc""#)
        #expect(StraceRender.pathString(Self.ascii("a\nb\u{01}2")) == #""a\nb\0012""#)
        let long = [UInt8](repeating: 0x61, count: 5000)
        #expect(StraceRender.pathString(long) == "\"" + String(repeating: "a", count: 4095) + "\"...")
    }

    @Test func commNames() {
        // prctl(PR_SET_NAME, "mkdir") = 0 ; prctl(PR_GET_NAME, "sh") = 0
        #expect(StraceRender.quotedCString(Self.ascii("mkdir") + [0] + Self.zeros(9), size: 15) == #""mkdir""#)
        #expect(StraceRender.quotedCString(Self.ascii("sh") + Self.zeros(14), size: 16) == #""sh""#)
        #expect(StraceRender.quotedCString(Self.ascii("abcdefghijklmno"), size: 15) == #""abcdefghijklmno"..."#)
        #expect(StraceRender.quotedCString(Self.ascii("abcdefghijklmno") + [0], size: 16) == #""abcdefghijklmno""#)
        let long = Self.ascii(String(repeating: "x", count: 32))
        #expect(StraceRender.quotedCString(long + [0], size: 100) == "\"" + String(repeating: "x", count: 32) + "\"")
        #expect(StraceRender.quotedCString(long + [0x79, 0], size: 100) == "\"" + String(repeating: "x", count: 32) + "\"...")
    }

    @Test func intArrays() {
        // pipe2([3, 4], 0) = 0 ; setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
        #expect(StraceRender.intArray([3, 4]) == "[3, 4]")
        #expect(StraceRender.intArray([1]) == "[1]")
        #expect(StraceRender.intArray([]) == "[]")
    }

    // MARK: stat

    static func amd64Stat(mode: UInt64, rdev: UInt64 = 0, size: UInt64) -> [UInt8] {
        layout(144, [(24, u32(mode)), (40, u64(rdev)), (48, u64(size))])
    }

    static func arm64Stat(mode: UInt64, rdev: UInt64 = 0, size: UInt64) -> [UInt8] {
        layout(128, [(16, u32(mode)), (32, u64(rdev)), (48, u64(size))])
    }

    @Test func statOnAmd64() {
        // newfstatat(AT_FDCWD, "/tmp/sc/f", {st_mode=S_IFREG|0644, st_size=5, ...}, 0) = 0
        #expect(StraceRender.stat(Self.amd64Stat(mode: 0o100644, size: 5), abi: .x86_64) == "{st_mode=S_IFREG|0644, st_size=5, ...}")
        // newfstatat(AT_FDCWD, "/", {st_mode=S_IFDIR|S_ISVTX|0777, st_size=340, ...}, 0) = 0
        #expect(StraceRender.stat(Self.amd64Stat(mode: 0o41777, size: 340), abi: .x86_64) == "{st_mode=S_IFDIR|S_ISVTX|0777, st_size=340, ...}")
        // fstat(1, {st_mode=S_IFCHR|0600, st_rdev=makedev(0x5, 0x1), ...}) = 0
        #expect(StraceRender.stat(Self.amd64Stat(mode: 0o20600, rdev: 0x501, size: 0), abi: .x86_64)
            == "{st_mode=S_IFCHR|0600, st_rdev=makedev(0x5, 0x1), ...}")
        #expect(StraceRender.stat(Self.amd64Stat(mode: 0o10600, size: 0), abi: .x86_64) == "{st_mode=S_IFIFO|0600, st_size=0, ...}")
        #expect(StraceRender.stat(Self.amd64Stat(mode: 0o100755, size: 1995216), abi: .x86_64) == "{st_mode=S_IFREG|0755, st_size=1995216, ...}")
        #expect(StraceRender.stat(Array(Self.amd64Stat(mode: 0o100644, size: 5).prefix(143)), abi: .x86_64) == nil)
    }

    @Test func statOnArm64() {
        // fstat(3, {st_mode=S_IFREG|0755, st_size=1716616, ...}) = 0
        #expect(StraceRender.stat(Self.arm64Stat(mode: 0o100755, size: 1716616), abi: .aarch64) == "{st_mode=S_IFREG|0755, st_size=1716616, ...}")
        #expect(StraceRender.stat(Self.arm64Stat(mode: 0o40700, size: 40), abi: .aarch64) == "{st_mode=S_IFDIR|0700, st_size=40, ...}")
        #expect(StraceRender.stat(Self.arm64Stat(mode: 0o20600, rdev: 0x501, size: 0), abi: .aarch64)
            == "{st_mode=S_IFCHR|0600, st_rdev=makedev(0x5, 0x1), ...}")
        #expect(StraceRender.stat(Self.zeros(127), abi: .aarch64) == nil)
    }

    @Test func statOnI386() {
        let old = Self.layout(64, [(8, Self.u16(0o100644)), (16, Self.u32(0)), (20, Self.u32(42))])
        #expect(StraceRender.stat(old, abi: .i386) == "{st_mode=S_IFREG|0644, st_size=42, ...}")
        let new = Self.layout(96, [(16, Self.u32(0o60660)), (32, Self.u64(0x803)), (44, Self.u64(0))])
        #expect(StraceRender.stat64(new) == "{st_mode=S_IFBLK|0660, st_rdev=makedev(0x8, 0x3), ...}")
    }

    @Test func modesAndDevices() {
        #expect(StraceConstants.fileMode(0o104755) == "S_IFREG|S_ISUID|0755")
        #expect(StraceConstants.fileMode(0o102755) == "S_IFREG|S_ISGID|0755")
        #expect(StraceConstants.fileMode(0o120777) == "S_IFLNK|0777")
        #expect(StraceConstants.fileMode(0o140755) == "S_IFSOCK|0755")
        #expect(StraceConstants.fileMode(0o100000) == "S_IFREG|000")
        #expect(StraceConstants.fileMode(0o100007) == "S_IFREG|007")
        #expect(StraceConstants.fileMode(0o100044) == "S_IFREG|044")
        #expect(StraceConstants.fileMode(0o644) == "0644")
        #expect(StraceConstants.fileMode(0o170644) == "0170644")
        #expect(StraceConstants.device(0) == "makedev(0, 0)")
        // major 0x103, minor 0x12345 in the kernel's new encoding.
        #expect(StraceConstants.device(0x1231_0345) == "makedev(0x103, 0x12345)")
    }

    @Test func statxWithoutVerbose() {
        let b = Self.layout(256, [(0, Self.u32(0x17FF)), (8, Self.u64(0)), (28, Self.u16(0o100644)), (40, Self.u64(5))])
        #expect(StraceRender.statx(b) == "{stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=5, ...}")
        let all = Self.layout(256, [(0, Self.u32(0x1FFF)), (8, Self.u64(0x30)), (28, Self.u16(0o40755)), (40, Self.u64(4096))])
        #expect(StraceRender.statx(all)
            == "{stx_mask=STATX_ALL|STATX_MNT_ID, stx_attributes=STATX_ATTR_IMMUTABLE|STATX_ATTR_APPEND, stx_mode=S_IFDIR|0755, stx_size=4096, ...}")
        let typeOnly = Self.layout(256, [(0, Self.u32(1)), (28, Self.u16(0o20620)), (40, Self.u64(9))])
        #expect(StraceRender.statx(typeOnly) == "{stx_mask=STATX_TYPE, stx_attributes=0, stx_mode=S_IFCHR|0620, ...}")
        #expect(StraceRender.statx(Self.zeros(255)) == nil)
    }

    // MARK: sockets

    @Test func inetAddresses() {
        // connect(3, {sa_family=AF_INET, sin_port=htons(5555), sin_addr=inet_addr("127.0.0.1")}, 16)
        let v4 = Self.u16(2) + [0x15, 0xB3] + [127, 0, 0, 1] + Self.zeros(8)
        #expect(StraceRender.sockaddr(v4) == #"{sa_family=AF_INET, sin_port=htons(5555), sin_addr=inet_addr("127.0.0.1")}"#)
        // bind(3, {sa_family=AF_INET6, sin6_port=htons(5555), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::", &sin6_addr), sin6_scope_id=0}, 28)
        let v6 = Self.u16(10) + [0x15, 0xB3] + Self.zeros(4) + Self.zeros(16) + Self.u32(0)
        #expect(StraceRender.sockaddr(v6)
            == #"{sa_family=AF_INET6, sin6_port=htons(5555), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::", &sin6_addr), sin6_scope_id=0}"#)
        #expect(StraceRender.sockaddr(Array(v6.prefix(24)))
            == #"{sa_family=AF_INET6, sin6_port=htons(5555), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::", &sin6_addr)}"#)
        // Too short for sockaddr_in: the raw bytes.
        #expect(StraceRender.sockaddr(Self.u16(2) + [0x15, 0xB3]) == #"{sa_family=AF_INET, sa_data="\25\263"}"#)
    }

    @Test func ipv6Text() {
        func text(_ words: [UInt16]) -> String { StraceRender.ipv6Text(words.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }) }
        #expect(text([0, 0, 0, 0, 0, 0, 0, 1]) == "::1")
        #expect(text([0xFE80, 0, 0, 0, 0, 0, 0, 1]) == "fe80::1")
        #expect(text([0x2001, 0xDB8, 0, 0, 0, 0, 0, 0]) == "2001:db8::")
        #expect(text([0, 0, 0, 0, 0, 0xFFFF, 0x0102, 0x0304]) == "::ffff:1.2.3.4")
        #expect(text([0, 0, 0, 0, 0, 0, 0x0102, 0x0304]) == "::1.2.3.4")
        #expect(text([1, 0, 0, 0, 1, 0, 0, 1]) == "1::1:0:0:1")
        #expect(text([1, 0, 1, 0, 1, 0, 1, 0]) == "1:0:1:0:1:0:1:0")
        #expect(text([1, 2, 3, 4, 5, 6, 7, 8]) == "1:2:3:4:5:6:7:8")
    }

    @Test func unixAndOtherAddresses() {
        #expect(StraceRender.sockaddr(Self.u16(1) + Self.ascii("/dev/log") + [0]) == #"{sa_family=AF_UNIX, sun_path="/dev/log"}"#)
        #expect(StraceRender.sockaddr(Self.u16(1) + Self.ascii("/dev/log") + Self.zeros(100)) == #"{sa_family=AF_UNIX, sun_path="/dev/log"}"#)
        #expect(StraceRender.sockaddr(Self.u16(1) + [0] + Self.ascii("x11\0a")) == #"{sa_family=AF_UNIX, sun_path=@"x11\0a"}"#)
        #expect(StraceRender.sockaddr(Self.u16(1)) == "{sa_family=AF_UNIX}")
        #expect(StraceRender.sockaddr(Self.u16(0)) == "{sa_family=AF_UNSPEC}")
        #expect(StraceRender.sockaddr(Self.u16(16) + Self.u16(0) + Self.u32(0) + Self.u32(0)) == "{sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}")
        #expect(StraceRender.sockaddr(Self.u16(16) + Self.u16(0) + Self.u32(77) + Self.u32(0x11)) == "{sa_family=AF_NETLINK, nl_pid=77, nl_groups=0x000011}")
        #expect(StraceRender.sockaddr(Self.u16(5) + [1, 2, 0x41]) == #"{sa_family=AF_APPLETALK, sa_data="\1\2A"}"#)
        #expect(StraceRender.sockaddr(Self.u16(99) + [7]) == #"{sa_family=0x63 /* AF_??? */, sa_data="\7"}"#)
        #expect(StraceRender.sockaddr([1]) == nil)
        #expect(StraceRender.sockaddr(Self.u16(17) + Self.zeros(18)) == nil)
    }

    // MARK: signals

    @Test func sigsets() {
        #expect(StraceRender.sigset(Self.u64(0)) == "[]")
        #expect(StraceRender.sigset(Self.u64(~0)) == "~[]")
        #expect(StraceRender.sigset(Self.u64(Self.sigset([17]))) == "[CHLD]")
        #expect(StraceRender.sigset(Self.u64(Self.sigset([2, 3]))) == "[INT QUIT]")
        #expect(StraceRender.sigset(Self.u64(~Self.sigset([32, 33]))) == "~[RTMIN RT_1]")
        #expect(StraceRender.sigset(Self.u64(~Self.sigset([9, 19, 32, 33]))) == "~[KILL STOP RTMIN RT_1]")
        #expect(StraceRender.sigset(Self.u64(Self.sigset([34, 64]))) == "[RT_2 RT_32]")
        // Two thirds of 64 (42 bits) flips to the complement; 41 does not.
        let fortyTwo = (1...42).map { $0 }, fortyOne = (1...41).map { $0 }
        #expect(StraceRender.sigset(Self.u64(Self.sigset(fortyTwo))).hasPrefix("~[RT_11 "))
        #expect(StraceRender.sigset(Self.u64(Self.sigset(fortyOne))).hasPrefix("[HUP INT "))
        // A 4-byte (old) set counts 32 bits.
        #expect(StraceRender.sigset(Self.u32(0xFFFF_FFFE)) == "~[HUP]")
    }

    @Test func sigactionOnAmd64() {
        let restorer: UInt64 = 0x4A_9740
        func act(_ handler: UInt64, _ mask: UInt64, _ flags: UInt64) -> [UInt8] {
            Self.u64(handler) + Self.u64(flags) + Self.u64(restorer) + Self.u64(mask)
        }
        // rt_sigaction(SIGCHLD, {sa_handler=0x52f405, sa_mask=~[RTMIN RT_1], sa_flags=SA_RESTORER, sa_restorer=0x4a9740}, NULL, 8) = 0
        #expect(StraceRender.sigaction(act(0x52_F405, ~Self.sigset([32, 33]), 0x0400_0000), abi: .x86_64)
            == "{sa_handler=0x52f405, sa_mask=~[RTMIN RT_1], sa_flags=SA_RESTORER, sa_restorer=0x4a9740}")
        // rt_sigaction(SIGINT, NULL, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0
        #expect(StraceRender.sigaction(Self.zeros(32), abi: .x86_64) == "{sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}")
        // rt_sigaction(SIGINT, {sa_handler=SIG_IGN, sa_mask=[INT], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x4a9740}, ...
        #expect(StraceRender.sigaction(act(1, Self.sigset([2]), 0x1400_0000), abi: .x86_64)
            == "{sa_handler=SIG_IGN, sa_mask=[INT], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x4a9740}")
        // <... rt_sigaction resumed>{sa_handler=0x52f405, sa_mask=~[KILL STOP RTMIN RT_1], sa_flags=SA_RESTORER, sa_restorer=0x4a9740}, 8) = 0
        #expect(StraceRender.sigaction(act(0x52_F405, ~Self.sigset([9, 19, 32, 33]), 0x0400_0000), abi: .x86_64)
            == "{sa_handler=0x52f405, sa_mask=~[KILL STOP RTMIN RT_1], sa_flags=SA_RESTORER, sa_restorer=0x4a9740}")
        #expect(StraceRender.sigaction(act(~0, 0, 0x8C00_0007 | 0x400), abi: .x86_64)
            == "{sa_handler=SIG_ERR, sa_mask=[], sa_flags=SA_RESTORER|SA_ONSTACK|SA_RESETHAND|SA_SIGINFO|SA_NOCLDSTOP|SA_NOCLDWAIT|0x400, sa_restorer=0x4a9740}")
        #expect(StraceRender.sigaction(Self.zeros(31), abi: .x86_64) == nil)
    }

    @Test func sigactionOnArm64AndI386() {
        // AArch64's kernel struct is handler, flags, restorer, mask, like x86-64's.
        // rt_sigaction(SIGCHLD, {sa_handler=0x508e10, sa_mask=~[RTMIN RT_1], sa_flags=0}, NULL, 8) = 0
        #expect(StraceRender.sigaction(Self.u64(0x50_8E10) + Self.u64(0) + Self.u64(0) + Self.u64(~Self.sigset([32, 33])), abi: .aarch64)
            == "{sa_handler=0x508e10, sa_mask=~[RTMIN RT_1], sa_flags=0}")
        // rt_sigaction(SIGINT, {sa_handler=SIG_IGN, sa_mask=[INT], sa_flags=SA_RESTART},  <unfinished ...>
        #expect(StraceRender.sigaction(Self.u64(1) + Self.u64(0x1000_0000) + Self.u64(0) + Self.u64(Self.sigset([2])), abi: .aarch64)
            == "{sa_handler=SIG_IGN, sa_mask=[INT], sa_flags=SA_RESTART}")
        #expect(StraceRender.sigaction(Self.u64(1) + Self.u64(0x0400_0000) + Self.u64(0) + Self.u64(0), abi: .aarch64)
            == "{sa_handler=SIG_IGN, sa_mask=[], sa_flags=0x4000000 /* SA_??? */}")
        #expect(StraceRender.sigaction(Self.u64(1) + Self.u64(0x1400_0000) + Self.u64(0) + Self.u64(0), abi: .aarch64)
            == "{sa_handler=SIG_IGN, sa_mask=[], sa_flags=SA_RESTART|0x4000000}")
        #expect(StraceRender.sigaction(Self.zeros(31), abi: .aarch64) == nil)
        let i386 = Self.u32(0x804_9000) + Self.u32(0x0400_0000) + Self.u32(0xF7F0_0000) + Self.u64(Self.sigset([15]))
        #expect(StraceRender.sigaction(i386, abi: .i386)
            == "{sa_handler=0x8049000, sa_mask=[TERM], sa_flags=SA_RESTORER, sa_restorer=0xf7f00000}")
    }

    @Test func waitStatuses() {
        // <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 90
        #expect(StraceRender.waitStatus(0) == "[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]")
        #expect(StraceRender.waitStatus(0x100) == "[{WIFEXITED(s) && WEXITSTATUS(s) == 1}]")
        #expect(StraceRender.waitStatus(9) == "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}]")
        #expect(StraceRender.waitStatus(0x8B) == "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}]")
        #expect(StraceRender.waitStatus(0x137F) == "[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}]")
        #expect(StraceRender.waitStatus(0x857F) == "[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP | 0x80}]")
        #expect(StraceRender.waitStatus(0x4057F) == "[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP}|PTRACE_EVENT_EXEC<<16]")
        #expect(StraceRender.waitStatus(0xFFFF) == "[{WIFCONTINUED(s)}]")
        #expect(StraceRender.waitStatus(0x22) == "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGRT_2}]")
    }

    // MARK: other structs

    @Test func timespecs() {
        // clock_gettime(CLOCK_MONOTONIC, {tv_sec=3, tv_nsec=103193950}) = 0
        #expect(StraceRender.timespec(Self.u64(3) + Self.u64(103_193_950)) == "{tv_sec=3, tv_nsec=103193950}")
        // clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=1, tv_nsec=0},  <unfinished ...>
        #expect(StraceRender.timespec(Self.u64(1) + Self.u64(0)) == "{tv_sec=1, tv_nsec=0}")
        #expect(StraceRender.timespec(Self.u64(UInt64(bitPattern: -1)) + Self.u64(1)) == "{tv_sec=-1, tv_nsec=1}")
        #expect(StraceRender.timespec(Self.zeros(15)) == nil)
        #expect(StraceRender.timespec32(Self.u32(5) + Self.u32(6)) == "{tv_sec=5, tv_nsec=6}")
    }

    @Test func rlimits() {
        // prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0
        #expect(StraceRender.rlimit(Self.u64(8192 * 1024) + Self.u64(~0)) == "{rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}")
        #expect(StraceRender.rlimit(Self.u64(1024) + Self.u64(2048)) == "{rlim_cur=1024, rlim_max=2*1024}")
        #expect(StraceRender.rlimit(Self.u64(0) + Self.u64(1025)) == "{rlim_cur=0, rlim_max=1025}")
        #expect(StraceRender.rlimit(Self.zeros(8)) == nil)
        #expect(StraceRender.rlimit32(Self.u32(4096) + Self.u32(0xFFFF_FFFF)) == "{rlim_cur=4*1024, rlim_max=RLIM_INFINITY}")
    }

    @Test func unameAbbreviated() {
        func field(_ s: String) -> [UInt8] { Self.ascii(s) + Self.zeros(65 - s.utf8.count) }
        let b = field("Linux") + field("(none)") + field("6.1.0-56-amd64") + field("#1 SMP") + field("x86_64") + field("(none)")
        // uname({sysname="Linux", nodename="(none)", ...}) = 0
        #expect(StraceRender.utsname(b) == #"{sysname="Linux", nodename="(none)", ..."# + "}")
        #expect(StraceRender.utsname(Array(b.prefix(389))) == nil)
        #expect(StraceRender.cStringField(Self.ascii(String(repeating: "n", count: 64)) + [0]) == "\"" + String(repeating: "n", count: 64) + "\"")
        #expect(StraceRender.cStringField(Self.ascii(String(repeating: "n", count: 65))) == "\"" + String(repeating: "n", count: 64) + "\"...")
    }

    @Test func pollSets() {
        func pollfd(_ fd: Int32, _ events: UInt64, _ revents: UInt64 = 0) -> [UInt8] {
            Self.u32(UInt64(UInt32(bitPattern: fd))) + Self.u16(events) + Self.u16(revents)
        }
        // poll([{fd=-1}, {fd=4, events=POLLIN}], 2, -1 <unfinished ...>
        #expect(StraceRender.pollfds(pollfd(-1, 1) + pollfd(4, 1), count: 2) == "[{fd=-1}, {fd=4, events=POLLIN}]")
        // poll([{fd=0, events=POLLIN}, {fd=4, events=POLLIN}], 2, -1) = 1 ([{fd=0, revents=POLLIN}])
        let fds = pollfd(0, 1, 1) + pollfd(4, 1)
        #expect(StraceRender.pollfds(fds, count: 2) == "[{fd=0, events=POLLIN}, {fd=4, events=POLLIN}]")
        #expect(StraceRender.pollRevents(fds, count: 2) == "[{fd=0, revents=POLLIN}]")
        // ppoll(...) = 1 ([{fd=0, revents=POLLIN|POLLHUP}])   (arm64)
        #expect(StraceRender.pollRevents(pollfd(0, 1, 0x11) + pollfd(3, 1), count: 2) == "[{fd=0, revents=POLLIN|POLLHUP}]")
        #expect(StraceRender.pollRevents(pollfd(0, 1), count: 1) == nil)
        #expect(StraceRender.pollRevents(pollfd(0, 1, 1), count: 2) == nil)
        #expect(StraceRender.pollfds([], count: 0) == "[]")
        #expect(StraceRender.pollfds(pollfd(5, 0) + pollfd(6, 0x10004), count: 2) == "[{fd=5, events=0}, {fd=6, events=POLLOUT}]")
        let many = (0..<40).flatMap { pollfd(Int32($0), 1) }
        let shown = StraceRender.pollfds(many, count: 40)
        #expect(shown?.hasSuffix("{fd=31, events=POLLIN}, ...]") == true)
        #expect(StraceRender.pollfds(pollfd(0, 1), count: 2) == nil)
    }

    @Test func terminals() {
        let amd64 = Self.u32(0x500) + Self.u32(0x5) + Self.u32(0xCBD) + Self.u32(0x8A3B) + Self.zeros(20)
        // ioctl(1, TCGETS, {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B9600|CS8|CREAD|HUPCL|CLOCAL, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}) = 0
        #expect(StraceRender.termios(amd64)
            == "{c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B9600|CS8|CREAD|HUPCL|CLOCAL, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}")
        let arm64 = Self.u32(0x500) + Self.u32(0x5) + Self.u32(0xCBF) + Self.u32(0x8A3B) + Self.zeros(20)
        #expect(StraceRender.termios(arm64)
            == "{c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD|HUPCL|CLOCAL, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}")
        let raw = Self.u32(0) + Self.u32(0x1800) + Self.u32(0x1002_0030) + Self.u32(0) + Self.zeros(20)
        #expect(StraceRender.termios(raw) == "{c_iflag=, c_oflag=NL0|CR0|XTABS|BS0|VT0|FF0|, c_cflag=B0|B115200<<IBSHIFT|CS8|, c_lflag=, ...}")
        #expect(StraceRender.termios(Self.zeros(35)) == nil)
        #expect(StraceRender.winsize(Self.u16(24) + Self.u16(80) + Self.u16(0) + Self.u16(0)) == "{ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}")
    }

    // MARK: constants

    @Test func namedConstants() {
        #expect(StraceConstants.prctlOption(15) == "PR_SET_NAME")
        #expect(StraceConstants.prctlOption(16) == "PR_GET_NAME")
        #expect(StraceConstants.prctlOption(0x5356_4D41) == "PR_SET_VMA")
        #expect(StraceConstants.prctlOption(74) == "0x4a /* PR_??? */")
        #expect(StraceConstants.archPrctlCode(0x1002) == "ARCH_SET_FS")
        #expect(StraceConstants.archPrctlCode(0x1003) == "ARCH_GET_FS")
        #expect(StraceConstants.archPrctlCode(0x3001) == "0x3001 /* ARCH_??? */")
        #expect(StraceConstants.ioctlRequest(0x5401) == "TCGETS")
        #expect(StraceConstants.ioctlRequest(0x5413) == "TIOCGWINSZ")
        #expect(StraceConstants.ioctlRequest(0x541B) == "FIONREAD")
        #expect(StraceConstants.ioctlRequest(0x5421) == "FIONBIO")
        #expect(StraceConstants.ioctlRequest(0x540E) == "TIOCSCTTY")
        #expect(StraceConstants.ioctlRequest(0x8004_5430) == "TIOCGPTN")
        #expect(StraceConstants.ioctlRequest(0x5402) == "TCSETS")
        #expect(StraceConstants.ioctlRequest(0x5402, onTerminal: false) == "SNDCTL_TMR_START or TCSETS")
        #expect(StraceConstants.ioctlRequest(0x5401, onTerminal: false) == "TCGETS")
        #expect(StraceConstants.ioctlRequest(0x1234) == nil)
        #expect(StraceConstants.clockID(0) == "CLOCK_REALTIME")
        #expect(StraceConstants.clockID(1) == "CLOCK_MONOTONIC")
        #expect(StraceConstants.clockID(7) == "CLOCK_BOOTTIME")
        #expect(StraceConstants.clockID(-6) == "0xfffffffa /* CLOCK_??? */")
        #expect(StraceConstants.rlimitResource(3) == "RLIMIT_STACK")
        #expect(StraceConstants.rlimitResource(7) == "RLIMIT_NOFILE")
        #expect(StraceConstants.rlimitResource(16) == "0x10 /* RLIMIT_??? */")
        #expect(StraceConstants.getrandomFlags(1) == "GRND_NONBLOCK")
        #expect(StraceConstants.getrandomFlags(0) == "0")
        #expect(StraceConstants.getrandomFlags(7) == "GRND_NONBLOCK|GRND_RANDOM|GRND_INSECURE")
        #expect(StraceConstants.getrandomFlags(9) == "GRND_NONBLOCK|0x8")
        #expect(StraceConstants.getrandomFlags(8) == "0x8 /* GRND_??? */")
        #expect(StraceConstants.sigprocmaskHow(0) == "SIG_BLOCK")
        #expect(StraceConstants.sigprocmaskHow(2) == "SIG_SETMASK")
        #expect(StraceConstants.sigprocmaskHow(3) == "0x3 /* SIG_??? */")
        #expect(StraceConstants.socketLevel(1) == "SOL_SOCKET")
        #expect(StraceConstants.socketLevel(6) == "SOL_TCP")
        #expect(StraceConstants.socketLevel(0) == "SOL_IP")
        #expect(StraceConstants.socketLevel(41) == "SOL_IPV6")
        #expect(StraceConstants.socketOption(level: 1, name: 2) == "SO_REUSEADDR")
        #expect(StraceConstants.socketOption(level: 1, name: 15) == "SO_REUSEPORT")
        #expect(StraceConstants.socketOption(level: 1, name: 8) == "SO_RCVBUF")
        #expect(StraceConstants.socketOption(level: 6, name: 1) == "TCP_NODELAY")
        #expect(StraceConstants.socketOption(level: 41, name: 26) == "IPV6_V6ONLY")
        #expect(StraceConstants.socketOption(level: 1, name: 26, getsockopt: true) == "SO_GET_FILTER")
        #expect(StraceConstants.socketOption(level: 1, name: 99) == "0x63 /* SO_??? */")
        #expect(StraceConstants.socketOption(level: 7, name: 3) == "3")
        // socket(AF_INET6, SOCK_STREAM, IPPROTO_IP) = 3
        #expect(StraceConstants.ipProtocol(0, family: 10) == "IPPROTO_IP")
        #expect(StraceConstants.ipProtocol(6, family: 2) == "IPPROTO_TCP")
        #expect(StraceConstants.ipProtocol(0, family: 1) == "0")
        #expect(StraceConstants.ipProtocol(0, family: 16) == "NETLINK_ROUTE")
        // shutdown(4, SHUT_WR) = 0
        #expect(StraceConstants.shutdownHow(1) == "SHUT_WR")
        #expect(StraceConstants.shutdownHow(2) == "SHUT_RDWR")
        // fcntl(3, F_SETFD, FD_CLOEXEC) = 0
        #expect(StraceConstants.fcntlFDFlags(1) == "FD_CLOEXEC")
        #expect(StraceConstants.fcntlFDFlags(0) == "0")
        #expect(StraceConstants.pollEvents(0x2001) == "POLLIN|POLLRDHUP")
        #expect(StraceConstants.mremapFlags(1) == "MREMAP_MAYMOVE")
        #expect(StraceConstants.mremapFlags(0) == "0")
        #expect(StraceConstants.madviseAdvice(4) == "MADV_DONTNEED")
        #expect(StraceConstants.madviseAdvice(14) == "MADV_HUGEPAGE")
        #expect(StraceConstants.madviseAdvice(7) == "0x7 /* MADV_??? */")
        #expect(StraceConstants.addressFamily(10) == "AF_INET6")
        #expect(StraceConstants.statxMask(0x7FF) == "STATX_BASIC_STATS")
    }
}
