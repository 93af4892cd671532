/// Runs a ``ProfileGraph`` over the stops of a running guest and decides field offsets.
///
/// At each stop, tests run in graph order. A test runs when the fields it needs are found, or
/// when each missing one has a few candidates left: then its whole enumeration re-runs for
/// each candidate of the parent, and parent candidates under which nothing passes (while
/// others pass) are eliminated. Mandatory tests intersect the passing candidates over stops;
/// heuristic tests vote. The same engine validates a given profile (`validating`) and
/// resumes from a partial one (`given` offsets are taken as found).
///
/// Not thread-safe: callers serialise stops.
public final class ProfileEngine<Facts> {
    public let graph: ProfileGraph<Facts>
    public let architecture: Architecture
    /// Found offsets.
    public private(set) var found: [String: Int]
    public private(set) var evidence: [String: FieldEvidence] = [:]
    /// True when checking given offsets instead of searching.
    public let validating: Bool
    /// Called when a field is found: (key, offset, found count, total).
    public var onFound: ((String, Int, Int, Int) -> Void)?
    /// When set, records the guest bytes read at each stop (see ``MemoryCapture``).
    public var capture: MemoryCapture?
    /// Most enumeration steps one test may take at one stop.
    public var stepBudget = 3_000_000

    private var states: [TestState]
    private var owner: [String: Int] = [:]
    public private(set) var stops = 0
    /// How many times a test may re-enumerate its whole space when no survivor passes.
    static var rescanLimit: Int { 8 }
    /// Validating: how many failing stops per test are re-checked against the whole space,
    /// and the steps each re-check may take.
    static var recheckLimit: Int { 24 }
    static var recheckBudget: Int { 100_000 }

    struct TestState {
        var combos: Set<[Int]>?
        var votes: [[Int]: Int] = [:]
        var applicable = 0
        var passed = 0
        var failed = 0
        var stable = 0
        /// Subjects of the stops counted in `stable` (tests with a ``ProfileTest/subject``).
        var stableSubjects: Set<Int> = []
        var conflicts = 0
        var agreeing = 0
        var rescans = 0
        /// Validating: failing stops re-checked against the whole space so far.
        var rechecks = 0
        var waitingFor: String?
    }

    public init(graph: ProfileGraph<Facts>, architecture: Architecture, given: [String: Int] = [:], validating: Bool = false) {
        self.graph = graph
        self.architecture = architecture
        self.found = given
        self.validating = validating
        self.states = Array(repeating: TestState(), count: graph.tests.count)
        for (i, test) in graph.tests.enumerated() {
            for field in test.fields where owner[field.key] == nil { owner[field.key] = i }
        }
        for key in given.keys { evidence[key] = FieldEvidence(test: "given", stops: 0, decision: "given") }
    }

    /// Requirements: fields outside alternative groups, plus one per group.
    public var total: Int {
        let grouped = Set(graph.alternatives.flatMap { $0.flatMap { $0 } })
        return graph.fields.filter { !grouped.contains($0) }.count + graph.alternatives.count
    }

    /// Requirements met so far.
    public var foundCount: Int {
        let grouped = Set(graph.alternatives.flatMap { $0.flatMap { $0 } })
        let plain = graph.fields.filter { !grouped.contains($0) && found[$0] != nil }.count
        let groups = graph.alternatives.filter { group in group.contains { option in option.allSatisfy { found[$0] != nil } } }.count
        return plain + groups
    }

    public var isComplete: Bool { foundCount == total }

    /// Runs every applicable test at one stop.
    public func run(stop: KernelStop, memory: any GuestMemory, facts: Facts) {
        stops += 1
        let probe = Probe(stop: stop, memory: StopMemory(memory, capture: capture), facts: facts, architecture: architecture, offsets: found)
        for index in graph.tests.indices {
            run(test: index, probe: probe)
        }
    }

    private func run(test index: Int, probe: Probe<Facts>) {
        let test = graph.tests[index]
        let own = test.fields.map(\.key)
        if !validating && own.allSatisfy({ found[$0] != nil }) { return }
        // Parents: found, or branch over a few candidates.
        var branched: [(key: String, values: [Int])] = []
        for need in test.needs where found[need] == nil {
            guard let values = candidates(of: need), values.count <= 16, !values.isEmpty else {
                states[index].waitingFor = need
                return
            }
            branched.append((need, values))
        }
        states[index].waitingFor = nil

        var assignments: [[Int]] = [[]]
        for parent in branched {
            assignments = assignments.flatMap { prefix in parent.values.map { prefix + [$0] } }
            if assignments.count > 256 {
                states[index].waitingFor = parent.key
                return
            }
        }
        // Whether the test applies can depend on a parent still undecided (a thread is not its
        // leader when pid != tgid): decide it under each candidate, never under a default.
        // A candidate under which the test does not apply is neither tested nor eliminated here.
        assignments = assignments.filter { assignment in
            probe.offsets = found
            for (i, parent) in branched.enumerated() { probe.offsets[parent.key] = assignment[i] }
            return test.applies(probe)
        }
        probe.offsets = found
        if assignments.isEmpty { return }
        var results: [(assignment: [Int], passes: [[Int]])] = []
        var inapplicable = false
        func enumerate(survivorsOnly: Bool, ownOpen: Bool = false, budget: Int? = nil) {
            results = []
            for assignment in assignments {
                for (i, parent) in branched.enumerated() { probe.offsets[parent.key] = assignment[i] }
                let lists = test.fields.map { field -> [Int] in
                    if !ownOpen, let value = found[field.key] { return [value] }
                    if survivorsOnly, let combos = states[index].combos, let position = own.firstIndex(of: field.key) {
                        return Array(Set(combos.map { $0[position] })).sorted()
                    }
                    return field.space.candidates(probe)
                }
                var enumerator = Enumerator(
                    test: test, probe: probe, lists: lists, allowed: survivorsOnly ? states[index].combos : nil, budget: budget ?? stepBudget)
                enumerator.run()
                if enumerator.inapplicable { inapplicable = true; break }
                results.append((assignment, enumerator.passes))
            }
        }
        enumerate(survivorsOnly: true)
        if !inapplicable, !validating, branched.isEmpty, states[index].combos != nil, states[index].rescans < Self.rescanLimit,
           results.allSatisfy({ $0.passes.isEmpty }) {
            // None of the survivors passes: either the oracle does not apply here, or an
            // earlier stop misled the test. Look at the whole space to tell (a few times).
            states[index].rescans += 1
            enumerate(survivorsOnly: false)
        }
        let anyPass = results.contains { !$0.passes.isEmpty }
        if validating, !inapplicable, !anyPass {
            // The given offsets fail here. That counts against them only if the oracle held at
            // this stop: some other candidate passes (looked for a bounded number of times, with
            // a small budget; beyond that the stop is not held against them).
            var held = false
            if states[index].rechecks < Self.recheckLimit {
                states[index].rechecks += 1
                enumerate(survivorsOnly: false, ownOpen: true, budget: Self.recheckBudget)
                held = !inapplicable && results.contains { !$0.passes.isEmpty }
            }
            if !held {
                probe.offsets = found
                return
            }
        }
        probe.offsets = found
        if inapplicable { return }
        states[index].applicable += 1
        if anyPass { states[index].passed += 1 } else { states[index].failed += 1 }
        if validating || !anyPass { return }

        if !branched.isEmpty {
            eliminateParents(branched: branched, results: results)
            return
        }
        let passes = results.first?.passes ?? []
        record(index, passes: passes, subject: test.subject?(probe))
    }

    private func record(_ index: Int, passes: [[Int]], subject: Int? = nil) {
        let test = graph.tests[index]
        switch test.kind {
        case .mandatory:
            let now = Set(passes)
            let before = states[index].combos
            var next = before.map { $0.intersection(now) } ?? now
            if next.isEmpty {
                // Contradicts the earlier stops: one of them was misled (an oracle that did not
                // hold); start again from this stop's evidence.
                states[index].conflicts += 1
                next = now
                states[index].agreeing = 1
            } else {
                states[index].agreeing += 1
            }
            if before?.count != next.count {
                states[index].stable = 0
                states[index].stableSubjects = []
            } else {
                states[index].stable += 1
                if let subject { states[index].stableSubjects.insert(subject) }
            }
            states[index].combos = next
            guard states[index].agreeing >= test.agreeingStops else { return }
            if next.count == 1, let only = next.first {
                resolve(index, only, decision: "only candidate left")
            } else if case .lowest(let after, let subjects) = test.tieBreak, states[index].stable >= after,
                      test.subject == nil || states[index].stableSubjects.count >= subjects, let lowest = next.min(by: Self.lexicographic) {
                resolve(index, lowest, decision: "lowest of \(next.count) candidates no stop told apart")
            }
        case .heuristic(let needed):
            for p in passes { states[index].votes[p, default: 0] += 1 }
            let ranked = states[index].votes.sorted { $0.value != $1.value ? $0.value > $1.value : Self.lexicographic($0.key, $1.key) }
            guard let best = ranked.first, best.value >= needed else { return }
            let second = ranked.dropFirst().first?.value ?? 0
            if best.value > 2 * second {
                resolve(index, best.key, decision: "votes \(best.value) of \(states[index].applicable) stops, runner-up \(second)")
            } else if case .lowest(let after, _) = test.tieBreak, states[index].applicable >= after + needed {
                resolve(index, best.key, decision: "votes \(best.value) (tie with \(second), lowest offset)")
            }
        }
    }

    private func eliminateParents(branched: [(key: String, values: [Int])], results: [(assignment: [Int], passes: [[Int]])]) {
        for (i, parent) in branched.enumerated() {
            let passing = Set(results.filter { !$0.passes.isEmpty }.map { $0.assignment[i] })
            let tested = Set(results.map { $0.assignment[i] })
            let alive = Set(parent.values.filter { passing.contains($0) || !tested.contains($0) })
            guard let ownerIndex = owner[parent.key], let position = graph.tests[ownerIndex].fields.firstIndex(where: { $0.key == parent.key }),
                  var combos = states[ownerIndex].combos
            else { continue }
            let before = combos.count
            combos = combos.filter { alive.contains($0[position]) }
            guard !combos.isEmpty, combos.count < before else { continue }
            states[ownerIndex].combos = combos
            states[ownerIndex].stable = 0
            states[ownerIndex].stableSubjects = []
            if combos.count == 1, let only = combos.first {
                resolve(ownerIndex, only, decision: "only candidate left after a dependent test re-checked it")
            }
        }
    }

    private func resolve(_ index: Int, _ combo: [Int], decision: String) {
        let test = graph.tests[index]
        for (field, value) in zip(test.fields, combo) where found[field.key] == nil {
            found[field.key] = value
            evidence[field.key] = FieldEvidence(test: test.name, stops: states[index].applicable, decision: decision)
            onFound?(field.key, value, foundCount, total)
        }
    }

    /// The candidates left for a field not yet found (nil when unexplored).
    public func candidates(of key: String) -> [Int]? {
        if let value = found[key] { return [value] }
        guard let index = owner[key], let combos = states[index].combos,
              let position = graph.tests[index].fields.firstIndex(where: { $0.key == key })
        else { return nil }
        return Array(Set(combos.map { $0[position] })).sorted()
    }

    /// Why each required field is still missing.
    public func missing() -> [MissingField] {
        var out: [MissingField] = []
        let grouped = Set(graph.alternatives.flatMap { $0.flatMap { $0 } })
        for key in graph.fields where found[key] == nil {
            if grouped.contains(key) {
                let satisfied = graph.alternatives.contains { group in
                    group.contains { $0.contains(key) } && group.contains { option in option.allSatisfy { found[$0] != nil } }
                }
                if satisfied { continue }
            }
            out.append(MissingField(field: key, reason: reason(for: key)))
        }
        return out
    }

    private func reason(for key: String) -> String {
        guard let index = owner[key] else { return "no test finds it" }
        let test = graph.tests[index]
        let state = states[index]
        if let parent = state.waitingFor { return "test \(test.name) needs \(parent), not found" }
        if state.applicable == 0 { return "test \(test.name) never ran: no stop at \(test.stopDescription)" }
        if state.passed == 0 { return "test \(test.name): no candidate passed at \(state.applicable) stop(s)" }
        if let combos = candidates(of: key) {
            let shown = combos.prefix(6).map { "0x" + String($0, radix: 16) }.joined(separator: ", ")
            return "test \(test.name): \(combos.count) candidates left after \(state.applicable) stop(s) (\(shown)\(combos.count > 6 ? ", ..." : ""))"
        }
        if !state.votes.isEmpty {
            let top = state.votes.sorted { $0.value > $1.value }.prefix(3).map { "\($0.key.map { "0x" + String($0, radix: 16) }.joined(separator: "/")): \($0.value)" }
            return "test \(test.name): votes undecided after \(state.applicable) stop(s) (\(top.joined(separator: ", ")))"
        }
        return "test \(test.name): undecided after \(state.applicable) stop(s)"
    }

    /// Validation results per test: stops where the given offsets passed and failed.
    public func validation() -> [(test: String, fields: [String], passed: Int, failed: Int, stop: String)] {
        graph.tests.indices.map { i in
            (graph.tests[i].name, graph.tests[i].fields.map(\.key), states[i].passed, states[i].failed, graph.tests[i].stopDescription)
        }
    }

    static func lexicographic(_ a: [Int], _ b: [Int]) -> Bool {
        for (x, y) in zip(a, b) where x != y { return x < y }
        return a.count < b.count
    }
}

/// Depth-first enumeration of one test's candidates at one stop.
struct Enumerator<Facts> {
    let test: ProfileTest<Facts>
    let probe: Probe<Facts>
    let lists: [[Int]]
    let allowed: Set<[Int]>?
    var budget: Int
    var passes: [[Int]] = []
    var inapplicable = false
    private var memo: [Int: [UInt64: [[Int]]]] = [:]

    init(test: ProfileTest<Facts>, probe: Probe<Facts>, lists: [[Int]], allowed: Set<[Int]>?, budget: Int) {
        self.test = test
        self.probe = probe
        self.lists = lists
        self.allowed = allowed
        self.budget = budget
    }

    mutating func run() {
        guard !lists.isEmpty, !lists.contains(where: \.isEmpty) else { return }
        var offsets = [Int](repeating: 0, count: lists.count)
        var values = [UInt64](repeating: 0, count: lists.count)
        var out: [[Int]] = []
        _ = descend(0, &offsets, &values, into: &out)
        passes = allowed.map { set in out.filter { set.contains($0) } } ?? out
    }

    /// Returns a level to unwind to when a fault is attributed to an earlier field.
    private mutating func descend(_ level: Int, _ offsets: inout [Int], _ values: inout [UInt64], into out: inout [[Int]]) -> Int? {
        let last = lists.count - 1
        for candidate in lists[level] {
            if inapplicable || budget <= 0 { return nil }
            budget -= 1
            offsets[level] = candidate
            // The whole array, not a slice copy: a step reads offsets[0...level] only, and
            // passing it allocates nothing (copy on write, the array stays unique).
            switch test.step(probe, level, offsets, &values) {
            case .fail: continue
            case .inapplicable:
                inapplicable = true
                return nil
            case .fault(let at):
                if at < level { return at }
                continue
            case .descend:
                if level == last {
                    out.append(offsets)
                    continue
                }
                if test.fields[level].sharesByValue {
                    let key = values[level]
                    if let suffixes = memo[level]?[key] {
                        for suffix in suffixes { out.append(Array(offsets[0...level]) + suffix) }
                        continue
                    }
                    var sub: [[Int]] = []
                    let unwind = descend(level + 1, &offsets, &values, into: &sub)
                    if let unwind, unwind < level { return unwind }
                    memo[level, default: [:]][key] = sub.map { Array($0[(level + 1)...]) }
                    out.append(contentsOf: sub)
                } else {
                    let unwind = descend(level + 1, &offsets, &values, into: &out)
                    if let unwind, unwind < level { return unwind }
                }
            }
        }
        return nil
    }
}
