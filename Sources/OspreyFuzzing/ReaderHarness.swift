import OspreyCore

/// The Linux object readers and the monitor's shadow update on a captured stop whose memory the
/// fuzzer mutates: every walk (task list, threads, descriptor table, path, maple tree, command
/// line, socket) on whatever the bytes say, then the monitor building its shadow at one stop and
/// diffing it at a second, with calls chosen by the input. Nothing may trap or run unbounded.
public enum ReaderHarness {
    static let layout = LinuxLayout(profile: FuzzFixtures.profile())!
    static let calls = ["clone", "execve", "openat", "close", "dup2", "pipe2", "socket", "bind", "connect", "accept4",
                        "mmap", "munmap", "mprotect", "brk", "wait4", "kill", "prctl", "exit_group", "fork", "listen"]

    public static func run(_ data: [UInt8]) {
        var input = FuzzInput(data)
        guard let first = FuzzStopCodec.decode(&input) else { return }
        let monitor = ObjectMonitor()
        _ = monitor.stop(reader(first), vcpu: 0, reasons: [.newAddressSpace])
        exercise(reader(first))
        // A second stop (another decoded one, or the same memory) with the calls the input names.
        let second = FuzzStopCodec.decode(&input) ?? first
        var reasons: [MonitorReason] = []
        while reasons.count < 8, let selector = input.readU8(), let result = input.readU64() {
            let name = calls[Int(selector) % calls.count]
            var args = SyscallArguments()
            for i in 0..<SyscallArguments.count { args[i] = input.readU64() ?? 0 }
            if name == "exit_group" {
                reasons.append(.exiting(thread: selector & 0x80 != 0, code: Int(result & 0xFF)))
            } else {
                reasons.append(.returned(MonitoredCall(
                    name: name, args: args, result: Int64(bitPattern: result), waitStatus: selector & 1 == 1 ? UInt32(truncatingIfNeeded: result) : nil)))
            }
        }
        let r = reader(second)
        _ = monitor.stop(r, vcpu: 1, reasons: reasons)
        if let current = r.currentTask() { _ = monitor.taskDied(r, address: current, vcpu: 1) }
    }

    static func reader(_ captured: CapturedStop) -> LinuxObjectReader {
        LinuxObjectReader(
            layout: layout, memory: StopMemory(CapturedMemory(captured.pages)), perCPUBase: captured.stop.perCPUBase,
            currentRegister: captured.stop.currentRegister)
    }

    static func exercise(_ r: LinuxObjectReader) {
        guard let current = r.currentTask() else { return }
        let tasks = [current] + r.taskList(from: current).prefix(16)
        for address in tasks {
            guard let task = r.task(at: address) else { continue }
            _ = r.threads(of: address)
            if let files = r.openFiles(of: address) {
                for file in files.prefix(16) { _ = r.socket(ofFile: file.file) }
            }
            guard task.mm != 0 else { continue }
            _ = r.regions(mm: task.mm)
            _ = r.commandLine(mm: task.mm)
            _ = r.executable(mm: task.mm)
        }
    }
}
