#if canImport(Glibc)
import Glibc
#endif
import CQemuPlugin
import OspreyCore
import Synchronization

/// The plugin instance: owns the engine, the writer and the per-vCPU state.
final class Plugin: @unchecked Sendable {
    // @unchecked: `vcpus` is filled before any callback and each element is used only by
    // its own vCPU thread.
    let architecture: Architecture
    let options: PluginOptions
    let sites: SyscallSites
    let decoder: SyscallDecoder
    /// The syscall trace (mode=trace).
    let engine: SyscallEngine<TraceFileWriter>?
    /// Profile generation or checking (mode=profile / mode=check).
    let profiling: ProfilingSession?
    /// The OS object monitors (mode=trace with a profile).
    let monitors: MonitorSession?
    let vcpus: [VCPURegisters]
    /// The instruction count: every block adds its length inline when it starts.
    let instructions = InstructionCounter()
    /// `osprey-progress` lines on stderr (option `progress=SECONDS`).
    let progress: ProgressReporter?
    private let finished = Mutex(false)
    private let missingRegisters = Mutex<Set<String>>([])

    init(architecture: Architecture, options: PluginOptions, maxVCPUs: Int) throws {
        self.architecture = architecture
        self.options = options
        self.sites = SyscallSites(architecture: architecture)
        let capture = options.mode == .trace && options.decode ? ArgumentCapture(bufferLimit: options.bufferBytes) : nil
        self.decoder = SyscallDecoder(architecture: architecture, capture: capture)
        let vcpus = (0..<max(1, maxVCPUs)).map { _ in VCPURegisters() }
        self.vcpus = vcpus
        let instructions = self.instructions
        progress = options.progressSeconds > 0 ? ProgressReporter(counter: instructions, intervalSeconds: options.progressSeconds) : nil
        switch options.mode {
        case .count:
            try Self.checkWritable(options.outputPath ?? "")
            self.engine = nil
            self.profiling = nil
            self.monitors = nil
        case .trace:
            let writer = try TraceFileWriter(path: options.outputPath ?? "")
            writer.writeLine { w in
                w.field("type", "trace_start")
                w.field("format", TraceSchema.formatName)
                w.field("version", TraceSchema.version)
                w.field("arch", architecture.rawValue)
                w.field("vcpus", maxVCPUs)
                w.field("mode", options.mode.rawValue)
            }
            let engine = SyscallEngine(sink: writer, capture: capture)
            self.engine = engine
            self.profiling = nil
            self.monitors = try Self.monitorSession(
                architecture: architecture, options: options, vcpus: vcpus, engine: engine, instructions: instructions)
        case .profile, .check:
            var given: KernelProfile?
            if let path = options.profilePath, !path.isEmpty {
                given = try Self.loadProfile(path)
                guard given?.kernel.architecture == architecture else {
                    throw PluginOptions.ParseError(description: "osprey plugin: \(path) is a profile for \(given?.kernel.architecture.rawValue ?? "?"), not \(architecture.rawValue)")
                }
            }
            self.engine = nil
            self.monitors = nil
            self.profiling = ProfilingSession(
                architecture: architecture, purpose: options.mode == .check ? .check : .generate,
                outputPath: options.outputPath ?? "", given: given, vcpus: vcpus,
                capture: options.capturePath.map { (path: $0, stops: options.captureStops, from: options.captureFrom) })
        }
    }

    /// The monitors, when a profile is given in trace mode and any monitor is on.
    private static func monitorSession(
        architecture: Architecture, options: PluginOptions, vcpus: [VCPURegisters], engine: SyscallEngine<TraceFileWriter>,
        instructions: InstructionCounter
    ) throws -> MonitorSession? {
        guard let path = options.profilePath, !path.isEmpty, !options.monitors.isEmpty else { return nil }
        let profile = try loadProfile(path)
        guard profile.kernel.architecture == architecture else {
            throw PluginOptions.ParseError(description: "osprey plugin: \(path) is a profile for \(profile.kernel.architecture.rawValue), not \(architecture.rawValue)")
        }
        guard let layout = LinuxLayout(profile: profile) else {
            throw PluginOptions.ParseError(description: "osprey plugin: \(path) lacks the current task or the task fields (pid, tgid, comm, tasks, real_parent) the monitors need; make it again with `osprey profile`")
        }
        return MonitorSession(
            architecture: architecture, profile: profile, layout: layout, enabled: options.monitors, watch: options.watch,
            vcpus: vcpus, engine: engine, instructions: instructions)
    }

    /// The scoreboard entry that makes kernel blocks call back (profile or monitor stops).
    var kernelStopFlag: qemu_plugin_u64? { profiling?.pending ?? monitors?.pending }

    /// A kernel block ran with a stop pending on `vcpu`.
    func kernelBlock(vcpu: Int, pc: UInt64) {
        profiling?.kernelBlock(vcpu: vcpu, pc: pc)
        monitors?.kernelBlock(vcpu: vcpu, pc: pc)
    }

    func vcpuStarted(_ index: Int) {
        guard index < vcpus.count else { return }
        var wanted = ArchRegister.needed(by: architecture)
        if profiling != nil || monitors != nil { wanted += ArchRegister.kernelStop(for: architecture) }
        let missing = vcpus[index].load(wanted)
        if !missing.isEmpty {
            let new = missingRegisters.withLock { set in
                let fresh = missing.filter { !set.contains($0) }
                set.formUnion(fresh)
                return fresh
            }
            if !new.isEmpty {
                Self.log("osprey plugin: QEMU lists no register(s) \(new.joined(separator: ", ")); calls needing them are dropped")
            }
        }
    }

    @inline(__always) func syscallEntered(vcpu: Int, data: UInt) {
        guard vcpu < vcpus.count, var (pc, kind, ret) = SyscallSites.unpack(data) else { return }
        let icount = instructions.total
        let registers = QemuRegisterReader(registers: vcpus[vcpu])
        if let current = registers.read(architecture.programCounterRegister) {
            // The block may be shared with another process's mapping of the same page.
            let running = SharedTranslation.runningAddress(translated: pc.rawValue, programCounter: current)
            ret = GuestAddress(running &+ (ret.rawValue &- pc.rawValue))
            pc = GuestAddress(running)
        }
        guard var record = decoder.decodeEntry(
            instruction: kind, pc: pc, returnAddress: ret, vcpu: vcpu,
            registers: registers, memory: QemuGuestMemory())
        else { return }
        record.icount = icount
        engine?.enter(record)
        profiling?.userEntry(vcpu: vcpu, record: record)
        monitors?.userEntry(vcpu: vcpu, record: record)
    }

    @inline(__always) func syscallReturned(vcpu: Int, pc: UInt) {
        guard vcpu < vcpus.count else { return }
        let registers = QemuRegisterReader(registers: vcpus[vcpu])
        // The callback sits on the block's first instruction, where the program counter is
        // exact even when the block is shared between mappings (SharedTranslation).
        let running = registers.read(architecture.programCounterRegister) ?? UInt64(pc)
        guard var record = decoder.decodeReturn(pc: GuestAddress(running), vcpu: vcpu, registers: registers)
        else { return }
        record.icount = instructions.total
        engine?.exit(record, memory: QemuGuestMemory())
        profiling?.userReturn(record: record)
        monitors?.userReturn(vcpu: vcpu, record: record)
    }

    /// Ends the trace: pending calls become `unfinished`, then the footer. Idempotent.
    func finish() {
        let already = finished.withLock { done in
            defer { done = true }
            return done
        }
        guard !already else { return }
        progress?.finish()
        profiling?.finish()
        if options.mode == .count { writeCount() }
        guard let engine else { return }
        let summary = engine.finish()
        if let problem = summary.problem {
            Self.log("osprey plugin: \(problem)")
        }
        if options.summary {
            Self.log("osprey plugin: \(summary.events) events (\(summary.unfinished) calls unfinished at exit) -> \(options.outputPath ?? "")")
        }
    }

    /// mode=count: the run's instruction count, as a one-line JSON object in `out`.
    private func writeCount() {
        let path = options.outputPath ?? ""
        var text = "{\"format\":\"osprey-count\",\"arch\":\"\(architecture.rawValue)\",\"vcpus\":\(vcpus.count),\"instructions\":\(instructions.total)}\n"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            Self.log("osprey plugin: cannot write \(path): \(String(cString: strerror(errno)))")
            return
        }
        defer { close(fd) }
        let error = text.withUTF8 { writeAll(fd, UnsafeRawBufferPointer($0)) }
        if error != 0 { Self.log("osprey plugin: error writing \(path): \(String(cString: strerror(error)))") }
    }

    /// Fails at install, not at exit, when `path` cannot be written.
    private static func checkWritable(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw PluginOptions.ParseError(description: "osprey plugin: cannot write \(path): \(String(cString: strerror(errno)))")
        }
        close(fd)
    }

    /// The whole content of a small file.
    /// The profile at `path`, or an error naming the file and what is wrong with it.
    static func loadProfile(_ path: String) throws -> KernelProfile {
        let text = try readFile(path)
        do {
            return try KernelProfile(jsonText: text)
        } catch {
            throw PluginOptions.ParseError(description: "osprey plugin: \(path): \(error)")
        }
    }

    /// A profile's text: a regular file of at most ``KernelProfile/maximumFileSize`` bytes
    /// (opened without blocking, so a FIFO cannot hang QEMU at install), or an error saying
    /// why, which QEMU shows as the reason the plugin did not load.
    static func readFile(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw PluginOptions.ParseError(description: "osprey plugin: cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw PluginOptions.ParseError(description: "osprey plugin: \(path) is not a regular file")
        }
        let limit = KernelProfile.maximumFileSize
        guard info.st_size <= limit else {
            throw PluginOptions.ParseError(description: "osprey plugin: \(path) is \(info.st_size) bytes; a profile is at most \(limit)")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count <= limit {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        guard bytes.count <= limit else {
            throw PluginOptions.ParseError(description: "osprey plugin: \(path) grew past \(limit) bytes while being read")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes a line to QEMU's standard error (qemu_plugin_outs would need `-d plugin`).
    /// A line on QEMU's standard error. Messages may carry guest text (a kernel banner), so
    /// control characters are escaped (``TerminalText/safe(_:)``).
    static func log(_ message: String) {
        var line = TerminalText.safe(message) + "\n"
        line.withUTF8 { buf in _ = write(2, buf.baseAddress, buf.count) }
    }
}
