/// Follows system calls from user mode for the profiler: what each thread asked, what it got
/// back, and the user memory involved. Entries and returns are matched per thread (address
/// space + thread pointer + stack pointer + return address), so a call that blocks while
/// other threads run still finds its result.
///
/// Not thread-safe: the plugin keeps it behind a lock. Tables are bounded.
public struct CallObserver: Sendable {
    public let architecture: Architecture
    private var pending: [UserContext: ObservedCall] = [:]
    private var completed: [UserContext: ObservedCall] = [:]
    private static let tableLimit = 4096

    public init(architecture: Architecture) { self.architecture = architecture }

    /// Records an entry and returns the call with what the profiler reads at entry, plus the
    /// thread's previous completed call.
    public mutating func entered(
        _ record: SyscallEntryRecord, name: String, memory: some GuestMemory
    ) -> (call: ObservedCall, previous: ObservedCall?, context: UserContext) {
        let context = UserContext(addressSpace: record.addressSpace.rawValue, threadPointer: record.threadPointer)
        var call = ObservedCall(name: name, args: record.args)
        call.stackPointer = record.stackPointer
        call.returnAddress = record.returnAddress.rawValue
        call.path = record.strings.first(where: { !$0.unreadable })?.bytes
        call.cloneFlags = record.cloneFlags
        switch name {
        case "execve", "execveat":
            let vector = name == "execve" ? record.args[1] : record.args[2]
            call.argv = Self.readStringArray(at: vector, memory: memory, architecture: architecture)
        case "bind", "connect":
            let length = Int(min(record.args[2], 28))
            call.socketAddress = Self.readBytes(at: record.args[1], count: length, memory: memory)
        case "clone3":
            call.childThreadPointer = memory.readInteger(at: GuestAddress(record.args[0]).advanced(by: 56), size: 8) ?? 0
        case "clone":
            // clone(flags, stack, parent_tid, child_tid, tls) on x86-64; (flags, stack, parent_tid, tls, child_tid) on AArch64.
            call.childThreadPointer = architecture == .x86_64 ? record.args[4] : record.args[3]
        default: break
        }
        let previous = completed.removeValue(forKey: context)
        if pending.count >= Self.tableLimit { pending.removeAll(keepingCapacity: true) }
        pending[context] = call
        return (call, previous, context)
    }

    /// Records a return to user mode; the matched call becomes the thread's previous call.
    public mutating func returned(_ record: SyscallReturnRecord, memory: some GuestMemory) {
        let context = UserContext(addressSpace: record.addressSpace.rawValue, threadPointer: record.threadPointer)
        guard var call = pending[context], call.returnAddress == record.pc.rawValue,
              call.stackPointer == record.stackPointer
        else { return }
        pending[context] = nil
        let result = Int64(bitPattern: record.rawResult)
        call.result = result
        if result >= 0 {
            switch call.name {
            case "fstat", "newfstatat", "fstatat64":
                let buffer = call.name == "fstat" ? call.args[1] : call.args[2]
                call.statBuffer = Self.readBytes(at: buffer, count: 64, memory: memory)
            case "statx":
                call.statBuffer = Self.readBytes(at: call.args[4], count: 64, memory: memory)
            case "accept", "accept4":
                if call.args[1] != 0 { call.socketAddress = Self.readBytes(at: call.args[1], count: 16, memory: memory) }
            default: break
            }
        }
        if completed.count >= Self.tableLimit { completed.removeAll(keepingCapacity: true) }
        completed[context] = call
    }

    static func readBytes(at address: UInt64, count: Int, memory: some GuestMemory) -> [UInt8] {
        guard address != 0, count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        let ok = bytes.withUnsafeMutableBytes { memory.read(at: GuestAddress(address), into: $0) }
        return ok ? bytes : []
    }

    static func readStringArray(at address: UInt64, memory: some GuestMemory, architecture: Architecture) -> [[UInt8]] {
        var strings: [[UInt8]] = []
        guard address != 0 else { return strings }
        for i in 0..<32 {
            guard let pointer = memory.readInteger(at: GuestAddress(address).advanced(by: UInt64(i * 8)), size: 8),
                  pointer != 0,
                  let (bytes, _) = memory.readCString(at: GuestAddress(pointer), limit: 512)
            else { break }
            strings.append(bytes)
        }
        return strings
    }
}
