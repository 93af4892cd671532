import OspreyCore
import Testing

/// Sparse guest memory for engine tests: 8-byte words at addresses; everything else unreadable.
struct WordMemory: GuestMemory {
    var words: [UInt64: UInt64] = [:]
    var readable: [ClosedRange<UInt64>] = []

    func read(at address: GuestAddress, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        let start = address.rawValue
        let end = start + UInt64(buffer.count) - 1
        guard readable.contains(where: { $0.contains(start) && $0.contains(end) }) else { return false }
        for i in 0..<buffer.count {
            let a = start + UInt64(i)
            let word = words[a & ~7] ?? 0
            buffer[i] = UInt8(truncatingIfNeeded: word >> ((a & 7) * 8))
        }
        return true
    }

    mutating func set(_ address: UInt64, _ value: UInt64) {
        words[address] = value
    }
}

/// Facts for the fake graph: the value the right field must hold at this stop.
final class Expect: @unchecked Sendable {
    var value: UInt64 = 0
    var objects: [UInt64] = []
}

@Suite("Profile engine")
struct ProfileEngineTests {

    static func stop(_ n: Int) -> KernelStop {
        KernelStop(vcpu: 0, context: UserContext(addressSpace: 0x1000, threadPointer: 0), call: ObservedCall(name: "getpid", args: SyscallArguments()),
                   previous: nil, perCPUBase: base, currentRegister: 0, pageTableRoot: 0, kernelPC: 0)
    }

    /// One field in a 0x100-byte object whose value the stop knows.
    static func valueTest(kind: TestKind = .mandatory, tieBreak: TieBreak = .none, agreeing: Int = 2) -> ProfileTest<Expect> {
        ProfileTest("value", at: "any stop", fields: [FieldSpec("obj.value", .range(0, 0x100, step: 8))],
                    kind: kind, tieBreak: tieBreak, agreeingStops: agreeing,
                    applies: { _ in true },
                    step: { p, _, o, _ in p.memory.u64(p.at(base, o[0])) == p.facts.value ? .descend : .fail })
    }

    static func memory(field: Int, value: UInt64, decoys: [Int: UInt64] = [:]) -> WordMemory {
        var m = WordMemory(readable: [base...(base + 0xFFF)])
        m.set(base + UInt64(field), value)
        for (offset, v) in decoys { m.set(base + UInt64(offset), v) }
        return m
    }

    @Test func mandatoryIntersectsStopsAndNeedsTwoAgreeing() {
        let engine = ProfileEngine(graph: ProfileGraph(tests: [Self.valueTest()]), architecture: .x86_64)
        let facts = Expect()
        facts.value = 7
        engine.run(stop: Self.stop(1), memory: Self.memory(field: 0x40, value: 7, decoys: [0x18: 7]), facts: facts)
        #expect(engine.found["obj.value"] == nil)
        #expect(engine.candidates(of: "obj.value") == [0x18, 0x40])
        facts.value = 9
        engine.run(stop: Self.stop(2), memory: Self.memory(field: 0x40, value: 9, decoys: [0x18: 3]), facts: facts)
        #expect(engine.found["obj.value"] == 0x40)
        #expect(engine.isComplete)
    }

    @Test func aMisledStopIsOutvotedByLaterAgreement() {
        let engine = ProfileEngine(graph: ProfileGraph(tests: [Self.valueTest()]), architecture: .x86_64)
        let facts = Expect()
        facts.value = 5  // wrong oracle: the right field holds 6, a decoy holds 5
        engine.run(stop: Self.stop(1), memory: Self.memory(field: 0x40, value: 6, decoys: [0x88: 5]), facts: facts)
        #expect(engine.candidates(of: "obj.value") == [0x88])
        for v: UInt64 in [11, 12] {
            facts.value = v
            engine.run(stop: Self.stop(2), memory: Self.memory(field: 0x40, value: v, decoys: [0x88: 1]), facts: facts)
        }
        #expect(engine.found["obj.value"] == 0x40)
    }

    @Test func stopsWhereNothingPassesEliminateNothing() {
        let engine = ProfileEngine(graph: ProfileGraph(tests: [Self.valueTest()]), architecture: .x86_64)
        let facts = Expect()
        facts.value = 1
        engine.run(stop: Self.stop(1), memory: Self.memory(field: 0x40, value: 1, decoys: [0x50: 1]), facts: facts)
        facts.value = 99  // nothing holds 99: the oracle does not apply here
        engine.run(stop: Self.stop(2), memory: Self.memory(field: 0x40, value: 1), facts: facts)
        #expect(engine.candidates(of: "obj.value") == [0x40, 0x50])
        #expect(engine.missing().first?.reason.contains("2 candidates left") == true)
    }

    @Test func tieBreakTakesTheLowestAfterStableStops() {
        let engine = ProfileEngine(graph: ProfileGraph(tests: [Self.valueTest(tieBreak: .lowest(afterStops: 2))]), architecture: .x86_64)
        let facts = Expect()
        for v: UInt64 in [3, 4, 5, 6] {
            facts.value = v
            engine.run(stop: Self.stop(1), memory: Self.memory(field: 0x40, value: v, decoys: [0x48: v]), facts: facts)
        }
        #expect(engine.found["obj.value"] == 0x40)
        #expect(engine.evidence["obj.value"]?.decision.contains("lowest") == true)
    }

    @Test func heuristicNeedsVotesAndAMargin() {
        let engine = ProfileEngine(graph: ProfileGraph(tests: [Self.valueTest(kind: .heuristic(votes: 3))]), architecture: .x86_64)
        let facts = Expect()
        for (i, v) in [UInt64(1), 2, 3].enumerated() {
            facts.value = v
            // The decoy matches once: votes 3 to 1 decide for 0x20.
            engine.run(stop: Self.stop(i), memory: Self.memory(field: 0x20, value: v, decoys: i == 0 ? [0x30: v] : [:]), facts: facts)
        }
        #expect(engine.found["obj.value"] == 0x20)
    }

    /// A pointer field and a field of the object it points to, enumerated jointly: candidates
    /// whose pointer is unreadable fault at the first level; equal pointers share one run.
    @Test func jointEnumerationWithFaultsAndSharing() {
        let runs = Counter()
        let test = ProfileTest<Expect>(
            "chain", at: "any stop",
            fields: [FieldSpec("a.ptr", .range(0, 0x40, step: 8), sharesByValue: true), FieldSpec("b.value", .range(0, 0x40, step: 8))],
            applies: { _ in true },
            step: { p, level, o, values in
                if level == 0 {
                    guard let target = p.memory.u64(p.at(base, o[0])), target != 0 else { return .fail }
                    values[0] = target
                    return .descend
                }
                runs.count += 1
                guard let v = p.memory.u64(p.at(values[0], o[1])) else { return .fault(level: 0) }
                return v == p.facts.value ? .descend : .fail
            })
        let engine = ProfileEngine(graph: ProfileGraph(tests: [test]), architecture: .x86_64)
        let facts = Expect()
        for v: UInt64 in [0x55, 0x66] {
            var m = WordMemory(readable: [base...(base + 0xFFF)])
            let object = base + 0x800
            m.set(base + 0x08, object)      // the right pointer
            m.set(base + 0x10, object)      // an alias: shares the subtree
            m.set(base + 0x18, 0xDEAD_0000)  // unreadable target: faults
            m.set(object + 0x28, v)
            facts.value = v
            engine.run(stop: Self.stop(1), memory: m, facts: facts)
        }
        // Pointer aliases cannot be told apart: both stay, and their subtree ran once per stop.
        #expect(engine.candidates(of: "a.ptr") == [0x08, 0x10])
        #expect(engine.candidates(of: "b.value") == [0x28])
        #expect(runs.count <= 2 * (8 + 1))
    }

    /// A child test with an unresolved parent re-runs per parent candidate and eliminates the
    /// parent candidates under which it finds nothing.
    @Test func childTestPrunesParentCandidates() {
        let parent = ProfileTest<Expect>(
            "parent", at: "any stop", fields: [FieldSpec("p.ptr", .list([0x08, 0x10]))],
            applies: { _ in true },
            step: { p, _, o, _ in p.memory.u64(p.at(base, o[0])) != 0 ? .descend : .fail })
        let child = ProfileTest<Expect>(
            "child", at: "any stop", fields: [FieldSpec("c.value", .range(0, 0x40, step: 8))], needs: ["p.ptr"],
            applies: { _ in true },
            step: { p, _, o, _ in
                guard let object = p.memory.u64(p.at(base, p.offset("p.ptr"))) else { return .fail }
                return p.memory.u64(p.at(object, o[0])) == p.facts.value ? .descend : .fail
            })
        let engine = ProfileEngine(graph: ProfileGraph(tests: [parent, child]), architecture: .x86_64)
        let facts = Expect()
        facts.value = 0x77
        var m = WordMemory(readable: [base...(base + 0xFFF)])
        m.set(base + 0x08, base + 0x800)
        m.set(base + 0x10, base + 0x900)
        m.set(base + 0x800 + 0x30, 0x77)
        engine.run(stop: Self.stop(1), memory: m, facts: facts)
        engine.run(stop: Self.stop(2), memory: m, facts: facts)
        #expect(engine.found["p.ptr"] == 0x08)
    }

    @Test func validatingCountsPassesAndFailures() {
        let engine = ProfileEngine(graph: ProfileGraph(tests: [Self.valueTest()]), architecture: .x86_64, given: ["obj.value": 0x48], validating: true)
        let facts = Expect()
        facts.value = 4
        engine.run(stop: Self.stop(1), memory: Self.memory(field: 0x40, value: 4), facts: facts)
        let row = engine.validation().first
        #expect(row?.failed == 1)
        #expect(row?.passed == 0)
    }
}

final class Counter: @unchecked Sendable { var count = 0 }

/// Where the fake kernel objects of these tests live.
let base: UInt64 = 0xFFFF_8880_0000_0000
