/// Tests that find the current task and `task_struct`'s identity, family and credential fields.
extension LinuxProfileGraph {
    typealias F = LinuxField
    typealias Test = ProfileTest<LinuxFacts>
    typealias Field = FieldSpec<LinuxFacts>
    static let taskRange = CandidateSpace<LinuxFacts>.range(0, 0x1800, step: 4)
    static let taskPointerRange = CandidateSpace<LinuxFacts>.range(0, 0x1800, step: 8)
    static let credRange = CandidateSpace<LinuxFacts>.range(0, 0x80, step: 4)

    /// The per-CPU area scanned for the current task pointer (x86-64), in bytes.
    static let perCPUScan = 0x40000

    static var taskTests: [Test] {
        [
            Test("current-task", at: "a call by a process's main thread whose pid and tid are known (getpid, gettid/set_tid_address)",
                 fields: [Field(F.currentTask, .observed(currentTaskCandidates), sharesByValue: true), Field(F.pid, taskRange)],
                 // Several per-CPU words hold the current task at a call (the run queue's
                 // `curr` after `current_task`; a stale slot of the IRQ stack before it, until
                 // another thread runs): the lowest wins only after stops of 3 threads.
                 tieBreak: .lowest(afterStops: 6, subjects: 3), subject: { $0.facts.thread($0.stop).tid ?? 0 },
                 applies: { p in
                     let t = p.facts.thread(p.stop)
                     return (t.tid ?? 0) >= 32 && t.tid == t.pid
                 },
                 step: { p, level, o, values in
                     if level == 0 {
                         // A process's main thread is its own group leader: the start of its
                         // task_struct is pointed to from inside it. Pointers into the middle
                         // of the task (a run queue's current sched_entity) fail here.
                         guard let task = p.currentTask(at: o[0]),
                               stride(from: 0, to: 0x1800, by: 8).contains(where: { p.memory.u64(task &+ UInt64($0)) == task })
                         else { return .fail }
                         values[0] = task
                         return .descend
                     }
                     guard let v = p.memory.u32(p.at(values[0], o[1])) else { return .fault(level: 0) }
                     return Int(v) == p.facts.thread(p.stop).tid ? .descend : .fail
                 }),
            Test("tgid", at: "a call by a thread whose pid is known (getpid)",
                 fields: [Field(F.tgid, taskRange)], needs: [F.currentTask, F.pid],
                 applies: { ($0.facts.thread($0.stop).pid ?? 0) >= 32 && $0.currentTask != nil },
                 step: { p, _, o, _ in
                     guard o[0] != p.offset(F.pid), let task = p.currentTask, let v = p.memory.u32(p.at(task, o[0])) else { return .fail }
                     return Int(v) == p.facts.thread(p.stop).pid ? .descend : .fail
                 }),
            Test("comm", at: "the first call of a program started by execve",
                 fields: [Field(F.comm, taskRange)], needs: [F.currentTask],
                 applies: { $0.facts.image($0.stop).comm != nil && $0.currentTask != nil },
                 step: { p, _, o, _ in
                     guard let task = p.currentTask, let comm = p.facts.image(p.stop).comm,
                           let bytes = p.memory.bytes(at: p.at(task, o[0]), count: comm.count + 1)
                     else { return .fail }
                     return Array(bytes.prefix(comm.count)) == comm && bytes[comm.count] == 0 ? .descend : .fail
                 }),
            Test("tasks", at: "any call (walks the task list)",
                 fields: [Field(F.tasks, taskPointerRange)], needs: [F.currentTask, F.pid, F.tgid, F.comm],
                 applies: { $0.currentTask != nil },
                 step: { p, _, o, _ in taskListPasses(p, link: o[0]) ? .descend : .fail }),
            Test("real_parent", at: "a call after getppid",
                 fields: [Field(F.realParent, taskPointerRange)], needs: [F.currentTask, F.tgid],
                 tieBreak: .lowest(afterStops: 3),
                 applies: { ($0.facts.thread($0.stop).ppid ?? 0) >= 1 && $0.currentTask != nil },
                 step: { p, _, o, _ in parentMatches(p, o[0], excluding: nil) }),
            Test("parent", at: "a call after getppid",
                 fields: [Field(F.parent, taskPointerRange)], needs: [F.currentTask, F.tgid, F.realParent],
                 tieBreak: .lowest(afterStops: 3),
                 applies: { ($0.facts.thread($0.stop).ppid ?? 0) >= 1 && $0.currentTask != nil },
                 step: { p, _, o, _ in parentMatches(p, o[0], excluding: p.offset(F.realParent)) }),
            Test("group_leader", at: "any call (the leader's pid is the caller's tgid)",
                 fields: [Field(F.groupLeader, taskPointerRange)], needs: [F.currentTask, F.pid, F.tgid],
                 tieBreak: .lowest(afterStops: 5),
                 applies: { $0.currentTask != nil },
                 step: { p, _, o, _ in
                     guard let task = p.currentTask, let tgid = p.u32(task, F.tgid), let leader = p.pointer(at: p.at(task, o[0])),
                           p.u32(leader, F.pid) == tgid, p.u32(leader, F.tgid) == tgid
                     else { return .fail }
                     return .descend
                 }),
            Test("thread_group", at: "a call by a thread that is not its process's leader",
                 fields: [Field(F.threadGroup, taskPointerRange)], needs: [F.currentTask, F.pid, F.tgid],
                 applies: isNonLeaderThread,
                 step: { p, _, o, _ in threadRing(p, link: o[0], foreignNodes: 0) ? .descend : .fail }),
            Test("thread_node", at: "a call by a thread that is not its process's leader",
                 fields: [Field(F.threadNode, taskPointerRange)], needs: [F.currentTask, F.pid, F.tgid],
                 applies: isNonLeaderThread,
                 step: { p, _, o, _ in threadRing(p, link: o[0], foreignNodes: 1) ? .descend : .fail }),
            Test("cred-ids", at: "a call by a thread whose uid, gid, euid and egid are known and not all 0",
                 fields: [Field(F.realCred, taskPointerRange, sharesByValue: true), Field(F.uid, .range(0, 0x60, step: 4)),
                          Field(F.gid, credRange), Field(F.euid, credRange), Field(F.egid, credRange)],
                 needs: [F.currentTask], tieBreak: .lowest(afterStops: 3),
                 applies: { p in
                     let t = p.facts.thread(p.stop)
                     guard let a = t.uid, let b = t.gid, let c = t.euid, let d = t.egid, p.currentTask != nil else { return false }
                     return a != 0 || b != 0 || c != 0 || d != 0
                 },
                 step: credStep),
            Test("cred", at: "a call by a thread whose uid, gid, euid and egid are known and not all 0",
                 fields: [Field(F.cred, taskPointerRange)], needs: [F.currentTask, F.realCred, F.uid, F.euid],
                 tieBreak: .lowest(afterStops: 3),
                 applies: { p in
                     let t = p.facts.thread(p.stop)
                     return t.uid != nil && t.euid != nil && (t.uid != 0 || t.euid != 0) && p.currentTask != nil
                 },
                 step: { p, _, o, _ in
                     let t = p.facts.thread(p.stop)
                     guard o[0] != p.offset(F.realCred), let task = p.currentTask, let cred = p.pointer(at: p.at(task, o[0])),
                           p.u32(cred, F.uid).map(Int.init) == t.uid, p.u32(cred, F.euid).map(Int.init) == t.euid
                     else { return .fail }
                     return .descend
                 }),
            // exit_state alone first: EXIT_ZOMBIE in the zombie and 0 in the running caller,
            // whatever the exit code. Then exit_code, from a zombie whose code is not 0 (a zero
            // code cannot be told from the task's other zero words), so its enumeration is one
            // field wide.
            Test("exit_state", at: "a call while a process that called exit_group is a zombie",
                 fields: [Field(F.exitState, taskRange)], needs: [F.currentTask, F.pid, F.tasks],
                 applies: { p in !p.facts.exited.isEmpty && zombie(p) != nil },
                 step: { p, _, o, _ in
                     guard let (task, _) = zombie(p), let current = p.currentTask else { return .inapplicable }
                     return p.memory.u32(p.at(task, o[0])) == 0x20 /* EXIT_ZOMBIE */ && p.memory.u32(p.at(current, o[0])) == 0 ? .descend : .fail
                 }),
            // do_exit stores the code before it can sleep (in exit_mm, say), so a process that
            // entered exit_group and was scheduled out holds it already, before it is a zombie,
            // which a parent blocked in wait4 reaps before any other call is entered. Two
            // agreeing stops guard against a task caught before the store.
            Test("exit_code", at: "a call while a process that called exit_group with a code other than 0 is still on the task list",
                 fields: [Field(F.exitCode, taskRange)], needs: [F.currentTask, F.pid, F.tasks, F.exitState],
                 agreeingStops: 2,
                 applies: { p in !p.facts.exited.isEmpty && (zombie(p)?.1 ?? 0) != 0 },
                 step: { p, _, o, _ in
                     guard let (task, code) = zombie(p), code != 0, let current = p.currentTask, task != current else { return .inapplicable }
                     guard o[0] != p.offset(F.exitState), let v = p.memory.u32(p.at(task, o[0])) else { return .fail }
                     // The running caller has not exited: its exit_code is 0.
                     return Int(v) == code << 8 && p.memory.u32(p.at(current, o[0])) == 0 ? .descend : .fail
                 }),
            Test("state", at: "a call while a zombie whose exit code is known is on the task list",
                 fields: [Field(F.state, .range(0, 0x100, step: 4))], needs: [F.currentTask, F.pid, F.tasks],
                 tieBreak: .lowest(afterStops: 4),
                 applies: { zombie($0) != nil },
                 step: { p, _, o, _ in
                     // The caller runs (TASK_RUNNING, 0); a zombie has passed do_task_dead (TASK_DEAD, 0x80).
                     guard let task = p.currentTask, let (dead, _) = zombie(p),
                           p.memory.u32(p.at(task, o[0])) == 0, p.memory.u32(p.at(dead, o[0])) == 0x80
                     else { return .fail }
                     return .descend
                 }),
            Test("start_time", at: "a call after fork/clone (the child is the newest task)",
                 fields: [Field(F.startTime, taskPointerRange)], needs: [F.currentTask, F.pid, F.tasks],
                 kind: .heuristic(votes: 2), tieBreak: .lowest(afterStops: 4),
                 applies: { newChild($0) != nil },
                 step: { p, _, o, _ in
                     let pid = p.offset(F.pid)
                     guard o[0] + 8 <= pid || o[0] >= pid + 8, let child = newChild(p) else { return .fail }  // not the pid/tgid pair
                     // The task list runs from init_task (pid 0, start time 0) to the newest
                     // process, in creation order; start times follow that order. A fork on the
                     // other CPU may take the list lock out of order, so one inversion is allowed.
                     // Pointers kept next to the times (set_child_tid) are 0 for kernel threads.
                     // Until the first timer tick the clock (still the jiffies clocksource) reads
                     // 0: the tasks created before it (with icount, init and the first kernel
                     // threads) read 0 in both times, like init_task, and only as a leading run.
                     let tasks = p.allTasks()
                     guard let idle = tasks.firstIndex(where: { p.u32($0, F.pid) == 0 }) else { return .fail }
                     var newest: UInt64 = 0
                     var inversions = 0
                     for (index, task) in (tasks[idle...] + tasks[..<idle]).enumerated() {
                         guard let v = p.memory.u64(p.at(task, o[0])) else { return .fail }
                         if index == 0 {
                             guard v == 0 else { return .fail }
                             continue
                         }
                         if v == 0 {
                             guard newest == 0, p.memory.u64(p.at(task, o[0] + 8)) == 0 else { return .fail }
                             continue
                         }
                         guard v < 10_000_000_000_000 else { return .fail }
                         if v < newest { inversions += 1 }
                         newest = max(newest, v)
                     }
                     guard inversions <= 1 else { return .fail }
                     // The child just forked started last, after boot began, within hours of it;
                     // its boot-based start time (start_boottime, declared next since 5.5) was
                     // read from the clock right after, and equals it without a suspend.
                     guard let mine = p.memory.u64(p.at(child, o[0])), mine == newest,
                           mine > 1_000_000, mine < 10_000_000_000_000,
                           let boot = p.memory.u64(p.at(child, o[0] + 8)), boot >= mine, boot - mine < 1_000_000
                     else { return .fail }
                     return .descend
                 }),
        ]
    }

    /// Candidate locations of the current task pointer: SP_EL0 on AArch64; on x86-64 every
    /// offset of the per-CPU area (from GS base) that holds a kernel pointer.
    @Sendable static func currentTaskCandidates(_ p: Probe<LinuxFacts>) -> [Int] {
        if p.architecture == .aarch64 { return [F.registerSPEL0] }
        guard p.isKernelPointer(p.stop.perCPUBase) else { return [] }
        var out: [Int] = []
        for offset in stride(from: 0, to: perCPUScan, by: 8) {
            if let v = p.memory.u64(p.stop.perCPUBase &+ UInt64(offset)), p.isKernelPointer(v) { out.append(offset) }
        }
        return out
    }

    static func taskListPasses(_ p: Probe<LinuxFacts>, link: Int) -> Bool {
        guard let start = p.currentTask else { return false }
        var node = p.at(start, link)
        guard let first = p.pointer(at: node), p.memory.u64(first &+ 8) == node else { return false }
        var pids = Set<UInt32>()
        var sawIdle = false
        for _ in 0..<4096 {
            guard let next = p.pointer(at: node) else { return false }
            let task = p.at(next, -link)
            if task == start { return sawIdle && pids.count >= 3 }
            guard let pid = p.u32(task, F.pid), let tgid = p.u32(task, F.tgid), pid == tgid, pid < 4_194_304,
                  let comm = p.memory.cString(at: p.at(task, p.offset(F.comm)), limit: 16), Probe.isPrintableName(comm),
                  pids.insert(pid).inserted
            else { return false }
            if pid == 0 { sawIdle = comm.starts(with: Array("swapper".utf8)) }
            node = next
        }
        return false
    }

    static func parentMatches(_ p: Probe<LinuxFacts>, _ offset: Int, excluding: Int?) -> TestStep {
        guard offset != excluding, let task = p.currentTask, let parent = p.pointer(at: p.at(task, offset)), parent != task,
              let tgid = p.u32(parent, F.tgid), Int(tgid) == p.facts.thread(p.stop).ppid
        else { return .fail }
        return .descend
    }

    @Sendable static func isNonLeaderThread(_ p: Probe<LinuxFacts>) -> Bool {
        guard let task = p.currentTask, let pid = p.u32(task, F.pid), let tgid = p.u32(task, F.tgid) else { return false }
        return pid != tgid
    }

    /// Whether the list through `link` is a ring of the caller's threads, with exactly
    /// `foreignNodes` nodes that are not tasks (the list head kept outside any task).
    static func threadRing(_ p: Probe<LinuxFacts>, link: Int, foreignNodes: Int) -> Bool {
        guard let start = p.currentTask, let tgid = p.u32(start, F.tgid) else { return false }
        var node = p.at(start, link)
        var pids = Set<UInt32>()
        var foreign = 0
        for _ in 0..<1024 {
            guard let next = p.pointer(at: node), p.memory.u64(next &+ 8) == node else { return false }
            let task = p.at(next, -link)
            if task == start { return foreign == foreignNodes && pids.count >= 1 }
            if let pid = p.u32(task, F.pid), p.u32(task, F.tgid) == tgid, pid != 0, pids.insert(pid).inserted {
                // one of our threads
            } else {
                foreign += 1
                if foreign > foreignNodes { return false }
            }
            node = next
        }
        return false
    }

    /// Checks the cred id block: uid, gid, suid, sgid, euid, egid (the layout of struct cred
    /// since 2.6.29 is the test's structural assumption; each value is checked against the
    /// caller's getuid/getgid/geteuid/getegid results).
    @Sendable static func credStep(_ p: Probe<LinuxFacts>, _ level: Int, _ o: [Int], _ values: inout [UInt64]) -> TestStep {
        let t = p.facts.thread(p.stop)
        switch level {
        case 0:
            guard let task = p.currentTask, let cred = p.pointer(at: p.at(task, o[0])) else { return .fail }
            values[0] = cred
            return .descend
        case 1:
            let base = p.at(values[0], o[1])
            guard let ids = p.memory.bytes(at: base, count: 24) else { return .fault(level: 0) }
            func id(_ i: Int) -> Int { Int(UInt32(ids[i * 4]) | UInt32(ids[i * 4 + 1]) << 8 | UInt32(ids[i * 4 + 2]) << 16 | UInt32(ids[i * 4 + 3]) << 24) }
            return id(0) == t.uid && id(1) == t.gid && id(4) == t.euid && id(5) == t.egid ? .descend : .fail
        default:
            let expected = [2: o[1] + 4, 3: o[1] + 16, 4: o[1] + 20][level]
            return o[level] == expected ? .descend : .fail
        }
    }

    /// A task on the list that entered exit_group with a known code (a zombie, or on its way to
    /// being one): (task, code), one with a code other than 0 if there is one. Cached per stop.
    static func zombie(_ p: Probe<LinuxFacts>) -> (UInt64, Int)? {
        let key = p.cacheKey(.zombie, F.currentTask, F.tasks, F.pid)
        if let cached = p.lists[key] { return cached.count == 2 ? (cached[0], Int(cached[1])) : nil }
        // A zombie whose exit code is not 0 tells exit_code apart from the zero words of the
        // task: prefer one (orphans that exited 0 can sit first on the list for long).
        var found: (UInt64, Int)?
        if !p.facts.exited.isEmpty {
            for task in p.allTasks() {
                if let pid = p.u32(task, F.pid), let code = p.facts.exited[Int(pid)] {
                    if found == nil || (found?.1 == 0 && code != 0) { found = (task, code) }
                    if code != 0 { break }
                }
            }
        }
        p.lists[key] = found.map { [$0.0, UInt64($0.1)] } ?? []
        return found
    }

    /// After a successful fork/clone of a process: the child's task (on the task list).
    static func newChild(_ p: Probe<LinuxFacts>) -> UInt64? {
        guard let previous = p.stop.previous, ["clone", "clone3", "fork", "vfork"].contains(previous.name),
              previous.cloneFlags & CloneFlags.thread == 0, let result = previous.result, result > 0
        else { return nil }
        return p.task(pid: Int(result))
    }
}
