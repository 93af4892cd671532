import OspreyCore
import Testing
@testable import OspreyTools

/// Lines built from decoded memory, each checked against the line strace printed for the same
/// call in our guests (pointer values as strace printed them).
@Suite("strace lines from decoded arguments")
struct SyscallLineFormatterTests {
    func call(_ name: String, abi: String = "x86_64", args: [UInt64], strings: [Int: String] = [:],
              entry: [Int: CapturedValue] = [:], exit: [Int: CapturedValue] = [:], frame: CapturedValue? = nil,
              result: Int64?, end: String = "returned") -> String {
        var s = TraceSyscall(seq: 1, entry: 1, vcpu: 0, abi: abi, addressSpace: 0x1000, stackPointer: 0x7ff0, pc: 0x401000, pid: 7,
                             number: 0, name: name, args: args + Array(repeating: 0, count: 6 - args.count), strings: strings.mapValues { GuestText($0) },
                             result: result, end: end)
        s.decoded = TraceDecoded(entry: entry, exit: exit, frame: frame)
        return SyscallLineFormatter.line(s, withPID: false)
    }

    func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    @Test func buffersAreQuotedAndCutAt32Bytes() {
        let script = Array("d=/tmp/sc\nmkdir -p $d\necho data \"".utf8)
        #expect(call("read", args: [10, 0x46a0000, 1023], exit: [1: .bytes(Array(script.prefix(32)))], result: 286)
            == #"read(10, "d=/tmp/sc\nmkdir -p $d\necho data "..., 1023) = 286"#)
        #expect(call("read", args: [10, 0x46a0000, 1023], exit: [1: .bytes([])], result: 0) == #"read(10, "", 1023) = 0"#)
        // A failed read shows the buffer's address: the kernel wrote nothing.
        #expect(call("read", args: [0, 0x46a0000, 1], result: -11) == "read(0, 0x46a0000, 1) = -1 EAGAIN (Resource temporarily unavailable)")
        #expect(call("write", args: [1, 0x5000, 5], entry: [1: .bytes(Array("data\n".utf8))], result: 5) == #"write(1, "data\n", 5) = 5"#)
    }

    @Test func execveShowsArgvAndCountsEnvp() {
        let line = call("execve", args: [0x5000, 0x6000, 0x7ffc3852c900], strings: [0: "/usr/bin/sh"],
                        entry: [1: .strings([Array("sh".utf8), Array("/tmp/work.sh".utf8)], count: 2), 2: .strings([], count: 6)],
                        result: 0, end: "exec")
        #expect(line == #"execve("/usr/bin/sh", ["sh", "/tmp/work.sh"], 0x7ffc3852c900 /* 6 vars */) = 0"#)
    }

    @Test func waitStatusPipeFdsAndSignalFrames() {
        #expect(call("wait4", args: [UInt64(bitPattern: -1), 0x7fff7c3db14c, 0, 0], exit: [1: .bytes(le(0, 4))], result: 90)
            == "wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 90")
        #expect(call("wait4", args: [UInt64(bitPattern: -1), 0x7fff7c3db14c, 1, 0], result: -10)
            == "wait4(-1, 0x7fff7c3db14c, WNOHANG, NULL) = -1 ECHILD (No child processes)")
        #expect(call("pipe2", args: [0x7fff0000, 0], exit: [0: .bytes(le(3, 4) + le(4, 4))], result: 0) == "pipe2([3, 4], 0) = 0")
        #expect(call("rt_sigreturn", args: [], frame: .signalFrame(mask: 0, result: 90), result: nil, end: "noreturn")
            == "rt_sigreturn({mask=[]}) = 90")
        #expect(call("exit_group", args: [0], result: nil, end: "noreturn") == "exit_group(0) = ?")
    }

    @Test func signalActionsAndMasks() {
        let act = le(0x52f405, 8) + le(0x0400_0000, 8) + le(0x4a9740, 8) + le(~(UInt64(0b11) << 31), 8)
        #expect(call("rt_sigaction", args: [17, 0x7000, 0, 8], entry: [1: .bytes(act)], result: 0)
            == "rt_sigaction(SIGCHLD, {sa_handler=0x52f405, sa_mask=~[RTMIN RT_1], sa_flags=SA_RESTORER, sa_restorer=0x4a9740}, NULL, 8) = 0")
        #expect(call("rt_sigprocmask", args: [0, 0x7000, 0x7100, 8], entry: [1: .bytes(le(~0, 8))], exit: [2: .bytes(le(0, 8))], result: 0)
            == "rt_sigprocmask(SIG_BLOCK, ~[], [], 8) = 0")
    }

    @Test func socketsAndPoll() {
        let inet: [UInt8] = [2, 0, 0x15, 0xb3, 127, 0, 0, 1] + [UInt8](repeating: 0, count: 8)
        #expect(call("connect", args: [3, 0x7000, 16], entry: [1: .bytes(inet)], result: 0)
            == #"connect(3, {sa_family=AF_INET, sin_port=htons(5555), sin_addr=inet_addr("127.0.0.1")}, 16) = 0"#)
        #expect(call("accept", args: [3, 0x7000, 0x7100], entry: [2: .bytes(le(128, 4))], exit: [1: .bytes(inet), 2: .bytes(le(16, 4))], result: 4)
            == #"accept(3, {sa_family=AF_INET, sin_port=htons(5555), sin_addr=inet_addr("127.0.0.1")}, [128 => 16]) = 4"#)
        #expect(call("socket", args: [2, 1, 0], result: 3) == "socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3")
        #expect(call("setsockopt", args: [3, 1, 2, 0x7000, 4], entry: [3: .bytes(le(1, 4))], result: 0)
            == "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0")
        let fds = le(0, 4) + le(1, 2) + le(1, 2) + le(4, 4) + le(1, 2) + le(0, 2)
        #expect(call("poll", args: [0x7000, 2, UInt64(bitPattern: -1)], exit: [0: .bytes(fds)], result: 1)
            == "poll([{fd=0, events=POLLIN}, {fd=4, events=POLLIN}], 2, -1) = 1 ([{fd=0, revents=POLLIN}])")
    }

    @Test func callsWithFormsOfTheirOwn() {
        #expect(call("clone", args: [0x1200011, 0, 0, 0x469e6d0, 0], result: 90)
            == "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x469e6d0) = 90")
        #expect(call("clone", abi: "aarch64", args: [0x1200011, 0, 0, 0, 0x2c0cd0f0], result: 89)
            == "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x2c0cd0f0) = 89")
        #expect(call("prctl", args: [15, 0x7000], entry: [1: .bytes(Array("mkdir".utf8))], result: 0) == #"prctl(PR_SET_NAME, "mkdir") = 0"#)
        #expect(call("umask", args: [0], result: 0o22) == "umask(000) = 022")
        #expect(call("getdents64", args: [3, 0x46a0dd0, 32768], exit: [1: .entries(5)], result: 120)
            == "getdents64(3, 0x46a0dd0 /* 5 entries */, 32768) = 120")
        #expect(call("getrandom", abi: "aarch64", args: [0x7000, 8, 1], exit: [0: .bytes([0x53, 0x4d, 0xfd, 0xb0, 0x7b, 0x92, 0x6f, 0x4e])], result: 8)
            == #"getrandom("\x53\x4d\xfd\xb0\x7b\x92\x6f\x4e", 8, GRND_NONBLOCK) = 8"#)
        #expect(call("fcntl", args: [3, 2, 1], result: 0) == "fcntl(3, F_SETFD, FD_CLOEXEC) = 0")
        #expect(call("arch_prctl", args: [0x1002, 0x469e400], result: 0) == "arch_prctl(ARCH_SET_FS, 0x469e400) = 0")
    }

    /// Guest memory and registers are untrusted: every call of both ABIs, with all-ones
    /// arguments and short or garbage captures in every slot, formats without trapping.
    @Test func anyArgumentsAndCapturesFormatWithoutTrapping() {
        let garbage: [CapturedValue] = [.bytes([]), .bytes([0xff, 0xff, 0xff]), .bytes([UInt8](repeating: 0xff, count: 300)),
                                        .strings([[0xff]], count: Int(Int32.max)), .entries(-1), .unreadable,
                                        .iovecs([CapturedIOVec(base: .max, length: .max, bytes: [0xff])])]
        for (abi, table) in [("x86_64", LinuxSyscallSignatures.x86_64), ("aarch64", LinuxSyscallSignatures.aarch64)] {
            for name in table.keys {
                for value in garbage {
                    let slots = Dictionary(uniqueKeysWithValues: (0..<6).map { ($0, value) })
                    for result: Int64? in [nil, -1, 0, Int64.max, Int64.min] {
                        let line = call(name, abi: abi, args: Array(repeating: .max, count: 6), entry: slots, exit: slots,
                                        frame: .signalFrame(mask: .max, result: .max), result: result)
                        #expect(line.hasPrefix(name + "("))
                    }
                }
            }
        }
    }
}
