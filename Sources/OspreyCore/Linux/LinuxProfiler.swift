/// Generates (or checks) a Linux profile from kernel stops: keeps the facts, runs the graph,
/// finds the banner, and turns the result into a ``KernelProfile``.
///
/// Not thread-safe: the plugin serialises stops.
public final class LinuxProfiler {
    public let architecture: Architecture
    public let facts: LinuxFacts
    public let engine: ProfileEngine<LinuxFacts>
    public private(set) var banner: String?
    private var bannerAttempts = 0

    /// - Parameters:
    ///   - given: offsets to take as found (resume a partial profile, or check one).
    ///   - validating: check `given` instead of searching.
    public init(architecture: Architecture, given: KernelProfile? = nil, validating: Bool = false) {
        self.architecture = architecture
        self.facts = LinuxFacts(architecture: architecture)
        let offsets = given.map { Self.graphOffsets(of: $0) } ?? [:]
        self.engine = ProfileEngine(graph: LinuxProfileGraph.make(), architecture: architecture, given: offsets, validating: validating)
        self.banner = given?.kernel.banner.flatMap { validating ? nil : $0 }
    }

    /// Runs the graph at one stop.
    public func stop(_ stop: KernelStop, memory: any GuestMemory) {
        if banner == nil, bannerAttempts < 3 {
            bannerAttempts += 1
            banner = KernelBanner.find(near: stop.kernelPC, memory: memory)
        }
        let pid = currentPID(stop, memory: memory)
        facts.update(before: stop, currentPID: pid)
        engine.run(stop: stop, memory: memory, facts: facts)
        facts.update(after: stop, currentPID: pid)
    }

    /// The pid of the task making the call, once the current task and pid are found.
    private func currentPID(_ stop: KernelStop, memory: any GuestMemory) -> Int? {
        guard let location = engine.found[LinuxField.currentTask], let pidOffset = engine.found[LinuxField.pid] else { return nil }
        let probe = Probe(stop: stop, memory: StopMemory(memory, capture: engine.capture), facts: facts, architecture: architecture, offsets: [LinuxField.currentTask: location])
        guard let task = probe.currentTask(at: location), let value = probe.memory.u32(probe.at(task, pidOffset)) else { return nil }
        return Int(value)
    }

    /// Whether every required field is found and the banner is known.
    public var isComplete: Bool { engine.isComplete && banner != nil }

    /// The profile as found so far (with what is missing and why).
    public func profile() -> KernelProfile {
        let kernel = KernelIdentity(banner: banner, architecture: architecture)
        var profile = KernelProfile(kernel: kernel)
        let renamed = Self.stateKey(for: kernel)
        for (key, value) in engine.found where key != LinuxField.currentTask {
            profile.offsets[key == LinuxField.state ? renamed : key] = value
        }
        for (key, evidence) in engine.evidence where key != LinuxField.currentTask {
            profile.evidence[key == LinuxField.state ? renamed : key] = evidence
        }
        if let location = engine.found[LinuxField.currentTask] {
            profile.currentTask = location == LinuxField.registerSPEL0 ? .register("sp_el0") : .perCPU(baseRegister: "gs_base", offset: location)
            if let evidence = engine.evidence[LinuxField.currentTask] { profile.evidence["current_task"] = evidence }
        }
        if engine.found[LinuxField.mmMT] != nil {
            profile.vmaContainer = .mapleTree
        } else if engine.found[LinuxField.mmap] != nil {
            profile.vmaContainer = .list
        }
        profile.missing = engine.missing().map {
            MissingField(field: $0.field == LinuxField.state ? renamed : ($0.field == LinuxField.currentTask ? "current_task" : $0.field), reason: $0.reason)
        }
        if banner == nil {
            profile.missing.append(MissingField(field: "kernel.banner", reason: "no `Linux version` string found near the kernel's system-call entry code"))
        }
        return profile
    }

    /// The graph's keys for a profile's content (inverse of ``profile()``).
    static func graphOffsets(of profile: KernelProfile) -> [String: Int] {
        var out: [String: Int] = [:]
        for (key, value) in profile.offsets {
            out[key == "task_struct.state" ? LinuxField.state : key] = value
        }
        switch profile.currentTask {
        case .perCPU(_, let offset)?: out[LinuxField.currentTask] = offset
        case .register?: out[LinuxField.currentTask] = LinuxField.registerSPEL0
        case nil: break
        }
        return out
    }

    /// `task_struct.__state` from Linux 5.14, `task_struct.state` before.
    static func stateKey(for kernel: KernelIdentity) -> String {
        if let (major, minor) = kernel.version, major < 5 || (major == 5 && minor < 14) { return "task_struct.state" }
        return LinuxField.state
    }

    /// Check results per field: (field, passed stops, failed stops, test, stop description).
    public func checkReport() -> [(field: String, passed: Int, failed: Int, test: String, stop: String)] {
        var out: [(String, Int, Int, String, String)] = []
        var seen = Set<String>()
        for entry in engine.validation() {
            for field in entry.fields where engine.found[field] != nil && seen.insert(field).inserted {
                out.append((field, entry.passed, entry.failed, entry.test, entry.stop))
            }
        }
        return out
    }
}
