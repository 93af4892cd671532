/// The fuzzing harnesses, by the name `scripts/fuzz.sh` and the seed corpus directories
/// (`Fuzz/corpus/NAME`) use.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Linux object readers and the monitor's shadow on mutated captured stops.
    case readers
    /// The profile engine and the Linux test graph on mutated captured stops.
    case engine
    /// The argument capture on mutated memory.
    case capture
    /// The JSON parser the plugin uses, profiles and capture lines.
    case json
    /// The trace reader and every view.
    case trace

    /// Runs the harness on one input. A bug is a trap (a failed precondition included).
    public func run(_ data: [UInt8]) {
        switch self {
        case .readers: ReaderHarness.run(data)
        case .engine: EngineHarness.run(data)
        case .capture: CaptureHarness.run(data)
        case .json: JSONHarness.run(data)
        case .trace: TraceHarness.run(data)
        }
    }
}
