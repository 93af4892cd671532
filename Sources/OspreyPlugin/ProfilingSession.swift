#if canImport(Glibc)
import Glibc
#endif
import CQemuPlugin
import OspreyCore
import Synchronization

/// Profile generation (or checking) inside QEMU: follows system calls from user mode, and
/// takes a kernel stop in the first kernel block after each call's entry that runs with the
/// kernel's own per-CPU base and page tables in place (see ``kernelBlock(vcpu:pc:)``).
final class ProfilingSession: @unchecked Sendable {
    // @unchecked: `armed` elements are touched only by their own vCPU thread; everything
    // shared is behind a Mutex.
    enum Purpose { case generate, check }

    let architecture: Architecture
    let purpose: Purpose
    let outputPath: String
    let given: KernelProfile?
    private let observer: Mutex<CallObserver>
    private let profiler: Mutex<ProfilerBox>
    private var armed: [Armed?]
    private let vcpus: [VCPURegisters]
    /// Per-vCPU flag read inline by the conditional callback of every kernel block: 1 while
    /// a call's kernel stop is pending.
    let pending: qemu_plugin_u64
    private let done = Atomic<Bool>(false)

    struct Armed {
        var call: ObservedCall
        var previous: ObservedCall?
        var context: UserContext
        var blocks = 0
    }

    /// LinuxProfiler is a class used only under the Mutex.
    struct ProfilerBox: @unchecked Sendable {
        let profiler: LinuxProfiler
        var written = false
        var stops = 0
        /// Open capture file and the stops still to capture.
        var captureFD: Int32 = -1
        var captureLeft = 0
        var captureFrom = 1
    }

    init(
        architecture: Architecture, purpose: Purpose, outputPath: String, given: KernelProfile?, vcpus: [VCPURegisters],
        capture: (path: String, stops: Int, from: Int)? = nil
    ) {
        self.architecture = architecture
        self.purpose = purpose
        self.outputPath = outputPath
        self.given = given
        self.vcpus = vcpus
        self.armed = Array(repeating: nil, count: vcpus.count)
        self.observer = Mutex(CallObserver(architecture: architecture))
        let profiler = LinuxProfiler(architecture: architecture, given: given, validating: purpose == .check)
        if purpose == .generate {
            let engine = profiler.engine
            engine.onFound = { [unowned engine] key, offset, found, total in
                Plugin.log("osprey profile: \(found)/\(total) \(key) = 0x\(String(offset, radix: 16)) (stop \(engine.stops))")
            }
        }
        var box = ProfilerBox(profiler: profiler)
        if let capture {
            box.captureFD = open(capture.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            if box.captureFD < 0 {
                Plugin.log("osprey profile: cannot write capture \(capture.path): \(String(cString: strerror(errno)))")
            } else {
                profiler.engine.capture = MemoryCapture()
                box.captureLeft = capture.stops + 1  // and the header
                box.captureFrom = capture.from
                Self.append(CapturedStop.header(architecture: architecture), to: &box)
            }
        }
        self.profiler = Mutex(box)
        let board = qemu_plugin_scoreboard_new(8)
        self.pending = qemu_plugin_u64(score: board, offset: 0)
    }

    /// A system-call instruction in user mode (after the trace engine, if any, saw it).
    func userEntry(vcpu: Int, record: SyscallEntryRecord) {
        guard !done.load(ordering: .relaxed), vcpu < armed.count else { return }
        let name = SyscallTable.linux(record.abi).name(of: record.number) ?? "?"
        let (call, previous, context) = observer.withLock { $0.entered(record, name: name, memory: QemuGuestMemory()) }
        armed[vcpu] = Armed(call: call, previous: previous, context: context)
        qemu_plugin_u64_set(pending, UInt32(vcpu), 1)
    }

    /// The first instruction back in user mode after a call.
    func userReturn(record: SyscallReturnRecord) {
        guard !done.load(ordering: .relaxed) else { return }
        observer.withLock { $0.returned(record, memory: QemuGuestMemory()) }
    }

    /// A kernel block ran while a stop was pending on this vCPU. The stop is taken when the
    /// kernel's state is in place: on x86-64 when GS base holds a readable kernel address
    /// (after `swapgs`, and after the CR3 switch when KPTI is on); on AArch64 when SP_EL0
    /// holds a kernel address (the entry code has loaded the current task).
    func kernelBlock(vcpu: Int, pc: UInt64) {
        guard vcpu < armed.count, var entry = armed[vcpu] else {
            qemu_plugin_u64_set(pending, UInt32(vcpu), 0)
            return
        }
        let state = KernelEntryState.read(architecture, QemuRegisterReader(registers: vcpus[vcpu]))
        guard let state else {
            entry.blocks += 1
            if entry.blocks > 64 {
                armed[vcpu] = nil
                qemu_plugin_u64_set(pending, UInt32(vcpu), 0)
            } else {
                armed[vcpu] = entry
            }
            return
        }
        armed[vcpu] = nil
        qemu_plugin_u64_set(pending, UInt32(vcpu), 0)
        let stop = KernelStop(
            vcpu: vcpu, context: entry.context, call: entry.call, previous: entry.previous, perCPUBase: state.perCPUBase,
            currentRegister: state.currentRegister, pageTableRoot: state.pageTableRoot, kernelPC: pc)
        let finished = profiler.withLock { box -> Bool in
            box.stops += 1
            box.profiler.stop(stop, memory: QemuGuestMemory())
            if let capture = box.profiler.engine.capture {
                let pages = capture.take()  // also readies the capture for the next stop
                let withMemory = box.stops >= box.captureFrom
                Self.append(CapturedStop(stop: stop, pages: withMemory ? pages : []).jsonLine(), to: &box, counted: withMemory)
            }
            if purpose == .generate, !box.written, box.profiler.isComplete {
                box.written = true
                let profile = box.profiler.profile()
                write(profile.jsonText())
                Plugin.log("osprey profile: complete after \(box.stops) stops: \(profile.offsets.count) offsets, \(profile.kernel.banner ?? "")")
                return true
            }
            return false
        }
        if finished { done.store(true, ordering: .relaxed) }
    }

    /// Appends a line to the capture file; closes it (and stops capturing) after the last stop
    /// wanted or on a write error.
    private static func append(_ line: String, to box: inout ProfilerBox, counted: Bool = true) {
        guard box.captureFD >= 0 else { return }
        let error = Array((line + "\n").utf8).withUnsafeBytes { writeAll(box.captureFD, $0) }
        if counted { box.captureLeft -= 1 }
        if error != 0 { Plugin.log("osprey profile: capture stopped: \(String(cString: strerror(error)))") }
        if error != 0 || box.captureLeft <= 0 { closeCapture(&box) }
    }

    private static func closeCapture(_ box: inout ProfilerBox) {
        guard box.captureFD >= 0 else { return }
        close(box.captureFD)
        box.captureFD = -1
        box.profiler.engine.capture = nil
    }

    /// Writes the final result at exit: the profile (with what is missing and why) or the
    /// check report.
    func finish() {
        profiler.withLock { box in
            Self.closeCapture(&box)
            let profiler = box.profiler
            switch purpose {
            case .generate:
                guard !box.written else { return }
                box.written = true
                let profile = profiler.profile()
                write(profile.jsonText())
                Plugin.log("osprey profile: guest ended after \(box.stops) stops with \(profile.missing.count) field(s) missing")
            case .check:
                write(checkReport(profiler, stops: box.stops))
            }
        }
    }

    private func checkReport(_ profiler: LinuxProfiler, stops: Int) -> String {
        var fields: [JSONValue] = []
        var failing = 0
        for row in profiler.checkReport().sorted(by: { $0.field < $1.field }) {
            let verdict = row.failed > row.passed ? "fail" : row.passed == 0 ? "unchecked" : "pass"
            if verdict == "fail" { failing += 1 }
            fields.append(.object([
                ("field", .string(row.field == LinuxField.currentTask ? "current_task" : row.field)),
                ("verdict", .string(verdict)), ("passed", .int(row.passed)), ("failed", .int(row.failed)),
                ("test", .string(row.test)), ("stop", .string(row.stop)),
            ]))
        }
        let running = profiler.banner
        let expected = given?.kernel.banner
        let sameKernel = running == nil || expected == nil || running == expected
        return JSONValue.object([
            ("format", .string("osprey-profile-check")),
            ("running_kernel", running.map(JSONValue.string) ?? .null),
            ("profile_kernel", expected.map(JSONValue.string) ?? .null),
            ("same_kernel", .bool(sameKernel)),
            ("stops", .int(stops)),
            ("failing", .int(failing)),
            ("fields", .array(fields)),
        ]).serialized() + "\n"
    }

    private func write(_ text: String) {
        let temporary = outputPath + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            Plugin.log("osprey profile: cannot write \(outputPath): \(String(cString: strerror(errno)))")
            return
        }
        let error = Array(text.utf8).withUnsafeBytes { writeAll(fd, $0) }
        close(fd)
        if error == 0 {
            rename(temporary, outputPath)
        } else {
            Plugin.log("osprey profile: cannot write \(temporary): \(String(cString: strerror(error)))")
        }
    }
}
