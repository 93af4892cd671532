/// The Linux test graph (x86-64 and AArch64): which fields Osprey learns and how, from the
/// current task outwards. See each group: tasks, files, memory, sockets.
public enum LinuxProfileGraph {
    /// The whole graph, in traversal order.
    public static func make() -> ProfileGraph<LinuxFacts> {
        ProfileGraph(
            tests: taskTests + fileTests + memoryTests + socketTests,
            alternatives: [
                [[F.threadGroup], [F.threadNode]],
                [[F.mmMT, F.maRoot], [F.mmap, F.vmNext]],
            ])
    }
}
