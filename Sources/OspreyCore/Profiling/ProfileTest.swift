/// Where a test looks for the offsets of one field.
public enum CandidateSpace<Facts>: Sendable {
    /// `start, start+step, ...` below `end`.
    case range(Int, Int, step: Int)
    /// A fixed list.
    case list([Int])
    /// Computed at the stop from what the guest shows, e.g. every offset of the per-CPU area
    /// that holds a kernel pointer ("a formula from an observed address").
    case observed(@Sendable (Probe<Facts>) -> [Int])

    func candidates(_ probe: Probe<Facts>) -> [Int] {
        switch self {
        case let .range(start, end, step): Array(stride(from: start, to: end, by: step))
        case .list(let values): values
        case .observed(let compute): compute(probe)
        }
    }
}

/// One field a test enumerates.
public struct FieldSpec<Facts>: Sendable {
    /// `"struct.member"`.
    public var key: String
    public var space: CandidateSpace<Facts>
    /// When true, candidates of this field whose step reached the same value (for a pointer
    /// field: the same object) share one run of the fields after it.
    public var sharesByValue: Bool

    public init(_ key: String, _ space: CandidateSpace<Facts>, sharesByValue: Bool = false) {
        self.key = key
        self.space = space
        self.sharesByValue = sharesByValue
    }
}

/// What a test says about a prefix of candidate offsets.
public enum TestStep: Sendable, Equatable {
    /// Consistent so far: go on with the next field (or, at the last field, a pass).
    case descend
    /// The candidates fail.
    case fail
    /// A read failed because of the candidate of field `level` (an earlier field or this
    /// one): enumeration skips straight to that field's next candidate.
    case fault(level: Int)
    /// The oracle does not apply at this stop (nothing is learned).
    case inapplicable
}

/// How a test decides.
public enum TestKind: Sendable, Equatable {
    /// The right offsets always pass: failing candidates are eliminated (only at stops where
    /// at least one candidate passes, so an oracle that does not apply eliminates nothing).
    case mandatory
    /// The right offsets usually pass: passes are counted and the candidate with at least
    /// `votes` passes and more than twice the runner-up wins.
    case heuristic(votes: Int)
}

/// How a test chooses among candidates that no stop tells apart.
public enum TieBreak: Sendable, Equatable {
    case none
    /// After `afterStops` consecutive stops that leave the candidates unchanged, the lowest
    /// offsets win (the kernel declares the field first, e.g. `real_parent` before `parent`).
    /// For a test with a ``ProfileTest/subject``, those stops must also be about `subjects`
    /// different subjects.
    case lowest(afterStops: Int, subjects: Int = 1)
}

/// A test of the profile graph: at the stops it applies to, it enumerates candidate offsets
/// of its fields (jointly, depth first, outermost field first), given the offsets of the
/// fields it needs, and keeps the candidates that pass.
public struct ProfileTest<Facts>: Sendable {
    public var name: String
    /// Human words for the stops the test needs (used when the stop never came).
    public var stopDescription: String
    public var fields: [FieldSpec<Facts>]
    /// Fields found by other tests that this one reads through.
    public var needs: [String]
    public var kind: TestKind
    public var tieBreak: TieBreak
    /// Stops in a row that must agree before a mandatory test decides (one stop whose oracle
    /// misled it then cannot decide alone).
    public var agreeingStops: Int
    /// Whether the test applies at this stop (cheap; runs before any enumeration).
    public var applies: @Sendable (Probe<Facts>) -> Bool
    /// What a stop is about (a thread, say), for ``TieBreak/lowest(afterStops:subjects:)``: a
    /// value that merely stays put while one thread runs (a stale slot on a stack) then cannot
    /// win by repetition.
    public var subject: (@Sendable (Probe<Facts>) -> Int)?
    /// Checks candidates `offsets[0...level]` (entries after `level` are left from earlier steps);
    /// may record in `values[level]` what the field's candidate reached (for
    /// ``FieldSpec/sharesByValue`` and for deeper levels).
    public var step: @Sendable (Probe<Facts>, _ level: Int, _ offsets: [Int], _ values: inout [UInt64]) -> TestStep

    public init(
        _ name: String, at stopDescription: String, fields: [FieldSpec<Facts>], needs: [String] = [],
        kind: TestKind = .mandatory, tieBreak: TieBreak = .none, agreeingStops: Int = 2,
        subject: (@Sendable (Probe<Facts>) -> Int)? = nil,
        applies: @escaping @Sendable (Probe<Facts>) -> Bool,
        step: @escaping @Sendable (Probe<Facts>, Int, [Int], inout [UInt64]) -> TestStep
    ) {
        self.name = name
        self.stopDescription = stopDescription
        self.fields = fields
        self.needs = needs
        self.kind = kind
        self.tieBreak = tieBreak
        self.agreeingStops = agreeingStops
        self.subject = subject
        self.applies = applies
        self.step = step
    }
}

/// What a test sees at a stop: the stop, its memory (cached), the facts gathered so far, and
/// the offsets of fields already found (or being tried for a parent with several candidates).
public final class Probe<Facts> {
    public let stop: KernelStop
    public let memory: StopMemory
    public let facts: Facts
    public let architecture: Architecture
    public internal(set) var offsets: [String: Int]
    /// Per-stop scratch shared by tests (e.g. the current task's address).
    public var scratch: [ProbeCacheKey: UInt64] = [:]
    /// Per-stop lists shared by tests (e.g. the task list).
    public var lists: [ProbeCacheKey: [UInt64]] = [:]

    public init(stop: KernelStop, memory: StopMemory, facts: Facts, architecture: Architecture, offsets: [String: Int]) {
        self.stop = stop
        self.memory = memory
        self.facts = facts
        self.architecture = architecture
        self.offsets = offsets
    }

    /// The offset of a field this test needs (the engine runs a test only when all are set).
    public func offset(_ key: String) -> Int { offsets[key] ?? 0 }

    /// Whether `value` is a plausible kernel pointer (upper half, 8-byte aligned).
    public func isKernelPointer(_ value: UInt64) -> Bool { architecture.isKernelPointer(value) }

    /// Reads a kernel pointer at `address`, nil if unreadable or not a kernel pointer.
    public func pointer(at address: UInt64) -> UInt64? {
        guard let value = memory.u64(address), isKernelPointer(value) else { return nil }
        return value
    }

    /// `address + offset` with wrapping.
    @inlinable public func at(_ address: UInt64, _ offset: Int) -> UInt64 { address &+ UInt64(bitPattern: Int64(offset)) }
}
