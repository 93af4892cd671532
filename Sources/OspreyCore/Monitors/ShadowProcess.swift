/// What the monitors last read of one process: the shadow copy that is diffed against the
/// kernel when a call changes it.
public struct ShadowProcess: Sendable {
    public var task: KernelTask
    /// argv, when it could be read (it lives in the process's own memory).
    public var commandLine: [GuestText]?
    public var executable: GuestText?
    /// Open descriptors by number.
    public var files: [Int: OpenFile] = [:]
    /// Socket addresses last reported, by descriptor.
    public var sockets: [Int: SocketEndpoint] = [:]
    /// Memory regions by `vm_area_struct` address.
    public var regions: [UInt64: MemoryRegion] = [:]
    /// Regions per mapped file path (a module is loaded while it has one).
    public var modules: [GuestText: Int] = [:]
    /// Thread ids other than the leader's.
    public var threads: Set<GuestPID> = []
    /// The exit was reported.
    public var exited = false

    public init(task: KernelTask) { self.task = task }
}
