import OspreyCore

/// Linux's named constants the way strace 6.x shows them, for the families
/// ``LinuxConstants`` does not cover (it has signals, errno, `O_*`, `AT_*`, `PROT_*`, `MAP_*`,
/// `CLONE_*`, `SOCK_*`, `SEEK_*`, access modes, `W*`, `F_*` commands and `MSG_*`).
///
/// Names and their order follow strace's tables (`src/xlat/*.in`) for x86-64 and AArch64 (the
/// values here are the same on both). A value strace has no name for comes back as strace prints
/// it: one value in hex with the family in a comment (`0x4a /* PR_??? */`), a set of bits as the
/// known names and the rest in hex (`GRND_NONBLOCK|0x8`), an unknown set as `0x8 /* GRND_??? */`,
/// and zero bits as `0`.
public enum StraceConstants {
    typealias Table = StraceXlat.Table

    /// strace's `printxval` and `printflags` take an `unsigned int`: the low 32 bits.
    static func u32(_ value: Int) -> UInt64 { UInt64(UInt32(truncatingIfNeeded: value)) }
    static func u32(_ value: UInt64) -> UInt64 { value & 0xFFFF_FFFF }

    // MARK: prctl, arch_prctl

    /// `prctl`'s option: `PR_SET_NAME`, `PR_GET_NAME`, ...; otherwise `0x4a /* PR_??? */`.
    public static func prctlOption(_ option: Int) -> String {
        StraceXlat.value(u32(option), prctlOptions, "PR_???")
    }

    static let prctlOptions: Table = [
        (1, "PR_SET_PDEATHSIG"), (2, "PR_GET_PDEATHSIG"), (3, "PR_GET_DUMPABLE"), (4, "PR_SET_DUMPABLE"),
        (5, "PR_GET_UNALIGN"), (6, "PR_SET_UNALIGN"), (7, "PR_GET_KEEPCAPS"), (8, "PR_SET_KEEPCAPS"),
        (9, "PR_GET_FPEMU"), (10, "PR_SET_FPEMU"), (11, "PR_GET_FPEXC"), (12, "PR_SET_FPEXC"),
        (13, "PR_GET_TIMING"), (14, "PR_SET_TIMING"), (15, "PR_SET_NAME"), (16, "PR_GET_NAME"),
        (19, "PR_GET_ENDIAN"), (20, "PR_SET_ENDIAN"), (21, "PR_GET_SECCOMP"), (22, "PR_SET_SECCOMP"),
        (23, "PR_CAPBSET_READ"), (24, "PR_CAPBSET_DROP"), (25, "PR_GET_TSC"), (26, "PR_SET_TSC"),
        (27, "PR_GET_SECUREBITS"), (28, "PR_SET_SECUREBITS"), (29, "PR_SET_TIMERSLACK"), (30, "PR_GET_TIMERSLACK"),
        (31, "PR_TASK_PERF_EVENTS_DISABLE"), (32, "PR_TASK_PERF_EVENTS_ENABLE"), (33, "PR_MCE_KILL"),
        (34, "PR_MCE_KILL_GET"), (35, "PR_SET_MM"), (36, "PR_SET_CHILD_SUBREAPER"), (37, "PR_GET_CHILD_SUBREAPER"),
        (38, "PR_SET_NO_NEW_PRIVS"), (39, "PR_GET_NO_NEW_PRIVS"), (40, "PR_GET_TID_ADDRESS"),
        (41, "PR_SET_THP_DISABLE"), (42, "PR_GET_THP_DISABLE"), (43, "PR_MPX_ENABLE_MANAGEMENT"),
        (44, "PR_MPX_DISABLE_MANAGEMENT"), (45, "PR_SET_FP_MODE"), (46, "PR_GET_FP_MODE"), (47, "PR_CAP_AMBIENT"),
        (50, "PR_SVE_SET_VL"), (51, "PR_SVE_GET_VL"), (52, "PR_GET_SPECULATION_CTRL"), (53, "PR_SET_SPECULATION_CTRL"),
        (54, "PR_PAC_RESET_KEYS"), (55, "PR_SET_TAGGED_ADDR_CTRL"), (56, "PR_GET_TAGGED_ADDR_CTRL"),
        (57, "PR_SET_IO_FLUSHER"), (58, "PR_GET_IO_FLUSHER"), (59, "PR_SET_SYSCALL_USER_DISPATCH"),
        (60, "PR_PAC_SET_ENABLED_KEYS"), (61, "PR_PAC_GET_ENABLED_KEYS"), (62, "PR_SCHED_CORE"),
        (63, "PR_SME_SET_VL"), (64, "PR_SME_GET_VL"), (65, "PR_SET_MDWE"), (66, "PR_GET_MDWE"),
        (67, "PR_SET_MEMORY_MERGE"), (68, "PR_GET_MEMORY_MERGE"), (69, "PR_RISCV_V_SET_CONTROL"),
        (70, "PR_RISCV_V_GET_CONTROL"), (71, "PR_RISCV_SET_ICACHE_FLUSH_CTX"), (72, "PR_PPC_GET_DEXCR"),
        (73, "PR_PPC_SET_DEXCR"), (0x4155_5856, "PR_GET_AUXV"), (0x5356_4D41, "PR_SET_VMA"), (0x5961_6D61, "PR_SET_PTRACER"),
    ]

    /// `arch_prctl`'s code (x86): `ARCH_SET_FS`, `ARCH_GET_FS`, `ARCH_SET_GS`, ...; otherwise
    /// `0x3001 /* ARCH_??? */` (strace 6.13 has no name for glibc's `ARCH_CET_STATUS` 0x3001).
    public static func archPrctlCode(_ code: Int) -> String {
        StraceXlat.value(u32(code), archPrctlCodes, "ARCH_???")
    }

    static let archPrctlCodes: Table = [
        (0x1001, "ARCH_SET_GS"), (0x1002, "ARCH_SET_FS"), (0x1003, "ARCH_GET_FS"), (0x1004, "ARCH_GET_GS"),
        (0x1011, "ARCH_GET_CPUID"), (0x1012, "ARCH_SET_CPUID"), (0x1021, "ARCH_GET_XCOMP_SUPP"),
        (0x1022, "ARCH_GET_XCOMP_PERM"), (0x1023, "ARCH_REQ_XCOMP_PERM"), (0x1024, "ARCH_GET_XCOMP_GUEST_PERM"),
        (0x1025, "ARCH_REQ_XCOMP_GUEST_PERM"), (0x2001, "ARCH_MAP_VDSO_X32"), (0x2002, "ARCH_MAP_VDSO_32"),
        (0x2003, "ARCH_MAP_VDSO_64"), (0x4001, "ARCH_GET_UNTAG_MASK"), (0x4002, "ARCH_ENABLE_TAGGED_ADDR"),
        (0x4003, "ARCH_GET_MAX_TAG_BITS"), (0x4004, "ARCH_FORCE_TAGGED_SVA"), (0x5001, "ARCH_SHSTK_ENABLE"),
        (0x5002, "ARCH_SHSTK_DISABLE"), (0x5003, "ARCH_SHSTK_LOCK"), (0x5004, "ARCH_SHSTK_UNLOCK"),
        (0x5005, "ARCH_SHSTK_STATUS"),
    ]

    // MARK: ioctl

    /// The name strace gives an `ioctl` request (terminal and `FIO*` requests; the numbers are the
    /// same on x86-64 and AArch64), or nil when this table has none (strace then prints
    /// `_IOC(...)` or the name of some other driver's request).
    ///
    /// 0x5402-0x5404 (`TCSETS`, `TCSETSW`, `TCSETSF`) share their numbers with OSS sound requests;
    /// strace names only the terminal request when the descriptor is a terminal (character
    /// device of major 3-5 or 136-143) and both otherwise, e.g. `SNDCTL_TMR_START or TCSETS`.
    public static func ioctlRequest(_ request: UInt64, onTerminal: Bool = true) -> String? {
        let code = UInt32(truncatingIfNeeded: request)
        guard let name = ioctlNames[code] else { return nil }
        if !onTerminal, let sound = soundTimerIoctls[code] { return sound + " or " + name }
        return name
    }

    static let ioctlNames: [UInt32: String] = [
        0x5401: "TCGETS", 0x5402: "TCSETS", 0x5403: "TCSETSW", 0x5404: "TCSETSF", 0x5405: "TCGETA",
        0x5406: "TCSETA", 0x5407: "TCSETAW", 0x5408: "TCSETAF", 0x5409: "TCSBRK", 0x540A: "TCXONC",
        0x540B: "TCFLSH", 0x540C: "TIOCEXCL", 0x540D: "TIOCNXCL", 0x540E: "TIOCSCTTY", 0x540F: "TIOCGPGRP",
        0x5410: "TIOCSPGRP", 0x5411: "TIOCOUTQ", 0x5412: "TIOCSTI", 0x5413: "TIOCGWINSZ", 0x5414: "TIOCSWINSZ",
        0x5415: "TIOCMGET", 0x5416: "TIOCMBIS", 0x5417: "TIOCMBIC", 0x5418: "TIOCMSET", 0x5419: "TIOCGSOFTCAR",
        0x541A: "TIOCSSOFTCAR", 0x541B: "FIONREAD", 0x541C: "TIOCLINUX", 0x541D: "TIOCCONS", 0x541E: "TIOCGSERIAL",
        0x541F: "TIOCSSERIAL", 0x5420: "TIOCPKT", 0x5421: "FIONBIO", 0x5422: "TIOCNOTTY", 0x5423: "TIOCSETD",
        0x5424: "TIOCGETD", 0x5425: "TCSBRKP", 0x5427: "TIOCSBRK", 0x5428: "TIOCCBRK", 0x5429: "TIOCGSID",
        0x5432: "TCGETX", 0x5433: "TCSETX", 0x5434: "TCSETXF", 0x5435: "TCSETXW", 0x5437: "TIOCVHANGUP",
        0x5441: "TIOCGPTPEER", 0x5450: "FIONCLEX", 0x5451: "FIOCLEX", 0x5452: "FIOASYNC", 0x5456: "TIOCGLCKTRMIOS",
        0x5457: "TIOCSLCKTRMIOS", 0x545C: "TIOCMIWAIT", 0x545D: "TIOCGICOUNT", 0x5460: "FIOQSIZE",
        0x4004_5431: "TIOCSPTLCK", 0x4004_5436: "TIOCSIG", 0x402C_542B: "TCSETS2", 0x402C_542C: "TCSETSW2",
        0x402C_542D: "TCSETSF2", 0x8004_5430: "TIOCGPTN", 0x8004_5432: "TIOCGDEV", 0x8004_5438: "TIOCGPKT",
        0x8004_5439: "TIOCGPTLCK", 0x8004_5440: "TIOCGEXCL", 0x802C_542A: "TCGETS2",
    ]

    /// OSS timer requests with the same numbers as terminal ones (sorted before them by name).
    static let soundTimerIoctls: [UInt32: String] = [
        0x5402: "SNDCTL_TMR_START", 0x5403: "SNDCTL_TMR_STOP", 0x5404: "SNDCTL_TMR_CONTINUE",
    ]

    // MARK: clocks, resources, random, signals

    /// A clock id: `CLOCK_REALTIME` ... `CLOCK_TAI`; otherwise `0xc /* CLOCK_??? */` (strace
    /// 6.x does not decode CPU-time clocks: -6 shows as `0xfffffffa /* CLOCK_??? */`).
    public static func clockID(_ id: Int) -> String {
        StraceXlat.value(u32(id), clocks, "CLOCK_???")
    }

    static let clocks: Table = [
        (0, "CLOCK_REALTIME"), (1, "CLOCK_MONOTONIC"), (2, "CLOCK_PROCESS_CPUTIME_ID"), (3, "CLOCK_THREAD_CPUTIME_ID"),
        (4, "CLOCK_MONOTONIC_RAW"), (5, "CLOCK_REALTIME_COARSE"), (6, "CLOCK_MONOTONIC_COARSE"), (7, "CLOCK_BOOTTIME"),
        (8, "CLOCK_REALTIME_ALARM"), (9, "CLOCK_BOOTTIME_ALARM"), (10, "CLOCK_SGI_CYCLE"), (11, "CLOCK_TAI"),
    ]

    /// A resource of `getrlimit`/`setrlimit`/`prlimit64`: `RLIMIT_STACK`, ...; otherwise
    /// `0x10 /* RLIMIT_??? */`.
    public static func rlimitResource(_ resource: Int) -> String {
        StraceXlat.value(u32(resource), rlimitResources, "RLIMIT_???")
    }

    static let rlimitResources: Table = [
        (0, "RLIMIT_CPU"), (1, "RLIMIT_FSIZE"), (2, "RLIMIT_DATA"), (3, "RLIMIT_STACK"), (4, "RLIMIT_CORE"),
        (5, "RLIMIT_RSS"), (6, "RLIMIT_NPROC"), (7, "RLIMIT_NOFILE"), (8, "RLIMIT_MEMLOCK"), (9, "RLIMIT_AS"),
        (10, "RLIMIT_LOCKS"), (11, "RLIMIT_SIGPENDING"), (12, "RLIMIT_MSGQUEUE"), (13, "RLIMIT_NICE"),
        (14, "RLIMIT_RTPRIO"), (15, "RLIMIT_RTTIME"),
    ]

    /// `getrandom`'s flags: `GRND_NONBLOCK|GRND_RANDOM|GRND_INSECURE`; `0` for none.
    public static func getrandomFlags(_ flags: UInt64) -> String {
        StraceXlat.flags(u32(flags), getrandomNames, "GRND_???")
    }

    static let getrandomNames: Table = [(1, "GRND_NONBLOCK"), (2, "GRND_RANDOM"), (4, "GRND_INSECURE")]

    /// `rt_sigprocmask`'s how: `SIG_BLOCK` (0), `SIG_UNBLOCK` (1), `SIG_SETMASK` (2); otherwise
    /// `0x3 /* SIG_??? */`.
    public static func sigprocmaskHow(_ how: Int) -> String {
        StraceXlat.value(u32(how), [(0, "SIG_BLOCK"), (1, "SIG_UNBLOCK"), (2, "SIG_SETMASK")], "SIG_???")
    }

    /// `SA_RESTORER`, the flag that makes strace show `sa_restorer`.
    static let saRestorer: UInt64 = 0x0400_0000

    /// `sigaction`'s `sa_flags` in strace's order: `SA_RESTORER|SA_ONSTACK|SA_RESTART|SA_INTERRUPT|
    /// SA_NODEFER|SA_RESETHAND|SA_SIGINFO|SA_NOCLDSTOP|SA_NOCLDWAIT`, the rest in hex; `0` for none.
    /// On AArch64 strace has no `SA_RESTORER` name: the bit is left over in hex
    /// (`SA_RESTART|0x4000000`, or `0x4000000 /* SA_??? */` alone).
    public static func sigactionFlags(_ flags: UInt64, abi: SyscallABI) -> String {
        StraceXlat.flags(flags, abi == .aarch64 ? Array(sigactionNames.dropFirst()) : sigactionNames, "SA_???")
    }

    static let sigactionNames: Table = [
        (0x0400_0000, "SA_RESTORER"), (0x0800_0000, "SA_ONSTACK"), (0x1000_0000, "SA_RESTART"),
        (0x2000_0000, "SA_INTERRUPT"), (0x4000_0000, "SA_NODEFER"), (0x8000_0000, "SA_RESETHAND"),
        (4, "SA_SIGINFO"), (1, "SA_NOCLDSTOP"), (2, "SA_NOCLDWAIT"),
    ]

    static let ptraceEvents: Table = [
        (1, "PTRACE_EVENT_FORK"), (2, "PTRACE_EVENT_VFORK"), (3, "PTRACE_EVENT_CLONE"), (4, "PTRACE_EVENT_EXEC"),
        (5, "PTRACE_EVENT_VFORK_DONE"), (6, "PTRACE_EVENT_EXIT"), (7, "PTRACE_EVENT_SECCOMP"), (128, "PTRACE_EVENT_STOP"),
    ]

    // MARK: sockets

    /// An address family as strace names it everywhere (`socket`'s domain, `sa_family`):
    /// `AF_UNIX`, `AF_INET6`, `AF_NETLINK`, ...; otherwise `0x2e /* AF_??? */`.
    public static func addressFamily(_ family: Int) -> String {
        let value = u32(family)
        if value < UInt64(addressFamilies.count) { return addressFamilies[Int(value)] }
        return StraceXlat.hex(value) + " /* AF_??? */"
    }

    static let addressFamilies = [
        "AF_UNSPEC", "AF_UNIX", "AF_INET", "AF_AX25", "AF_IPX", "AF_APPLETALK", "AF_NETROM", "AF_BRIDGE",
        "AF_ATMPVC", "AF_X25", "AF_INET6", "AF_ROSE", "AF_DECnet", "AF_NETBEUI", "AF_SECURITY", "AF_KEY",
        "AF_NETLINK", "AF_PACKET", "AF_ASH", "AF_ECONET", "AF_ATMSVC", "AF_RDS", "AF_SNA", "AF_IRDA", "AF_PPPOX",
        "AF_WANPIPE", "AF_LLC", "AF_IB", "AF_MPLS", "AF_CAN", "AF_TIPC", "AF_BLUETOOTH", "AF_IUCV", "AF_RXRPC",
        "AF_ISDN", "AF_PHONET", "AF_IEEE802154", "AF_CAIF", "AF_ALG", "AF_NFC", "AF_VSOCK", "AF_KCM",
        "AF_QIPCRTR", "AF_SMC", "AF_XDP", "AF_MCTP",
    ]

    /// A socket option level: `SOL_IP` (0), `SOL_SOCKET` (1), `SOL_TCP` (6), `SOL_UDP`,
    /// `SOL_IPV6` (41), ...; otherwise `0x7 /* SOL_?? */`.
    public static func socketLevel(_ level: Int) -> String {
        StraceXlat.value(u32(level), socketLevels, "SOL_??")
    }

    static let socketLevels: Table = [
        (0, "SOL_IP"), (1, "SOL_SOCKET"), (6, "SOL_TCP"), (17, "SOL_UDP"), (40, "AF_VSOCK"), (41, "SOL_IPV6"),
        (58, "SOL_ICMPV6"), (100, "SOL_CAN_BASE"), (101, "SOL_CAN_RAW"), (132, "SOL_SCTP"), (136, "SOL_UDPLITE"),
        (255, "SOL_RAW"), (256, "SOL_IPX"), (257, "SOL_AX25"), (258, "SOL_ATALK"), (259, "SOL_NETROM"),
        (260, "SOL_ROSE"), (261, "SOL_DECNET"), (262, "SOL_X25"), (263, "SOL_PACKET"), (264, "SOL_ATM"),
        (265, "SOL_AAL"), (266, "SOL_IRDA"), (267, "SOL_NETBEUI"), (268, "SOL_LLC"), (269, "SOL_DCCP"),
        (270, "SOL_NETLINK"), (271, "SOL_TIPC"), (272, "SOL_RXRPC"), (273, "SOL_PPPOL2TP"), (274, "SOL_BLUETOOTH"),
        (275, "SOL_PNPIPE"), (276, "SOL_RDS"), (277, "SOL_IUCV"), (278, "SOL_CAIF"), (279, "SOL_ALG"),
        (280, "SOL_NFC"), (281, "SOL_KCM"), (282, "SOL_TLS"), (283, "SOL_XDP"), (284, "SOL_MPTCP"),
        (285, "SOL_MCTP"), (286, "SOL_SMC"), (287, "SOL_VSOCK"),
    ]

    /// A socket option name at `level`: `SO_REUSEADDR`, `SO_KEEPALIVE`, `SO_RCVBUF`, `TCP_NODELAY`,
    /// `IP_TOS`, `IPV6_V6ONLY`, `UDP_CORK`, ...; otherwise `0x63 /* SO_??? */` (with the level's
    /// prefix), or the plain number at levels strace does not decode. Option 26 at `SOL_SOCKET`
    /// is `SO_GET_FILTER` for `getsockopt` and `SO_ATTACH_FILTER` for `setsockopt`.
    public static func socketOption(level: Int, name: Int, getsockopt: Bool = false) -> String {
        let value = u32(name)
        switch UInt32(truncatingIfNeeded: level) {
        case 1:
            if value == 26 { return getsockopt ? "SO_GET_FILTER" : "SO_ATTACH_FILTER" }
            return StraceXlat.value(value, socketOptions, "SO_???")
        case 0: return StraceXlat.value(value, ipOptions, "IP_???")
        case 41: return StraceXlat.value(value, ipv6Options, "IPV6_???")
        case 6: return StraceXlat.value(value, tcpOptions, "TCP_???")
        case 17: return StraceXlat.value(value, udpOptions, "UDP_???")
        default: return String(value)
        }
    }

    static let socketOptions: Table = [
        (1, "SO_DEBUG"), (2, "SO_REUSEADDR"), (3, "SO_TYPE"), (4, "SO_ERROR"), (5, "SO_DONTROUTE"),
        (6, "SO_BROADCAST"), (7, "SO_SNDBUF"), (8, "SO_RCVBUF"), (9, "SO_KEEPALIVE"), (10, "SO_OOBINLINE"),
        (11, "SO_NO_CHECK"), (12, "SO_PRIORITY"), (13, "SO_LINGER"), (14, "SO_BSDCOMPAT"), (15, "SO_REUSEPORT"),
        (16, "SO_PASSCRED"), (17, "SO_PEERCRED"), (18, "SO_RCVLOWAT"), (19, "SO_SNDLOWAT"), (20, "SO_RCVTIMEO_OLD"),
        (21, "SO_SNDTIMEO_OLD"), (22, "SO_SECURITY_AUTHENTICATION"), (23, "SO_SECURITY_ENCRYPTION_TRANSPORT"),
        (24, "SO_SECURITY_ENCRYPTION_NETWORK"), (25, "SO_BINDTODEVICE"), (27, "SO_DETACH_FILTER"),
        (28, "SO_PEERNAME"), (29, "SO_TIMESTAMP_OLD"), (30, "SO_ACCEPTCONN"), (31, "SO_PEERSEC"),
        (32, "SO_SNDBUFFORCE"), (33, "SO_RCVBUFFORCE"), (34, "SO_PASSSEC"), (35, "SO_TIMESTAMPNS_OLD"),
        (36, "SO_MARK"), (37, "SO_TIMESTAMPING_OLD"), (38, "SO_PROTOCOL"), (39, "SO_DOMAIN"), (40, "SO_RXQ_OVFL"),
        (41, "SO_WIFI_STATUS"), (42, "SO_PEEK_OFF"), (43, "SO_NOFCS"), (44, "SO_LOCK_FILTER"),
        (45, "SO_SELECT_ERR_QUEUE"), (46, "SO_BUSY_POLL"), (47, "SO_MAX_PACING_RATE"), (48, "SO_BPF_EXTENSIONS"),
        (49, "SO_INCOMING_CPU"), (50, "SO_ATTACH_BPF"), (51, "SO_ATTACH_REUSEPORT_CBPF"),
        (52, "SO_ATTACH_REUSEPORT_EBPF"), (53, "SO_CNX_ADVICE"), (55, "SO_MEMINFO"), (56, "SO_INCOMING_NAPI_ID"),
        (57, "SO_COOKIE"), (59, "SO_PEERGROUPS"), (60, "SO_ZEROCOPY"), (61, "SO_TXTIME"), (62, "SO_BINDTOIFINDEX"),
        (63, "SO_TIMESTAMP_NEW"), (64, "SO_TIMESTAMPNS_NEW"), (65, "SO_TIMESTAMPING_NEW"), (66, "SO_RCVTIMEO_NEW"),
        (67, "SO_SNDTIMEO_NEW"), (68, "SO_DETACH_REUSEPORT_BPF"), (69, "SO_PREFER_BUSY_POLL"),
        (70, "SO_BUSY_POLL_BUDGET"), (71, "SO_NETNS_COOKIE"), (72, "SO_BUF_LOCK"), (73, "SO_RESERVE_MEM"),
        (74, "SO_TXREHASH"), (75, "SO_RCVMARK"), (76, "SO_PASSPIDFD"), (77, "SO_PEERPIDFD"),
    ]

    static let tcpOptions: Table = {
        let names = [
            "TCP_NODELAY", "TCP_MAXSEG", "TCP_CORK", "TCP_KEEPIDLE", "TCP_KEEPINTVL", "TCP_KEEPCNT", "TCP_SYNCNT",
            "TCP_LINGER2", "TCP_DEFER_ACCEPT", "TCP_WINDOW_CLAMP", "TCP_INFO", "TCP_QUICKACK", "TCP_CONGESTION",
            "TCP_MD5SIG", "TCP_COOKIE_TRANSACTIONS", "TCP_THIN_LINEAR_TIMEOUTS", "TCP_THIN_DUPACK",
            "TCP_USER_TIMEOUT", "TCP_REPAIR", "TCP_REPAIR_QUEUE", "TCP_QUEUE_SEQ", "TCP_REPAIR_OPTIONS",
            "TCP_FASTOPEN", "TCP_TIMESTAMP", "TCP_NOTSENT_LOWAT", "TCP_CC_INFO", "TCP_SAVE_SYN", "TCP_SAVED_SYN",
            "TCP_REPAIR_WINDOW", "TCP_FASTOPEN_CONNECT", "TCP_ULP", "TCP_MD5SIG_EXT", "TCP_FASTOPEN_KEY",
            "TCP_FASTOPEN_NO_COOKIE", "TCP_ZEROCOPY_RECEIVE", "TCP_INQ", "TCP_TX_DELAY", "TCP_AO_ADD_KEY",
            "TCP_AO_DEL_KEY", "TCP_AO_INFO", "TCP_AO_GET_KEYS", "TCP_AO_REPAIR", "TCP_IS_MPTCP",
        ]
        return names.enumerated().map { (UInt64($0.offset + 1), $0.element) }
    }()

    static let udpOptions: Table = [
        (1, "UDP_CORK"), (100, "UDP_ENCAP"), (101, "UDP_NO_CHECK6_TX"), (102, "UDP_NO_CHECK6_RX"),
        (103, "UDP_SEGMENT"), (104, "UDP_GRO"),
    ]

    static let ipOptions: Table = [
        (1, "IP_TOS"), (2, "IP_TTL"), (3, "IP_HDRINCL"), (4, "IP_OPTIONS"), (5, "IP_ROUTER_ALERT"), (6, "IP_RECVOPTS"),
        (7, "IP_RETOPTS"), (8, "IP_PKTINFO"), (9, "IP_PKTOPTIONS"), (10, "IP_MTU_DISCOVER"), (11, "IP_RECVERR"),
        (12, "IP_RECVTTL"), (13, "IP_RECVTOS"), (14, "IP_MTU"), (15, "IP_FREEBIND"), (16, "IP_IPSEC_POLICY"),
        (17, "IP_XFRM_POLICY"), (18, "IP_PASSSEC"), (19, "IP_TRANSPARENT"), (20, "IP_ORIGDSTADDR"),
        (21, "IP_MINTTL"), (22, "IP_NODEFRAG"), (23, "IP_CHECKSUM"), (24, "IP_BIND_ADDRESS_NO_PORT"),
        (25, "IP_RECVFRAGSIZE"), (26, "IP_RECVERR_RFC4884"), (32, "IP_MULTICAST_IF"), (33, "IP_MULTICAST_TTL"),
        (34, "IP_MULTICAST_LOOP"), (35, "IP_ADD_MEMBERSHIP"), (36, "IP_DROP_MEMBERSHIP"), (37, "IP_UNBLOCK_SOURCE"),
        (38, "IP_BLOCK_SOURCE"), (39, "IP_ADD_SOURCE_MEMBERSHIP"), (40, "IP_DROP_SOURCE_MEMBERSHIP"),
        (41, "IP_MSFILTER"), (42, "MCAST_JOIN_GROUP"), (43, "MCAST_BLOCK_SOURCE"), (44, "MCAST_UNBLOCK_SOURCE"),
        (45, "MCAST_LEAVE_GROUP"), (46, "MCAST_JOIN_SOURCE_GROUP"), (47, "MCAST_LEAVE_SOURCE_GROUP"),
        (48, "MCAST_MSFILTER"), (49, "IP_MULTICAST_ALL"), (50, "IP_UNICAST_IF"), (51, "IP_LOCAL_PORT_RANGE"),
        (52, "IP_PROTOCOL"),
    ]

    static let ipv6Options: Table = [
        (1, "IPV6_ADDRFORM"), (2, "IPV6_2292PKTINFO"), (3, "IPV6_2292HOPOPTS"), (4, "IPV6_2292DSTOPTS"),
        (5, "IPV6_2292RTHDR"), (6, "IPV6_2292PKTOPTIONS"), (7, "IPV6_CHECKSUM"), (8, "IPV6_2292HOPLIMIT"),
        (9, "IPV6_NEXTHOP"), (10, "IPV6_AUTHHDR"), (11, "IPV6_FLOWINFO"), (16, "IPV6_UNICAST_HOPS"),
        (17, "IPV6_MULTICAST_IF"), (18, "IPV6_MULTICAST_HOPS"), (19, "IPV6_MULTICAST_LOOP"),
        (20, "IPV6_ADD_MEMBERSHIP"), (21, "IPV6_DROP_MEMBERSHIP"), (22, "IPV6_ROUTER_ALERT"),
        (23, "IPV6_MTU_DISCOVER"), (24, "IPV6_MTU"), (25, "IPV6_RECVERR"), (26, "IPV6_V6ONLY"),
        (27, "IPV6_JOIN_ANYCAST"), (28, "IPV6_LEAVE_ANYCAST"), (29, "IPV6_MULTICAST_ALL"),
        (30, "IPV6_ROUTER_ALERT_ISOLATE"), (31, "IPV6_RECVERR_RFC4884"), (32, "IPV6_FLOWLABEL_MGR"),
        (33, "IPV6_FLOWINFO_SEND"), (34, "IPV6_IPSEC_POLICY"), (35, "IPV6_XFRM_POLICY"), (36, "IPV6_HDRINCL"),
        (42, "MCAST_JOIN_GROUP"), (43, "MCAST_BLOCK_SOURCE"), (44, "MCAST_UNBLOCK_SOURCE"),
        (45, "MCAST_LEAVE_GROUP"), (46, "MCAST_JOIN_SOURCE_GROUP"), (47, "MCAST_LEAVE_SOURCE_GROUP"),
        (48, "MCAST_MSFILTER"), (49, "IPV6_RECVPKTINFO"), (50, "IPV6_PKTINFO"), (51, "IPV6_RECVHOPLIMIT"),
        (52, "IPV6_HOPLIMIT"), (53, "IPV6_RECVHOPOPTS"), (54, "IPV6_HOPOPTS"), (55, "IPV6_RTHDRDSTOPTS"),
        (56, "IPV6_RECVRTHDR"), (57, "IPV6_RTHDR"), (58, "IPV6_RECVDSTOPTS"), (59, "IPV6_DSTOPTS"),
        (60, "IPV6_RECVPATHMTU"), (61, "IPV6_PATHMTU"), (62, "IPV6_DONTFRAG"), (63, "IPV6_USE_MIN_MTU"),
        (66, "IPV6_RECVTCLASS"), (67, "IPV6_TCLASS"), (70, "IPV6_AUTOFLOWLABEL"), (72, "IPV6_ADDR_PREFERENCES"),
        (73, "IPV6_MINHOPCOUNT"), (74, "IPV6_ORIGDSTADDR"), (75, "IPV6_TRANSPARENT"), (76, "IPV6_UNICAST_IF"),
        (77, "IPV6_RECVFRAGSIZE"), (78, "IPV6_FREEBIND"),
    ]

    /// `socket`'s protocol for `family`: `IPPROTO_IP`, `IPPROTO_TCP`, ... for `AF_INET` and
    /// `AF_INET6` (else `0x99 /* IPPROTO_??? */`), `NETLINK_ROUTE`, ... for `AF_NETLINK`, and the
    /// plain number (`0`) for `AF_UNIX` and families strace has no table for here.
    public static func ipProtocol(_ number: Int, family: Int) -> String {
        switch family {
        case 2, 10: return StraceXlat.value(u32(number), inetProtocols, "IPPROTO_???")
        case 16: return StraceXlat.value(u32(number), netlinkProtocols, "NETLINK_???")
        default: return String(UInt64(bitPattern: Int64(number)))
        }
    }

    static let inetProtocols: Table = [
        (0, "IPPROTO_IP"), (1, "IPPROTO_ICMP"), (2, "IPPROTO_IGMP"), (4, "IPPROTO_IPIP"), (6, "IPPROTO_TCP"),
        (8, "IPPROTO_EGP"), (12, "IPPROTO_PUP"), (17, "IPPROTO_UDP"), (22, "IPPROTO_IDP"), (29, "IPPROTO_TP"),
        (33, "IPPROTO_DCCP"), (41, "IPPROTO_IPV6"), (43, "IPPROTO_ROUTING"), (44, "IPPROTO_FRAGMENT"),
        (46, "IPPROTO_RSVP"), (47, "IPPROTO_GRE"), (50, "IPPROTO_ESP"), (51, "IPPROTO_AH"), (58, "IPPROTO_ICMPV6"),
        (59, "IPPROTO_NONE"), (60, "IPPROTO_DSTOPTS"), (92, "IPPROTO_MTP"), (94, "IPPROTO_BEETPH"),
        (98, "IPPROTO_ENCAP"), (103, "IPPROTO_PIM"), (108, "IPPROTO_COMP"), (115, "IPPROTO_L2TP"),
        (132, "IPPROTO_SCTP"), (135, "IPPROTO_MH"), (136, "IPPROTO_UDPLITE"), (137, "IPPROTO_MPLS"),
        (143, "IPPROTO_ETHERNET"), (255, "IPPROTO_RAW"), (256, "IPPROTO_SMC"), (262, "IPPROTO_MPTCP"),
    ]

    static let netlinkProtocols: Table = [
        (0, "NETLINK_ROUTE"), (1, "NETLINK_UNUSED"), (2, "NETLINK_USERSOCK"), (3, "NETLINK_FIREWALL"),
        (4, "NETLINK_SOCK_DIAG"), (5, "NETLINK_NFLOG"), (6, "NETLINK_XFRM"), (7, "NETLINK_SELINUX"),
        (8, "NETLINK_ISCSI"), (9, "NETLINK_AUDIT"), (10, "NETLINK_FIB_LOOKUP"), (11, "NETLINK_CONNECTOR"),
        (12, "NETLINK_NETFILTER"), (13, "NETLINK_IP6_FW"), (14, "NETLINK_DNRTMSG"), (15, "NETLINK_KOBJECT_UEVENT"),
        (16, "NETLINK_GENERIC"), (18, "NETLINK_SCSITRANSPORT"), (19, "NETLINK_ECRYPTFS"), (20, "NETLINK_RDMA"),
        (21, "NETLINK_CRYPTO"), (22, "NETLINK_SMC"),
    ]

    /// `shutdown`'s how: `SHUT_RD`, `SHUT_WR`, `SHUT_RDWR`; otherwise `0x3 /* SHUT_??? */`.
    public static func shutdownHow(_ how: Int) -> String {
        StraceXlat.value(u32(how), [(0, "SHUT_RD"), (1, "SHUT_WR"), (2, "SHUT_RDWR")], "SHUT_???")
    }

    // MARK: descriptors, polling, memory

    /// `fcntl(F_SETFD)`'s argument: `FD_CLOEXEC`; `0` for none.
    public static func fcntlFDFlags(_ flags: UInt64) -> String {
        StraceXlat.flags(u32(flags), [(1, "FD_CLOEXEC")], "FD_???")
    }

    /// `poll` events: `POLLIN|POLLPRI|POLLOUT|POLLERR|POLLHUP|POLLNVAL|POLLRDNORM|POLLRDBAND|
    /// POLLWRNORM|POLLWRBAND|POLLMSG|POLLREMOVE|POLLRDHUP|POLL_BUSY_LOOP` as set, the rest in hex;
    /// `0` for none.
    public static func pollEvents(_ events: Int) -> String {
        StraceXlat.flags(UInt64(UInt16(truncatingIfNeeded: events)), pollNames, "POLL???")
    }

    static let pollNames: Table = [
        (0x1, "POLLIN"), (0x2, "POLLPRI"), (0x4, "POLLOUT"), (0x8, "POLLERR"), (0x10, "POLLHUP"), (0x20, "POLLNVAL"),
        (0x40, "POLLRDNORM"), (0x80, "POLLRDBAND"), (0x100, "POLLWRNORM"), (0x200, "POLLWRBAND"), (0x400, "POLLMSG"),
        (0x1000, "POLLREMOVE"), (0x2000, "POLLRDHUP"), (0x8000, "POLL_BUSY_LOOP"),
    ]

    /// `mremap`'s flags: `MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP`; `0` for none.
    public static func mremapFlags(_ flags: UInt64) -> String {
        StraceXlat.flags(flags, [(1, "MREMAP_MAYMOVE"), (2, "MREMAP_FIXED"), (4, "MREMAP_DONTUNMAP")], "MREMAP_???")
    }

    /// `madvise`'s advice: `MADV_DONTNEED`, `MADV_FREE`, `MADV_HUGEPAGE`, ...; otherwise
    /// `0x7 /* MADV_??? */`.
    public static func madviseAdvice(_ advice: Int) -> String {
        StraceXlat.value(u32(advice), madviseNames, "MADV_???")
    }

    static let madviseNames: Table = [
        (0, "MADV_NORMAL"), (1, "MADV_RANDOM"), (2, "MADV_SEQUENTIAL"), (3, "MADV_WILLNEED"), (4, "MADV_DONTNEED"),
        (8, "MADV_FREE"), (9, "MADV_REMOVE"), (10, "MADV_DONTFORK"), (11, "MADV_DOFORK"), (12, "MADV_MERGEABLE"),
        (13, "MADV_UNMERGEABLE"), (14, "MADV_HUGEPAGE"), (15, "MADV_NOHUGEPAGE"), (16, "MADV_DONTDUMP"),
        (17, "MADV_DODUMP"), (18, "MADV_WIPEONFORK"), (19, "MADV_KEEPONFORK"), (20, "MADV_COLD"),
        (21, "MADV_PAGEOUT"), (22, "MADV_POPULATE_READ"), (23, "MADV_POPULATE_WRITE"),
        (24, "MADV_DONTNEED_LOCKED"), (25, "MADV_COLLAPSE"), (100, "MADV_HWPOISON"), (101, "MADV_SOFT_OFFLINE"),
        (102, "MADV_GUARD_INSTALL"), (103, "MADV_GUARD_REMOVE"),
    ]

    // MARK: files

    /// `statx`'s mask: `STATX_BASIC_STATS|STATX_MNT_ID`, `STATX_ALL`, ... (the two group names
    /// first, as strace lists them); `0` for none.
    public static func statxMask(_ mask: UInt64) -> String {
        StraceXlat.flags(u32(mask), statxMasks, "STATX_???")
    }

    static let statxMasks: Table = [
        (0xFFF, "STATX_ALL"), (0x7FF, "STATX_BASIC_STATS"), (0x1, "STATX_TYPE"), (0x2, "STATX_MODE"),
        (0x4, "STATX_NLINK"), (0x8, "STATX_UID"), (0x10, "STATX_GID"), (0x20, "STATX_ATIME"), (0x40, "STATX_MTIME"),
        (0x80, "STATX_CTIME"), (0x100, "STATX_INO"), (0x200, "STATX_SIZE"), (0x400, "STATX_BLOCKS"),
        (0x800, "STATX_BTIME"), (0x1000, "STATX_MNT_ID"), (0x2000, "STATX_DIOALIGN"), (0x4000, "STATX_MNT_ID_UNIQUE"),
        (0x8000, "STATX_SUBVOL"), (0x10000, "STATX_WRITE_ATOMIC"),
    ]

    /// `statx`'s attributes: `STATX_ATTR_IMMUTABLE|STATX_ATTR_APPEND`, ...; `0` for none.
    public static func statxAttributes(_ attributes: UInt64) -> String {
        StraceXlat.flags(attributes, statxAttributeNames, "STATX_ATTR_???")
    }

    static let statxAttributeNames: Table = [
        (0x4, "STATX_ATTR_COMPRESSED"), (0x10, "STATX_ATTR_IMMUTABLE"), (0x20, "STATX_ATTR_APPEND"),
        (0x40, "STATX_ATTR_NODUMP"), (0x800, "STATX_ATTR_ENCRYPTED"), (0x1000, "STATX_ATTR_AUTOMOUNT"),
        (0x2000, "STATX_ATTR_MOUNT_ROOT"), (0x10_0000, "STATX_ATTR_VERITY"), (0x20_0000, "STATX_ATTR_DAX"),
        (0x40_0000, "STATX_ATTR_WRITE_ATOMIC"),
    ]

    /// A file mode with its type as strace's `print_symbolic_mode_t` shows it (`st_mode`,
    /// `stx_mode`): `S_IFREG|0644`, `S_IFDIR|S_ISVTX|0777`, `S_IFCHR|0600`; a mode without a type
    /// as `0644`; an unknown type as the whole number in octal (`0170644`).
    public static func fileMode(_ mode: UInt32) -> String {
        let type = mode & 0o170000
        var prefix = ""
        if type != 0 {
            guard let name = fileTypes[type] else { return StraceXlat.octal3(UInt64(mode)) }
            prefix = name + "|"
        }
        if mode & 0o4000 != 0 { prefix += "S_ISUID|" }
        if mode & 0o2000 != 0 { prefix += "S_ISGID|" }
        if mode & 0o1000 != 0 { prefix += "S_ISVTX|" }
        return prefix + StraceXlat.octal3(UInt64(mode & ~0o177000))
    }

    static let fileTypes: [UInt32: String] = [
        0o100000: "S_IFREG", 0o140000: "S_IFSOCK", 0o010000: "S_IFIFO", 0o120000: "S_IFLNK",
        0o040000: "S_IFDIR", 0o060000: "S_IFBLK", 0o020000: "S_IFCHR",
    ]

    /// A device number (`st_rdev`, `st_dev`) as strace's `print_dev_t` shows it, split the way
    /// glibc's `major()`/`minor()` split a 64-bit `dev_t`: `makedev(0x5, 0x1)`, `makedev(0, 0)`.
    public static func device(_ dev: UInt64) -> String {
        let major = (dev & 0x0000_0000_000F_FF00) >> 8 | (dev & 0xFFFF_F000_0000_0000) >> 32
        let minor = dev & 0xFF | (dev & 0x0000_0FFF_FFF0_0000) >> 12
        return "makedev(\(StraceXlat.hex(major)), \(StraceXlat.hex(minor)))"
    }
}
