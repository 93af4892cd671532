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
    let engine: SyscallEngine<TraceFileWriter>
    let vcpus: [VCPURegisters]
    private let finished = Mutex(false)
    private let missingRegisters = Mutex<Set<String>>([])

    init(architecture: Architecture, options: PluginOptions, maxVCPUs: Int) throws {
        self.architecture = architecture
        self.options = options
        self.sites = SyscallSites(architecture: architecture)
        self.decoder = SyscallDecoder(architecture: architecture)
        let writer = try TraceFileWriter(path: options.outputPath ?? "")
        writer.writeLine { w in
            w.field("type", "trace_start")
            w.field("format", TraceSchema.formatName)
            w.field("version", TraceSchema.version)
            w.field("arch", architecture.rawValue)
            w.field("vcpus", maxVCPUs)
            w.field("mode", options.mode.rawValue)
        }
        self.engine = SyscallEngine(sink: writer)
        self.vcpus = (0..<max(1, maxVCPUs)).map { _ in VCPURegisters() }
    }

    func vcpuStarted(_ index: Int) {
        guard index < vcpus.count else { return }
        let missing = vcpus[index].load(ArchRegister.needed(by: architecture))
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
        guard vcpu < vcpus.count, let (pc, kind, ret) = SyscallSites.unpack(data) else { return }
        guard let record = decoder.decodeEntry(
            instruction: kind, pc: pc, returnAddress: ret, vcpu: vcpu,
            registers: QemuRegisterReader(registers: vcpus[vcpu]), memory: QemuGuestMemory())
        else { return }
        engine.enter(record)
    }

    @inline(__always) func syscallReturned(vcpu: Int, pc: UInt) {
        guard vcpu < vcpus.count,
              let record = decoder.decodeReturn(pc: GuestAddress(UInt64(pc)), vcpu: vcpu, registers: QemuRegisterReader(registers: vcpus[vcpu]))
        else { return }
        engine.exit(record, memory: QemuGuestMemory())
    }

    /// Ends the trace: pending calls become `unfinished`, then the footer. Idempotent.
    func finish() {
        let already = finished.withLock { done in
            defer { done = true }
            return done
        }
        guard !already else { return }
        let summary = engine.finish()
        if let problem = summary.problem {
            Self.log("osprey plugin: \(problem)")
        }
        if options.summary {
            Self.log("osprey plugin: \(summary.events) syscall events (\(summary.unfinished) unfinished at exit) -> \(options.outputPath ?? "")")
        }
    }

    /// Writes a line to QEMU's standard error (qemu_plugin_outs would need `-d plugin`).
    static func log(_ message: String) {
        var line = message + "\n"
        line.withUTF8 { buf in _ = write(2, buf.baseAddress, buf.count) }
    }
}
