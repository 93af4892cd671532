/// Version and names of the trace format (see docs/trace-format.md).
public enum TraceSchema {
    /// Incremented on any incompatible change of the JSON Lines trace.
    public static let version = 1
    /// The `format` value of the header line.
    public static let formatName = "osprey-trace"
}
