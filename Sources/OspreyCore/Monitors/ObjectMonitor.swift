/// The OS object monitors: keep a shadow copy of the kernel's processes, threads, open files,
/// memory regions and sockets, and turn what changes into events.
///
/// The shadow is built from the whole task list at the first stop, then updated at stops
/// after the calls that change it (``MonitorReason``), by re-reading only the calling
/// process's objects and diffing them against the copy. Processes that end without a call
/// of their own (killed by a signal) are found by their parent's `wait4` status or by a
/// walk of the task list after process calls.
///
/// Not thread-safe: the plugin keeps it behind a lock.
public final class ObjectMonitor {
    public internal(set) var processes: [GuestPID: ShadowProcess] = [:]
    /// Thread id -> process id, for threads other than leaders.
    private var threadOwner: [GuestPID: GuestPID] = [:]
    private var initialised = false
    /// Problems reported once each (a structure that could not be read).
    private var reported: Set<String> = []
    /// What to read: files (descriptors), memory (regions and modules), sockets.
    public var reads: MonitorInterest = [.processes, .files, .memory, .sockets]
    /// Receives one line per new problem.
    public var log: ((String) -> Void)?
    /// Processes kept after their exit (for the views), beyond which the oldest are dropped.
    public static let processLimit = 65536

    public init() {}

    /// Updates the shadow at a stop of `vcpu` and returns the events, in order.
    public func stop(_ reader: LinuxObjectReader, vcpu: Int, reasons: [MonitorReason]) -> [MonitorEvent] {
        guard let current = reader.currentTask(), let task = reader.task(at: current) else {
            problem("the current task could not be read")
            return []
        }
        var out: [MonitorEvent] = []
        var context = Context(reader: reader, vcpu: vcpu, task: task)
        if !initialised {
            initialised = true
            reconcile(context, out: &out)
        }
        if processes[task.pid] == nil {
            discover(task, context: context, isCurrent: true, out: &out)
        } else if !task.isLeader, threadOwner[task.tid] == nil {
            threadStarted(tid: task.tid, in: task.pid, context: context, out: &out)
        }
        if let known = processes[task.pid], !task.isKernelThread, known.task.mm != task.mm, !known.exited {
            exec(context: context, out: &out)
        } else if let known = processes[task.pid], known.commandLine == nil, !task.isKernelThread {
            processes[task.pid]?.commandLine = reader.commandLine(mm: task.mm)
        }
        for reason in reasons {
            switch reason {
            case .newAddressSpace:
                break  // handled above: a new process, or an exec (the mm changed)
            case .exiting(let thread, let code):
                exiting(thread: thread, code: code, context: context, out: &out)
            case .returned(let call):
                returned(call, context: &context, out: &out)
            }
        }
        return out
    }

    /// What a stop's handlers share.
    struct Context {
        let reader: LinuxObjectReader
        let vcpu: Int
        var task: KernelTask
    }

    // MARK: events

    func event(_ type: String, _ name: String, _ task: KernelTask, vcpu: Int, _ fields: [MonitorEvent.Field] = []) -> MonitorEvent {
        MonitorEvent(type: type, event: name, vcpu: vcpu, pid: task.pid, tid: task.tid, comm: task.comm, fields: fields)
    }

    func problem(_ text: String) {
        guard reported.count < 256, reported.insert(text).inserted else { return }
        log?("osprey monitors: \(text); going on without it")
    }

    // MARK: processes

    /// Walks the task list from the current task: processes not in the shadow start,
    /// processes gone from it (or zombies) end.
    func reconcile(_ context: Context, out: inout [MonitorEvent]) {
        let reader = context.reader, vcpu = context.vcpu, current = context.task.address
        let list = reader.taskList(from: current)
        guard !list.isEmpty else {
            problem("the task list could not be walked")
            return
        }
        var seen: Set<GuestPID> = []
        for address in list {
            // pid 0 is the boot CPU's idle task, the list's head; /proc does not list it.
            guard let task = reader.task(at: address), task.pid != 0 else { continue }
            seen.insert(task.pid)
            if processes[task.pid] == nil {
                discover(task, context: context, isCurrent: address == current, out: &out)
            } else if task.isLeader {
                changed(task, vcpu: vcpu, out: &out)
            }
            if task.exitState != 0, processes[task.pid]?.exited == false {
                ended(task.pid, status: ExitStatus(waitStatus: task.exitCode), how: "zombie", vcpu: vcpu, out: &out)
            }
        }
        for (pid, process) in processes.sorted(by: { $0.key < $1.key }) where !process.exited && !seen.contains(pid) {
            ended(pid, status: nil, how: "vanished", vcpu: vcpu, out: &out)
        }
    }

    /// A process seen for the first time: its start, then its files and regions.
    func discover(_ task: KernelTask, context: Context, isCurrent: Bool, inheritFrom parent: ShadowProcess? = nil, out: inout [MonitorEvent]) {
        let reader = context.reader
        var process = ShadowProcess(task: task)
        if !task.isKernelThread {
            process.executable = reader.executable(mm: task.mm)
            if isCurrent {
                process.commandLine = reader.commandLine(mm: task.mm)
            } else if let parent, parent.executable == process.executable {
                process.commandLine = parent.commandLine
            }
        }
        if processes.count >= Self.processLimit, let oldest = processes.first(where: { $0.value.exited })?.key {
            processes[oldest] = nil
        }
        var fields: [MonitorEvent.Field] = [.init("ppid", .int(Int64(task.ppid))), .init("state", .string(task.stateLetter))]
        if task.isKernelThread { fields.append(.init("kernel_thread", .bool(true))) }
        if let uid = task.uid { fields.append(.init("uid", .int(Int64(uid)))) }
        if let exe = process.executable { fields.append(.init("exe", .text(exe))) }
        if let argv = process.commandLine { fields.append(.init("argv", .texts(argv))) }
        out.append(event("process", "start", task, vcpu: context.vcpu, fields))
        processes[task.pid] = process
        guard !task.isKernelThread else { return }
        for thread in reader.threads(of: task.address).dropFirst() {
            guard let t = reader.task(at: thread), t.pid == task.pid else { continue }
            threadStarted(tid: t.tid, in: task.pid, context: context, out: &out)
        }
        var sub = context
        sub.task = task
        if reads.contains(.files) { refreshFiles(context: sub, inherited: true, out: &out) }
        if reads.contains(.memory) { refreshRegions(context: sub, inherited: true, out: &out) }
    }

    /// A known process read again (at a task-list walk, or after it changed its ids): one
    /// `process update` event with what differs from the shadow (parent after reparenting,
    /// real uid, state letter), none when nothing does.
    func changed(_ task: KernelTask, vcpu: Int, out: inout [MonitorEvent]) {
        guard var process = processes[task.pid], !process.exited, process.task.address == task.address else { return }
        let before = process.task
        var fields: [MonitorEvent.Field] = []
        if task.ppid != before.ppid { fields.append(.init("ppid", .int(Int64(task.ppid)))) }
        if let uid = task.uid, uid != before.uid { fields.append(.init("uid", .int(Int64(uid)))) }
        // (a zombie's Z comes with its exit event)
        if task.exitState == 0, task.stateLetter != before.stateLetter { fields.append(.init("state", .string(task.stateLetter))) }
        process.task.ppid = task.ppid
        if task.uid != nil { process.task.uid = task.uid }
        process.task.state = task.state
        process.task.exitState = task.exitState
        processes[task.pid] = process
        guard !fields.isEmpty else { return }
        out.append(event("process", "update", process.task, vcpu: vcpu, fields))
    }

    func threadStarted(tid: GuestPID, in pid: GuestPID, context: Context, out: inout [MonitorEvent]) {
        guard threadOwner[tid] == nil, tid != pid, var process = processes[pid] else { return }
        threadOwner[tid] = pid
        process.threads.insert(tid)
        processes[pid] = process
        var task = process.task
        task.tid = tid
        out.append(event("thread", "start", task, vcpu: context.vcpu))
    }

    /// The current process runs a new image (its mm changed).
    func exec(context: Context, out: inout [MonitorEvent]) {
        let task = context.task
        guard var process = processes[task.pid] else { return }
        let reader = context.reader
        process.task = task
        process.executable = reader.executable(mm: task.mm)
        process.commandLine = reader.commandLine(mm: task.mm)
        for tid in process.threads { threadOwner[tid] = nil }
        process.threads = []
        processes[task.pid] = process
        var fields: [MonitorEvent.Field] = []
        if let exe = process.executable { fields.append(.init("exe", .text(exe))) }
        if let argv = process.commandLine { fields.append(.init("argv", .texts(argv))) }
        out.append(event("process", "exec", task, vcpu: context.vcpu, fields))
        if reads.contains(.files) { refreshFiles(context: context, inherited: false, out: &out) }
        if reads.contains(.memory) { refreshRegions(context: context, inherited: false, out: &out) }
    }

    func exiting(thread: Bool, code: Int, context: Context, out: inout [MonitorEvent]) {
        let task = context.task
        guard let process = processes[task.pid] else { return }
        if thread && (!task.isLeader || !process.threads.isEmpty) {
            threadEnded(task, code: code, vcpu: context.vcpu, out: &out)
            return
        }
        ended(task.pid, status: ExitStatus(code: code & 0xFF), how: thread ? "exit" : "exit_group", vcpu: context.vcpu, out: &out)
    }

    /// Reports a thread's end (a leader whose group lives on stays the process).
    func threadEnded(_ task: KernelTask, code: Int, vcpu: Int, out: inout [MonitorEvent]) {
        if !task.isLeader {
            threadOwner[task.tid] = nil
            processes[task.pid]?.threads.remove(task.tid)
        }
        out.append(event("thread", "exit", task, vcpu: vcpu, [.init("code", .int(Int64(code & 0xFF)))]))
    }

    /// Reports the end of a process once.
    func ended(_ pid: GuestPID, status: ExitStatus?, how: String, vcpu: Int, out: inout [MonitorEvent]) {
        guard var process = processes[pid], !process.exited else { return }
        process.exited = true
        process.task.exitState = 0x20
        for tid in process.threads { threadOwner[tid] = nil }
        processes[pid] = process
        var fields: [MonitorEvent.Field] = [.init("how", .string(how))]
        if let code = status?.code { fields.append(.init("code", .int(Int64(code)))) }
        if let signal = status?.signal { fields.append(.init("signal", .int(Int64(signal)))) }
        if status?.core == true { fields.append(.init("core", .bool(true))) }
        out.append(event("process", "exit", process.task, vcpu: vcpu, fields))
    }

    /// A watched store wrote `exit_state` of the task at `address` (the kernel's `exit_notify`,
    /// on the dying task's own vCPU): the process or thread ended, also when no call of its
    /// own said so (killed by a signal). Ignored when `address` is no known task.
    public func taskDied(_ reader: LinuxObjectReader, address: UInt64, vcpu: Int) -> [MonitorEvent] {
        guard let task = reader.task(at: address), task.exitState != 0 else { return [] }
        var out: [MonitorEvent] = []
        if task.isLeader {
            guard processes[task.pid]?.task.address == address else { return [] }
            ended(task.pid, status: ExitStatus(waitStatus: task.exitCode), how: "exit_state", vcpu: vcpu, out: &out)
        } else if threadOwner[task.tid] == task.pid {
            threadEnded(task, code: Int((task.exitCode >> 8) & 0xFF), vcpu: vcpu, out: &out)
        }
        return out
    }

    // MARK: calls

    func returned(_ call: MonitoredCall, context: inout Context, out: inout [MonitorEvent]) {
        let wanted = MonitorInterest.of(call.name)
        guard call.succeeded else { return }
        switch call.name {
        case "fork", "vfork", "clone", "clone3":
            forked(call, context: context, out: &out)
            return  // the child's files and regions were read with it; the parent's did not change
        case "wait4", "waitid":
            if call.result > 0, let child = GuestPID(exactly: call.result), let status = call.waitStatus {
                ended(child, status: ExitStatus(waitStatus: status), how: "reaped", vcpu: context.vcpu, out: &out)
            }
            reconcile(context, out: &out)
        case "kill", "tkill", "tgkill":
            reconcile(context, out: &out)
        case "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid", "setfsgid",
             "setuid32", "setgid32", "setreuid32", "setregid32", "setresuid32", "setresgid32":
            if let t = context.reader.task(at: context.task.address), t.isLeader {
                context.task = t
                changed(t, vcpu: context.vcpu, out: &out)
            }
        case "prctl":
            if call.args[0] == 15 /* PR_SET_NAME */, let t = context.reader.task(at: context.task.address) {
                context.task = t
                if processes[t.pid]?.task.comm != t.comm, t.isLeader {
                    processes[t.pid]?.task.comm = t.comm
                    out.append(event("process", "rename", t, vcpu: context.vcpu))
                }
            }
        default: break
        }
        let interest = wanted.intersection(reads)
        if interest.contains(.files) { refreshFiles(context: context, inherited: false, call: call, out: &out) }
        if interest.contains(.sockets) { socketCall(call, context: context, out: &out) }
        if interest.contains(.memory) { refreshRegions(context: context, inherited: false, out: &out) }
    }

    /// The parent's side of a fork or clone: the new process or thread.
    func forked(_ call: MonitoredCall, context: Context, out: inout [MonitorEvent]) {
        guard call.result > 0, let child = GuestPID(exactly: call.result) else { return }
        let reader = context.reader
        // A thread is on its group's list (clone3 keeps its flags in memory, so look rather than decode).
        if let leader = processes[context.task.pid]?.task.address,
           reader.threads(of: leader).contains(where: { reader.task(at: $0)?.tid == child }) {
            threadStarted(tid: child, in: context.task.pid, context: context, out: &out)
            return
        }
        guard processes[child] == nil else { return }  // it ran first and was found at its own stop
        guard let task = reader.taskList(from: context.task.address).lazy.compactMap(reader.task(at:)).first(where: { $0.pid == child })
        else {
            problem("a new process was not found on the task list")
            return
        }
        discover(task, context: context, isCurrent: false, inheritFrom: processes[context.task.pid], out: &out)
    }
}
