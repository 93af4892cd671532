import OspreyCore

/// What of a guest's serial console may reach the analyst's terminal: the guest controls every
/// byte, so escape sequences (clear screen, window titles, a fake prompt) and carriage returns
/// that overwrite a line are written as escapes (``TextEscaping``'s octal form), leaving printable
/// ASCII, tabs and line ends. `\r\n` (a serial console's line end) becomes `\n`. The console
/// file (`--console FILE`) keeps the exact bytes.
///
/// Fed chunk by chunk as the console arrives; a `\r` at the end of a chunk waits for the next.
public struct ConsoleFilter: Sendable {
    private var pendingReturn = false

    public init() {}

    /// The terminal-safe text of the next `chunk`.
    public mutating func feed<C: Collection<UInt8>>(_ chunk: C) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(chunk.count)
        for b in chunk {
            if pendingReturn {
                pendingReturn = false
                if b == 0x0A {
                    out.append(0x0A)
                    continue
                }
                out += Array("\\r".utf8)
            }
            switch b {
            case 0x0D: pendingReturn = true
            case 0x0A, 0x09, 0x20...0x7E: out.append(b)
            default: out += Array(TextEscaping.escaped([b]).utf8)
            }
        }
        return out
    }

    /// What is left at the end (a last lone `\r`).
    public mutating func finish() -> [UInt8] {
        defer { pendingReturn = false }
        return pendingReturn ? Array("\\r".utf8) : []
    }
}
