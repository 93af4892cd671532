import Testing
@testable import OspreyTools

private let atFDCWD = UInt64(bitPattern: -100)

@Suite("osprey files: the kernel's names")
struct FileKernelNamesTests {
    private func lines(_ s: ObjectTraceScript) -> [String] {
        var trace = TraceFile()
        trace.syscalls = s.calls
        trace.objectEvents = s.events
        return FileOperationLog.withKernelNames(FileOperationLog.operations(in: trace), trace: trace).map(\.line)
    }

    @Test func inheritedHandlesAndRelativePathsTakeTheKernelsNames() {
        var s = ObjectTraceScript()
        s.start(86, ppid: 84, comm: "cat")
        s.open(86, fd: 1, path: "/dev/console", comm: "cat")
        s.call("openat", [atFDCWD, 0x5000, 0], 3, pid: 86, comm: "cat", strings: [1: "a.txt"])
        s.open(86, fd: 3, path: "/tmp/demo/a.txt", comm: "cat")
        s.call("openat", [atFDCWD, 0x5000, 0], 4, pid: 86, comm: "cat", strings: [1: "/bin/sh"])
        s.open(86, fd: 4, path: "/usr/bin/busybox", comm: "cat")
        s.call("read", [3, 0x6000, 0x1000], 6, pid: 86, comm: "cat")
        s.call("write", [1, 0x6000, 6], 6, pid: 86, comm: "cat")
        s.call("dup2", [3, 1], 1, pid: 86, comm: "cat")
        s.call("close", [7], -9, pid: 86, comm: "cat")
        #expect(lines(s) == [
            "[pid 86 cat] open(name /tmp/demo/a.txt, mode READ, handle 0x3)",
            "[pid 86 cat] open(name /bin/sh, mode READ, handle 0x4)",  // an absolute name stays the one used
            "[pid 86 cat] read(handle 0x3 /tmp/demo/a.txt, buffer 0x6000, length 0x1000) = 0x6",
            "[pid 86 cat] write(handle 0x1 /dev/console, buffer 0x6000, length 0x6) = 0x6",
            "[pid 86 cat] dup(handle 0x3 /tmp/demo/a.txt, new handle 0x1, replaces /dev/console)",
            "[pid 86 cat] close(handle 0x7 ?) = EBADF",  // never open: still unknown
        ])
    }

    @Test func withoutEventsOrWithOddOnesNothingChanges() {
        var s = ObjectTraceScript()
        s.call("write", [1, 0x6000, 6], 6, pid: 86, comm: "cat")
        s.call("openat", [atFDCWD, 0x5000, 0], 3, pid: 86, comm: "cat", strings: [1: "b.txt"])
        s.call("getpid", [], 86, pid: 86, comm: "cat")
        s.open(86, fd: 3, path: "/late/b.txt", comm: "cat")  // after the process's next call: not this open's
        s.call("write", [1, 0x6000, 6], 6, pid: nil, comm: nil)
        let plain = FileOperationLog.operations(s.calls)
        var withoutEvents = TraceFile()
        withoutEvents.syscalls = s.calls
        #expect(FileOperationLog.withKernelNames(plain, trace: withoutEvents) == plain)
        let named = lines(s)
        #expect(named[0] == "[pid 86 cat] write(handle 0x1 ?, buffer 0x6000, length 0x6) = 0x6")
        #expect(named[1] == "[pid 86 cat] open(name b.txt, mode READ, handle 0x3)")
        #expect(named.count == plain.count)
        #expect(FileOperationLog.firstAbove(5, in: []) == nil && FileOperationLog.firstAbove(5, in: [1, 5, 9]) == 9)
        #expect(!FileOperationLog.needsName("pipe#1:read") && FileOperationLog.needsName("?") && FileOperationLog.needsName("x"))
    }
}
