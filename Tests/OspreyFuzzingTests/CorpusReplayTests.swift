import Foundation
import OspreyFuzzing
import Testing

/// Every fuzzing harness on its seed corpus and on every input that once crashed it
/// (Fuzz/corpus/TARGET, Fuzz/crashes/TARGET): the regression side of `scripts/fuzz.sh`. A
/// harness that traps takes the test process down, which fails the run.
@Suite("Fuzzing corpus and past crashes")
struct CorpusReplayTests {
    static let fuzz = FuzzFixtures.packageRoot.appendingPathComponent("Fuzz")

    static func inputs(_ kind: String, _ target: FuzzTarget) -> [URL] {
        let dir = fuzz.appendingPathComponent(kind).appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().map { dir.appendingPathComponent($0) }
    }

    @Test(arguments: FuzzTarget.allCases)
    func harnessSurvivesItsCorpusAndPastCrashes(_ target: FuzzTarget) throws {
        let seeds = Self.inputs("corpus", target)
        #expect(!seeds.isEmpty, "no seed corpus for \(target.rawValue) in Fuzz/corpus")
        for url in seeds + Self.inputs("crashes", target) {
            target.run(Array(try Data(contentsOf: url)))
        }
    }
}
