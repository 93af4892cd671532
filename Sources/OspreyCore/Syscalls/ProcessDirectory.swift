/// What Osprey has learnt, from call results alone, about the processes behind address
/// spaces and the threads behind thread pointers (the 2015 paper's ABI-only identities).
struct ProcessDirectory {
    struct Process {
        var pid: GuestPID?
        var ppid: GuestPID?
        var comm: GuestText?
        /// Threads known to run in this address space (1 until a thread is cloned).
        var threadCount = 1
        /// Some call in this address space ran with a non-zero thread pointer.
        var sawThreadPointer = false
        /// Last use, for deterministic eviction of the least recently used.
        var lastUse: UInt64 = 0
    }

    struct ThreadKey: Hashable {
        var addressSpace: AddressSpaceID
        var threadPointer: UInt64
    }

    private(set) var processes: [AddressSpaceID: Process] = [:]
    private var threads: [ThreadKey: GuestPID] = [:]
    private var clock: UInt64 = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func isKnown(_ space: AddressSpaceID) -> Bool { processes[space] != nil }

    func process(_ space: AddressSpaceID) -> Process? { processes[space] }

    /// Identity of the thread running in `space` with thread pointer `tp`.
    func identity(space: AddressSpaceID, threadPointer tp: UInt64) -> TaskIdentity {
        guard let p = processes[space] else { return TaskIdentity() }
        let tid = threads[ThreadKey(addressSpace: space, threadPointer: tp)] ?? (p.threadCount == 1 ? p.pid : nil)
        return TaskIdentity(pid: p.pid, tid: tid, ppid: p.ppid, comm: p.comm)
    }

    mutating func update(_ space: AddressSpaceID, _ change: (inout Process) -> Void) {
        clock &+= 1
        var p = processes[space] ?? Process()
        change(&p)
        p.lastUse = clock
        processes[space] = p
        if processes.count > capacity { evictLeastRecentlyUsed() }
    }

    mutating func sawThreadPointer(_ space: AddressSpaceID) {
        guard var p = processes[space], !p.sawThreadPointer else { return }
        p.sawThreadPointer = true
        processes[space] = p
    }

    mutating func setThread(_ space: AddressSpaceID, threadPointer tp: UInt64, tid: GuestPID) {
        threads[ThreadKey(addressSpace: space, threadPointer: tp)] = tid
        if threads.count > capacity {
            // Rare (more live threads than capacity): drop everything rather than guess.
            threads.removeAll(keepingCapacity: true)
        }
    }

    mutating func moveThread(_ space: AddressSpaceID, from old: UInt64, to new: UInt64) {
        guard old != new, let tid = threads.removeValue(forKey: ThreadKey(addressSpace: space, threadPointer: old)) else { return }
        threads[ThreadKey(addressSpace: space, threadPointer: new)] = tid
    }

    mutating func threadExited(_ space: AddressSpaceID, threadPointer tp: UInt64) {
        threads.removeValue(forKey: ThreadKey(addressSpace: space, threadPointer: tp))
        if var p = processes[space], p.threadCount > 1 {
            p.threadCount -= 1
            processes[space] = p
        }
    }

    /// Forgets an address space whose process ended or replaced its image.
    mutating func remove(_ space: AddressSpaceID) {
        guard processes.removeValue(forKey: space) != nil else { return }
        if !threads.isEmpty {
            threads = threads.filter { $0.key.addressSpace != space }
        }
    }

    private mutating func evictLeastRecentlyUsed() {
        let keep = capacity / 2
        let survivors = processes.sorted { $0.value.lastUse > $1.value.lastUse }.prefix(keep)
        processes = Dictionary(uniqueKeysWithValues: survivors.map { ($0.key, $0.value) })
    }
}
