/// Watches a guest's serial console for the lines that tell how a run ended.
public struct ConsoleWatcher: Sendable {
    /// Printed by the guest kit's init before the scenario.
    public static let beginMarker = "OSPREY-SCENARIO-BEGIN"
    /// Printed by the guest kit's init after the scenario, with its exit status.
    public static let endMarker = "OSPREY-SCENARIO-END rc="
    public static let initErrorMarker = "OSPREY-INIT-ERROR"

    public private(set) var scenarioStarted = false
    /// The scenario's exit status, once its end marker was seen.
    public private(set) var scenarioStatus: Int?
    /// The first kernel panic line, if any.
    public private(set) var panicLine: String?
    public private(set) var initError: String?
    private var partial: [UInt8] = []

    public init() {}

    /// Feeds console bytes; lines may arrive in pieces.
    public mutating func feed(_ bytes: some Sequence<UInt8>) {
        for b in bytes {
            if b == UInt8(ascii: "\n") {
                line(String(decoding: partial, as: UTF8.self))
                partial.removeAll(keepingCapacity: true)
            } else if partial.count < 4096 {
                partial.append(b)
            }
        }
    }

    /// Processes what is left after the last newline.
    public mutating func finish() {
        if !partial.isEmpty { line(String(decoding: partial, as: UTF8.self)) }
        partial.removeAll()
    }

    private mutating func line(_ raw: String) {
        let text = raw.trimmingSuffix("\r")
        if text.hasPrefix(Self.beginMarker) { scenarioStarted = true }
        if let range = text.range(of: Self.endMarker) {
            let digits = text[range.upperBound...].prefix { $0.isNumber || $0 == "-" }
            scenarioStatus = Int(digits)
        }
        if panicLine == nil, text.contains("Kernel panic") { panicLine = text }
        if initError == nil, text.contains(Self.initErrorMarker) { initError = text }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
