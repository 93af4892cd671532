import OspreyCore

// MARK: - Signals: sets, actions, wait statuses

extension StraceRender {
    /// A kernel `sigset_t` (bit n-1 = signal n; 8 bytes for `rt_sigprocmask` and
    /// `rt_sigaction`, 4 for the old calls) as strace's `sprintsigmask_n` prints it: names without
    /// the `SIG` prefix in signal order, real-time signals as `RTMIN` (32) and `RT_n` (32+n):
    /// `[]`, `[CHLD]`, `[INT QUIT]`. When two thirds or more of the bits are set strace prints
    /// the complement instead: `~[]` (all set), `~[RTMIN RT_1]`. Only the first 8 bytes count.
    public static func sigset(_ b: [UInt8]) -> String {
        let used = min(b.count, 8)
        let words = (used + 3) / 4
        guard words > 0 else { return "[]" }
        var mask: UInt64 = 0
        for i in 0..<used { mask |= UInt64(b[i]) << (8 * UInt64(i)) }
        let bits = words * 32
        var text = ""
        if mask.nonzeroBitCount >= bits * 2 / 3 {
            mask = ~mask & (bits == 64 ? ~0 : (1 << UInt64(bits)) - 1)
            text = "~"
        }
        var names: [String] = []
        for bit in 0..<bits where mask & (1 << UInt64(bit)) != 0 { names.append(signalSetName(bit + 1)) }
        return text + "[" + names.joined(separator: " ") + "]"
    }

    /// One signal inside a set: `INT`, `RTMIN`, `RT_3`, or the number.
    static func signalSetName(_ number: Int) -> String {
        guard let name = LinuxConstants.signalName(number) else { return String(number) }
        return name.hasPrefix("SIG") ? String(name.dropFirst(3)) : name
    }

    /// strace's `sprintsigname`: `SIGKILL`, `SIGRT_2`, or the number.
    static func signalName(_ number: Int) -> String {
        LinuxConstants.signalName(number) ?? String(number)
    }

    /// The kernel's `struct sigaction` as `rt_sigaction` takes it, in strace's form:
    /// `{sa_handler=0x52f405, sa_mask=~[RTMIN RT_1], sa_flags=SA_RESTORER, sa_restorer=0x4a9740}`,
    /// `{sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}`.
    ///
    /// Layouts: x86-64 `{handler, flags, restorer, mask}` of 8 bytes each (32 bytes); AArch64
    /// `{handler, flags, mask}` (24 bytes: the kernel has no `sa_restorer` there, and strace
    /// neither shows the field nor names the `SA_RESTORER` bit); i386 the same as x86-64 in
    /// 4-byte words with an 8-byte mask (20 bytes). `sa_restorer` is shown only when
    /// `SA_RESTORER` is set. Only the first 8 bytes of the mask count, as in strace.
    public static func sigaction(_ b: [UInt8], abi: SyscallABI) -> String? {
        let r = StraceBytes(b)
        let handler: UInt64, flags: UInt64, restorer: UInt64?, mask: [UInt8]
        switch abi {
        case .x86_64, .aarch64:
            // AArch64's kernel struct keeps sa_restorer too (for compat tasks): the mask is at
            // 24 on both, as the arm64 guests' rt_sigaction calls show against strace.
            guard let h = r.u64(0), let f = r.u64(8), let re = r.u64(16), let m = r.slice(24, 8) else { return nil }
            (handler, flags, restorer, mask) = (h, f, abi == .x86_64 ? re : nil, m)
        case .i386:
            guard let h = r.u32(0), let f = r.u32(4), let re = r.u32(8), let m = r.slice(12, 8) else { return nil }
            (handler, flags, restorer, mask) = (UInt64(h), UInt64(f), UInt64(re), m)
        }
        let handlerText: String
        switch handler {
        case 0: handlerText = "SIG_DFL"
        case 1: handlerText = "SIG_IGN"
        case UInt64.max: handlerText = "SIG_ERR"
        default: handlerText = address(handler)
        }
        var text = "{sa_handler=\(handlerText), sa_mask=\(sigset(mask)), sa_flags="
        text += StraceConstants.sigactionFlags(flags, abi: abi)
        if let restorer, flags & StraceConstants.saRestorer != 0 { text += ", sa_restorer=" + address(restorer) }
        return text + "}"
    }

    /// strace's `printaddr`: `NULL` for 0, otherwise hex.
    public static func address(_ value: UInt64) -> String {
        value == 0 ? "NULL" : "0x" + String(value, radix: 16)
    }

    /// A `wait4`/`waitpid` status as strace's `printstatus` shows it:
    /// `[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]`,
    /// `[{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}]`,
    /// `[{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}]`,
    /// `[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}]` (` | 0x80` for a syscall stop),
    /// `[{WIFCONTINUED(s)}]`; leftover bits follow as `|PTRACE_EVENT_EXEC<<16` and `|0x...`.
    public static func waitStatus(_ status: Int32) -> String {
        var s = UInt32(bitPattern: status)
        var text: String
        let low = s & 0x7F
        if s & 0xFF == 0x7F {
            let sig = Int((s >> 8) & 0xFF)
            text = "{WIFSTOPPED(s) && WSTOPSIG(s) == \(signalName(sig & 0x7F))\(sig & 0x80 != 0 ? " | 0x80" : "")}"
            s &= ~(UInt32(sig) << 8 | 0x7F)
        } else if low != 0 && low != 0x7F {
            text = "{WIFSIGNALED(s) && WTERMSIG(s) == \(signalName(Int(low)))\(s & 0x80 != 0 ? " && WCOREDUMP(s)" : "")}"
            s &= ~(low | 0x80)
        } else if low == 0 {
            let code = (s >> 8) & 0xFF
            text = "{WIFEXITED(s) && WEXITSTATUS(s) == \(code)}"
            s &= ~(code << 8)
        } else if s == 0xFFFF {
            text = "{WIFCONTINUED(s)}"
            s = 0
        } else {
            return "[" + StraceXlat.hex(UInt64(s)) + "]"
        }
        if s != 0 {
            let event = s >> 16
            if event != 0 {
                text += "|" + StraceXlat.value(UInt64(event), StraceConstants.ptraceEvents, "PTRACE_EVENT_???") + "<<16"
                s &= 0xFFFF
            }
            if s != 0 { text += "|" + StraceXlat.hex(UInt64(s)) }
        }
        return "[" + text + "]"
    }
}
