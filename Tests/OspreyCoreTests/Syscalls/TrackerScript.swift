@testable import OspreyCore

/// Drives a tracker with entries and returns the way a guest would, by call name.
final class TrackerScript {
    let sink = InMemoryEventSink()
    let tracker: SyscallTracker<InMemoryEventSink>
    let abi: SyscallABI
    private var table: SyscallTable { SyscallTable.linux(abi) }

    init(abi: SyscallABI = .x86_64, limits: SyscallTrackerLimits = .init()) {
        self.abi = abi
        tracker = SyscallTracker(sink: sink, limits: limits)
    }

    var events: [SyscallEvent] { sink.events }

    func number(_ name: String) -> Int64 {
        guard let n = table.number(of: name) else { fatalError("no \(name) in \(abi)") }
        return n
    }

    /// A call instruction at `pc` in address space `space` with stack `sp`.
    func enter(
        _ name: String, space: UInt64, sp: UInt64, pc: UInt64 = 0x401000, tp: UInt64 = 0x7000, vcpu: Int = 0,
        args: [UInt64] = [], strings: [DecodedString] = [], cloneFlags: UInt64 = 0, childStack: UInt64 = 0,
        childTIDPointer: UInt64 = 0
    ) {
        tracker.enter(SyscallEntryRecord(
            vcpu: vcpu, abi: abi, number: number(name), args: SyscallArguments(args), pc: GuestAddress(pc),
            returnAddress: GuestAddress(pc + 2), stackPointer: sp, addressSpace: AddressSpaceID(rawValue: space),
            threadPointer: tp, strings: strings, cloneFlags: cloneFlags, childStack: childStack).with {
                $0.childTIDPointer = childTIDPointer
            })
    }

    /// The instruction after a call at `pc` runs with `result` in the result register.
    func ret(_ result: Int64, space: UInt64, sp: UInt64, pc: UInt64 = 0x401000, tp: UInt64 = 0x7000, vcpu: Int = 0, memory: FakeCPU = FakeCPU()) {
        tracker.exit(SyscallReturnRecord(
            vcpu: vcpu, pc: GuestAddress(pc + 2), stackPointer: sp, addressSpace: AddressSpaceID(rawValue: space),
            threadPointer: tp, rawResult: UInt64(bitPattern: result)), memory: memory)
    }

    /// The events as `name:end:result:pid` strings, for compact expectations.
    var summary: [String] {
        events.map { e in
            "\(e.name ?? "?"):\(e.end.rawValue):\(e.result.map(String.init) ?? "-"):\(e.task.pid.map(String.init) ?? "?")"
        }
    }
}

func path(_ s: String, argument: Int = 0) -> DecodedString {
    DecodedString(argument: argument, bytes: Array(s.utf8))
}

extension SyscallEntryRecord {
    func with(_ change: (inout SyscallEntryRecord) -> Void) -> SyscallEntryRecord {
        var copy = self
        change(&copy)
        return copy
    }
}
