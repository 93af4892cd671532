import Testing
@testable import OspreyCore

@Suite("Syscall tracker: matching exits to entries")
struct SyscallTrackerTests {
    @Test func plainCallReturnsWithResult() {
        let s = TrackerScript()
        s.enter("getpid", space: 0x1000, sp: 0x7ff0)
        s.ret(42, space: 0x1000, sp: 0x7ff0)
        #expect(s.summary == ["getpid:returned:42:42"])
        #expect(s.events[0].seq == 1)
    }

    @Test func returnWithoutEntryIsIgnored() {
        let s = TrackerScript()
        s.ret(0, space: 0x1000, sp: 0x7ff0)
        #expect(s.events.isEmpty)
    }

    @Test func returnAtOtherAddressDoesNotMatch() {
        let s = TrackerScript()
        s.enter("read", space: 0x1000, sp: 0x7ff0, pc: 0x401000)
        s.ret(5, space: 0x1000, sp: 0x7ff0, pc: 0x402000)
        #expect(s.events.isEmpty)
        #expect(s.tracker.finish() == 1)
        #expect(s.summary == ["read:unfinished:-:?"])
    }

    @Test func blockingCallWhileOthersRun() {
        let s = TrackerScript()
        s.enter("read", space: 0x1000, sp: 0x7ff0)
        s.enter("write", space: 0x2000, sp: 0x7ff0)
        s.ret(3, space: 0x2000, sp: 0x7ff0)
        s.enter("getpid", space: 0x2000, sp: 0x7ff0)
        s.ret(7, space: 0x2000, sp: 0x7ff0)
        s.ret(10, space: 0x1000, sp: 0x7ff0)
        #expect(s.summary == ["write:returned:3:?", "getpid:returned:7:7", "read:returned:10:?"])
    }

    @Test func exitGroupIsEmittedAtEntryAndEndsOtherThreadsCalls() {
        let s = TrackerScript()
        s.enter("futex", space: 0x1000, sp: 0x5000, tp: 0x9000)  // another thread, blocked
        s.enter("exit_group", space: 0x1000, sp: 0x7ff0, args: [3])
        #expect(s.summary == ["exit_group:noreturn:-:?", "futex:unfinished:-:?"])
        #expect(s.tracker.finish() == 0)
    }

    @Test func rtSigreturnNeverReturnsAndTheInterruptedCallGetsItsResult() {
        let s = TrackerScript()
        s.enter("read", space: 0x1000, sp: 0x7ff0)
        // The signal handler runs lower on the stack and makes its own call.
        s.enter("write", space: 0x1000, sp: 0x7a00, pc: 0x405000)
        s.ret(1, space: 0x1000, sp: 0x7a00, pc: 0x405000)
        s.enter("rt_sigreturn", space: 0x1000, sp: 0x7b00, pc: 0x406000)
        s.ret(-4, space: 0x1000, sp: 0x7ff0)
        #expect(s.summary == ["write:returned:1:?", "rt_sigreturn:noreturn:-:?", "read:returned:-4:?"])
    }

    @Test func restartedCallEndsAsRestarted() {
        let s = TrackerScript()
        s.enter("nanosleep", space: 0x1000, sp: 0x7ff0)
        s.enter("nanosleep", space: 0x1000, sp: 0x7ff0)
        s.ret(0, space: 0x1000, sp: 0x7ff0)
        #expect(s.summary == ["nanosleep:restarted:-:?", "nanosleep:returned:0:?"])
    }

    @Test func restartSyscallCountsAsRestart() {
        let s = TrackerScript()
        s.enter("nanosleep", space: 0x1000, sp: 0x7ff0)
        s.enter("restart_syscall", space: 0x1000, sp: 0x7ff0)
        s.ret(0, space: 0x1000, sp: 0x7ff0)
        #expect(s.summary == ["nanosleep:restarted:-:?", "restart_syscall:returned:0:?"])
    }

    @Test func successfulExecveResolvesAtTheFirstCallOfTheNewImage() {
        let s = TrackerScript()
        s.enter("getpid", space: 0x1000, sp: 0x7ff0)
        s.ret(50, space: 0x1000, sp: 0x7ff0)
        s.enter("execve", space: 0x1000, sp: 0x7ff0, strings: [path("/usr/bin/strace")])
        s.enter("brk", space: 0x3000, sp: 0x7ee0, pc: 0x7f00_0000)
        s.ret(0x5000, space: 0x3000, sp: 0x7ee0, pc: 0x7f00_0000)
        #expect(s.summary == ["getpid:returned:50:50", "execve:exec:0:50", "brk:returned:20480:50"])
        #expect(s.events[2].task.comm == "strace")
        #expect(s.events[2].task.tid == 50)
    }

    @Test func failedExecveReturnsNormally() {
        let s = TrackerScript()
        s.enter("execve", space: 0x1000, sp: 0x7ff0, strings: [path("/nope")])
        s.ret(-2, space: 0x1000, sp: 0x7ff0)
        #expect(s.summary == ["execve:returned:-2:?"])
    }

    @Test func commIsTheBasenameCutTo15Bytes() {
        #expect(SyscallTracker<InMemoryEventSink>.comm(fromPath: Array("/a/very-long-program-name".utf8)) == "very-long-progr")
        #expect(SyscallTracker<InMemoryEventSink>.comm(fromPath: Array("ls".utf8)) == "ls")
    }

    @Test func forkChildReturnsInNewAddressSpaceAfterParent() {
        let s = TrackerScript()
        s.enter("getpid", space: 0x1000, sp: 0x7ff0)
        s.ret(10, space: 0x1000, sp: 0x7ff0)
        s.enter("clone", space: 0x1000, sp: 0x7f00, args: [0x1200011], cloneFlags: 0x1200011)
        s.ret(11, space: 0x1000, sp: 0x7f00)
        s.ret(0, space: 0x2000, sp: 0x7f00)
        s.enter("getppid", space: 0x2000, sp: 0x7f00, pc: 0x402000)
        s.ret(10, space: 0x2000, sp: 0x7f00, pc: 0x402000)
        #expect(s.summary == ["getpid:returned:10:10", "clone:returned:11:10", "clone:child:0:11", "getppid:returned:10:11"])
        #expect(s.events[2].task.ppid == 10)
    }

    @Test func forkChildMayReturnBeforeParent() {
        let s = TrackerScript()
        s.enter("fork", space: 0x1000, sp: 0x7f00, cloneFlags: CloneFlags.sigchld)
        s.ret(0, space: 0x2000, sp: 0x7f00)
        s.enter("write", space: 0x2000, sp: 0x7e00, pc: 0x403000)
        s.ret(1, space: 0x2000, sp: 0x7e00, pc: 0x403000)
        s.ret(12, space: 0x1000, sp: 0x7f00)
        s.enter("write", space: 0x2000, sp: 0x7e00, pc: 0x403000)
        s.ret(1, space: 0x2000, sp: 0x7e00, pc: 0x403000)
        #expect(s.summary == ["fork:child:0:?", "write:returned:1:?", "fork:returned:12:?", "write:returned:1:12"])
    }

    @Test func aForkChildThatExitsBeforeItsParentReturnsLeavesItsRootFree() {
        // Seen under -smp 2: child 137 runs and exits before its parent's clone returns; then
        // another process's exec lands in 137's old page-table root.
        let s = TrackerScript()
        s.enter("getpid", space: 0x3000, sp: 0x7ff0, tp: 0x7000)
        s.ret(138, space: 0x3000, sp: 0x7ff0, tp: 0x7000)
        s.enter("fork", space: 0x1000, sp: 0x7f00, cloneFlags: CloneFlags.sigchld)
        s.ret(0, space: 0x2000, sp: 0x7f00)
        s.enter("exit_group", space: 0x2000, sp: 0x7e00, pc: 0x403000)
        s.ret(137, space: 0x1000, sp: 0x7f00)
        s.enter("execve", space: 0x3000, sp: 0x7e00, tp: 0x7000, strings: [path("/bin/nc")])
        s.enter("brk", space: 0x2000, sp: 0x7a00, pc: 0x7f00_0000, tp: 0)
        s.ret(0, space: 0x2000, sp: 0x7a00, pc: 0x7f00_0000, tp: 0)
        #expect(s.events.filter { $0.end == .unfinished }.isEmpty)
        #expect(s.summary.suffix(2) == ["execve:exec:0:138", "brk:returned:0:138"])
        #expect(s.events.last?.task.comm == "nc")
    }

    @Test func pipelineChildrenReturningOutOfOrderAreToldApartByTheirStoredTid() {
        let s = TrackerScript()
        s.enter("getpid", space: 0x1000, sp: 0x7ff0)
        s.ret(10, space: 0x1000, sp: 0x7ff0)
        let flags: UInt64 = 0x1200011  // CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD
        for child in [11, 12, 13] {
            s.enter("clone", space: 0x1000, sp: 0x7f00, args: [flags, 0, 0, 0x6000], cloneFlags: flags, childTIDPointer: 0x6000)
            s.ret(Int64(child), space: 0x1000, sp: 0x7f00)
        }
        // The children first run in another order; each finds its own tid at child_tid.
        for (child, space) in [(13, 0x4000), (11, 0x2000), (12, 0x3000)] as [(UInt32, UInt64)] {
            var memory = FakeCPU()
            memory.write(withUnsafeBytes(of: child.littleEndian, Array.init), at: 0x6000)
            s.ret(0, space: space, sp: 0x7f00, memory: memory)
        }
        let children = s.events.filter { $0.end == .child }.map { "\($0.addressSpace.rawValue):\($0.task.pid ?? -1)" }
        #expect(children == ["16384:13", "8192:11", "12288:12"])
    }

    @Test func newImageInAReusedAddressSpaceIsRecognisedByItsClearedThreadPointer() {
        let s = TrackerScript()
        s.enter("getpid", space: 0x1000, sp: 0x7ff0, tp: 0x7000)
        s.ret(5, space: 0x1000, sp: 0x7ff0, tp: 0x7000)  // process A, killed later without exit_group
        s.enter("getpid", space: 0x2000, sp: 0x7ff0, tp: 0x7000)
        s.ret(6, space: 0x2000, sp: 0x7ff0, tp: 0x7000)
        s.enter("execve", space: 0x2000, sp: 0x7ff0, tp: 0x7000, strings: [path("/bin/true")])
        // B's new image lands in A's old page-table root, with no thread pointer yet.
        s.enter("brk", space: 0x1000, sp: 0x7a00, pc: 0x7f00_0000, tp: 0)
        s.ret(0, space: 0x1000, sp: 0x7a00, pc: 0x7f00_0000, tp: 0)
        #expect(s.summary == ["getpid:returned:5:5", "getpid:returned:6:6", "execve:exec:0:6", "brk:returned:0:6"])
        #expect(s.events[3].task.comm == "true")
    }

    @Test func execInFlightSurvivesItsOldTablesBeingReusedByAnotherExec() {
        let s = TrackerScript()
        for (pid, space) in [(95, 0x1000), (97, 0x2000)] as [(Int64, UInt64)] {
            s.enter("getpid", space: space, sp: 0x7ff0, tp: 0x7000)
            s.ret(pid, space: space, sp: 0x7ff0, tp: 0x7000)
        }
        s.enter("execve", space: 0x1000, sp: 0x7e00, tp: 0x7000, strings: [path("/bin/cat")])  // 95, in flight
        s.enter("execve", space: 0x2000, sp: 0x7e00, tp: 0x7000, strings: [path("/bin/tr")])  // 97
        // 97's new image gets 95's freed page-table root.
        s.enter("set_tid_address", space: 0x1000, sp: 0x7a00, pc: 0x7f00_0000, tp: 0)
        s.ret(97, space: 0x1000, sp: 0x7a00, pc: 0x7f00_0000, tp: 0)
        // 95's new image appears later.
        s.enter("set_tid_address", space: 0x3000, sp: 0x7a00, pc: 0x7f00_0000, tp: 0)
        s.ret(95, space: 0x3000, sp: 0x7a00, pc: 0x7f00_0000, tp: 0)
        #expect(s.summary == [
            "getpid:returned:95:95", "getpid:returned:97:97", "execve:exec:0:97", "set_tid_address:returned:97:97",
            "execve:exec:0:95", "set_tid_address:returned:95:95",
        ])
        #expect(s.events.filter { $0.name == "set_tid_address" }.map(\.task.comm) == ["tr", "cat"])
    }

    @Test func twoExecsInFlightAreToldApartByTheNewImagesTid() {
        let s = TrackerScript()
        for (pid, space) in [(95, 0x1000), (96, 0x2000)] as [(Int64, UInt64)] {
            s.enter("getpid", space: space, sp: 0x7ff0, tp: 0x7000)
            s.ret(pid, space: space, sp: 0x7ff0, tp: 0x7000)
        }
        s.enter("execve", space: 0x1000, sp: 0x7e00, tp: 0x7000, strings: [path("/bin/cat")])  // 95
        s.enter("execve", space: 0x2000, sp: 0x7e00, tp: 0x7000, strings: [path("/bin/tr")])  // 96
        // 95's image runs first (order alone would guess 96, the most recent).
        s.enter("brk", space: 0x3000, sp: 0x7a00, pc: 0x7f00_0000, tp: 0)
        s.ret(0x1000, space: 0x3000, sp: 0x7a00, pc: 0x7f00_0000, tp: 0)
        s.enter("set_tid_address", space: 0x3000, sp: 0x7a00, pc: 0x7f00_1000, tp: 0)
        s.ret(95, space: 0x3000, sp: 0x7a00, pc: 0x7f00_1000, tp: 0)
        s.enter("brk", space: 0x4000, sp: 0x7a00, pc: 0x7f00_0000, tp: 0)
        s.ret(0x2000, space: 0x4000, sp: 0x7a00, pc: 0x7f00_0000, tp: 0)
        #expect(s.summary == [
            "getpid:returned:95:95", "getpid:returned:96:96", "execve:exec:0:95", "brk:returned:4096:95",
            "set_tid_address:returned:95:95", "execve:exec:0:96", "brk:returned:8192:96",
        ])
        #expect(s.events.filter { $0.name == "brk" }.map(\.task.comm) == ["cat", "tr"])
    }

    @Test func settlingAnExecDoesNotTearDownItsOldTablesIfAnotherImageNowOwnsThem() {
        let s = TrackerScript()
        for (pid, space) in [(97, 0x1000), (96, 0x2000)] as [(Int64, UInt64)] {
            s.enter("getpid", space: space, sp: 0x7ff0, tp: 0x7000)
            s.ret(pid, space: space, sp: 0x7ff0, tp: 0x7000)
        }
        s.enter("execve", space: 0x1000, sp: 0x7e00, tp: 0x7000, strings: [path("/bin/cat")])  // 97
        s.enter("execve", space: 0x2000, sp: 0x7e00, tp: 0x7000, strings: [path("/bin/tr")])  // 96
        s.enter("brk", space: 0x3000, sp: 0x7a00, pc: 0x7f00_0000, tp: 0)  // 97's image: ambiguous
        s.ret(0, space: 0x3000, sp: 0x7a00, pc: 0x7f00_0000, tp: 0)
        s.enter("brk", space: 0x1000, sp: 0x7b00, pc: 0x7f00_0000, tp: 0)  // 96's image, in 97's old root
        s.ret(0, space: 0x1000, sp: 0x7b00, pc: 0x7f00_0000, tp: 0)
        s.enter("set_tid_address", space: 0x1000, sp: 0x7b00, pc: 0x7f00_1000, tp: 0)  // 96, in flight
        s.enter("set_tid_address", space: 0x3000, sp: 0x7a00, pc: 0x7f00_1000, tp: 0)
        s.ret(97, space: 0x3000, sp: 0x7a00, pc: 0x7f00_1000, tp: 0)
        s.ret(96, space: 0x1000, sp: 0x7b00, pc: 0x7f00_1000, tp: 0)
        #expect(s.events.filter { $0.end == .unfinished }.isEmpty)
        #expect(s.events.filter { $0.name == "set_tid_address" }.map { "\($0.task.pid ?? -1)/\($0.task.comm ?? "?")" } == ["97/cat", "96/tr"])
    }

    @Test func execInFlightSurvivesTheProcessNowInItsOldTablesExiting() {
        // Seen under -smp 2: 107 execs from root 0x1000; 108's new image takes the freed root
        // and exits before 107's ambiguous new image tells its pid.
        let s = TrackerScript()
        for (pid, space) in [(107, 0x1000), (108, 0x2000), (109, 0x5000)] as [(Int64, UInt64)] {
            s.enter("getpid", space: space, sp: 0x7ff0, tp: 0x7000)
            s.ret(pid, space: space, sp: 0x7ff0, tp: 0x7000)
        }
        s.enter("execve", space: 0x1000, sp: 0x7e00, tp: 0x7000, strings: [path("/bin/cat")])  // 107
        s.enter("execve", space: 0x5000, sp: 0x7e00, tp: 0x7000, strings: [path("/bin/sed")])  // 109
        s.enter("brk", space: 0x3000, sp: 0x7a00, pc: 0x7f00_0000, tp: 0)  // 107's image: ambiguous
        s.ret(0, space: 0x3000, sp: 0x7a00, pc: 0x7f00_0000, tp: 0)
        s.enter("execve", space: 0x2000, sp: 0x7e00, tp: 0x7000, strings: [path("/bin/tr")])  // 108
        s.enter("set_tid_address", space: 0x1000, sp: 0x7b00, pc: 0x7f00_1000, tp: 0)  // 108's image, in 107's old root
        s.ret(108, space: 0x1000, sp: 0x7b00, pc: 0x7f00_1000, tp: 0)
        s.enter("exit_group", space: 0x1000, sp: 0x7b00, pc: 0x7f00_2000, tp: 0)
        s.enter("set_tid_address", space: 0x3000, sp: 0x7a00, pc: 0x7f00_1000, tp: 0)
        s.ret(107, space: 0x3000, sp: 0x7a00, pc: 0x7f00_1000, tp: 0)
        #expect(s.events.filter { $0.end == .unfinished }.isEmpty)
        #expect(s.events.filter { $0.name == "execve" }.map { "\($0.end):\($0.task.pid ?? -1)" } == ["exec:108", "exec:107"])
        #expect(s.events.filter { $0.name == "set_tid_address" }.map { "\($0.task.pid ?? -1)/\($0.task.comm ?? "?")" } == ["108/tr", "107/cat"])
    }

    @Test func vforkChildBorrowsTheStackThenExecs() {
        let s = TrackerScript()
        s.enter("getpid", space: 0x1000, sp: 0x7ff0)
        s.ret(20, space: 0x1000, sp: 0x7ff0)
        s.enter("vfork", space: 0x1000, sp: 0x7f00, cloneFlags: CloneFlags.vm | CloneFlags.vfork | CloneFlags.sigchld)
        s.ret(0, space: 0x1000, sp: 0x7f00)  // the child, on the parent's stack
        // The child's execve happens to use the parent's stack slot: must not disturb the parent.
        s.enter("execve", space: 0x1000, sp: 0x7f00, pc: 0x404000, strings: [path("/bin/ls")])
        s.enter("brk", space: 0x5000, sp: 0x7aa0, pc: 0x7f00_0000)
        s.ret(0x1000, space: 0x5000, sp: 0x7aa0, pc: 0x7f00_0000)
        s.ret(21, space: 0x1000, sp: 0x7f00)  // the parent resumes
        s.enter("getpid", space: 0x5000, sp: 0x7aa0, pc: 0x7f00_1000)
        s.ret(21, space: 0x5000, sp: 0x7aa0, pc: 0x7f00_1000)
        #expect(s.summary == [
            "getpid:returned:20:20", "vfork:child:0:?", "execve:exec:0:?", "brk:returned:4096:?",
            "vfork:returned:21:20", "getpid:returned:21:21",
        ])
        #expect(s.events[1].task.ppid == 20)
        #expect(s.events[5].task.comm == "ls")
    }

    @Test func vforkChildExitKeepsTheParentsProcess() {
        let s = TrackerScript()
        s.enter("getpid", space: 0x1000, sp: 0x7ff0)
        s.ret(20, space: 0x1000, sp: 0x7ff0)
        s.enter("vfork", space: 0x1000, sp: 0x7f00, cloneFlags: CloneFlags.vm | CloneFlags.vfork)
        s.ret(0, space: 0x1000, sp: 0x7f00)
        s.enter("exit_group", space: 0x1000, sp: 0x7e00, pc: 0x409000)
        s.ret(22, space: 0x1000, sp: 0x7f00)
        s.enter("getppid", space: 0x1000, sp: 0x7ff0, pc: 0x40a000)
        s.ret(1, space: 0x1000, sp: 0x7ff0, pc: 0x40a000)
        #expect(s.summary == [
            "getpid:returned:20:20", "vfork:child:0:?", "exit_group:noreturn:-:?", "vfork:returned:22:20",
            "getppid:returned:1:20",
        ])
    }

    @Test func threadCloneGivesTheChildItsTid() {
        let s = TrackerScript()
        s.enter("getpid", space: 0x1000, sp: 0x7ff0)
        s.ret(30, space: 0x1000, sp: 0x7ff0)
        let flags = CloneFlags.vm | CloneFlags.thread | CloneFlags.setTLS
        s.enter("clone", space: 0x1000, sp: 0x7f00, args: [flags, 0x9000], cloneFlags: flags, childStack: 0x9000)
        s.ret(31, space: 0x1000, sp: 0x7f00)
        s.ret(0, space: 0x1000, sp: 0x9000, tp: 0x8800)
        s.enter("gettid", space: 0x1000, sp: 0x8f00, pc: 0x402000, tp: 0x8800)
        s.ret(31, space: 0x1000, sp: 0x8f00, pc: 0x402000, tp: 0x8800)
        s.enter("getpid", space: 0x1000, sp: 0x7ff0, pc: 0x403000)
        s.ret(30, space: 0x1000, sp: 0x7ff0, pc: 0x403000)
        #expect(s.summary == ["getpid:returned:30:30", "clone:returned:31:30", "clone:child:0:30", "gettid:returned:31:30", "getpid:returned:30:30"])
        #expect(s.events[2].task.tid == 31)
        #expect(s.events[3].task.tid == 31)
        #expect(s.events[4].task.tid == 30)
    }

    @Test func newAddressSpaceWithoutPendingExecIsJustAdopted() {
        let s = TrackerScript()
        s.enter("getpid", space: 0x1000, sp: 0x7ff0)
        s.ret(1, space: 0x1000, sp: 0x7ff0)
        #expect(s.summary == ["getpid:returned:1:1"])
    }

    @Test func pendingTableIsBounded() {
        var limits = SyscallTrackerLimits()
        limits.pendingCalls = 16
        let s = TrackerScript(limits: limits)
        for i in 0..<1000 {
            s.enter("read", space: 0x1000 + UInt64(i) * 0x1000, sp: 0x7ff0)
        }
        #expect(s.tracker.pendingCount <= 16)
        let unfinished = s.events.filter { $0.end == .unfinished }.count
        #expect(unfinished + s.tracker.pendingCount == 1000)
        // Evicted oldest first.
        #expect(s.events.first?.addressSpace.rawValue == 0x1000)
    }

    @Test func i386ResultsAreSignExtended() {
        let s = TrackerScript(abi: .i386)
        s.enter("open", space: 0x1000, sp: 0xff00)
        s.tracker.exit(SyscallReturnRecord(
            vcpu: 0, pc: GuestAddress(0x401002), stackPointer: 0xff00, addressSpace: AddressSpaceID(rawValue: 0x1000),
            threadPointer: 0x7000, rawResult: 0xFFFF_FFFE), memory: FakeCPU())
        #expect(s.summary == ["open:returned:-2:?"])
    }

    @Test func finishEndsEverythingInEntryOrder() {
        let s = TrackerScript()
        s.enter("wait4", space: 0x1000, sp: 0x7ff0)
        s.enter("reboot", space: 0x2000, sp: 0x7ff0)
        #expect(s.tracker.finish() == 2)
        #expect(s.summary == ["wait4:unfinished:-:?", "reboot:unfinished:-:?"])
        #expect(s.tracker.pendingCount == 0)
    }

    @Test func eventsCarryTheEntryAndReturnInstructionCounts() {
        let script = TrackerScript()
        script.tracker.enter(SyscallEntryRecord(
            vcpu: 0, abi: .x86_64, number: script.number("getpid"), args: SyscallArguments([]), pc: GuestAddress(0x401000),
            returnAddress: GuestAddress(0x401002), stackPointer: 0x7000, addressSpace: AddressSpaceID(rawValue: 0x1000),
            threadPointer: 0x7000).with { $0.icount = 100 })
        var back = SyscallReturnRecord(
            vcpu: 0, pc: GuestAddress(0x401002), stackPointer: 0x7000, addressSpace: AddressSpaceID(rawValue: 0x1000),
            threadPointer: 0x7000, rawResult: 42)
        back.icount = 180
        script.tracker.exit(back, memory: FakeCPU())
        #expect(script.events.count == 1)
        #expect(script.events.first?.icount == 100)
        #expect(script.events.first?.exitIcount == 180)
    }
}
