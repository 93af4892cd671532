import Foundation
import OspreyCore
import OspreyTools

/// The trace reader and every view on a hostile trace: whatever the lines hold, reading never
/// traps, and no view's text holds a byte a terminal would act on (the one escaping rule), so
/// the harness checks that as a property.
public enum TraceHarness {
    public static func run(_ data: [UInt8]) {
        guard let trace = try? TraceReader.read(bytes: data) else { return }
        let state = SystemState(events: trace.objectEvents)
        let operations = FileOperationLog.withKernelNames(FileOperationLog.operations(in: trace), trace: trace)
        var texts = [
            ProcessTree(state).render(),
            ModuleHistory(events: trace.objectEvents).render(),
            NetworkInventory(events: trace.objectEvents).render(),
            TraceSummary(trace).render(),
            DataFlowGraph(syscalls: trace.syscalls, events: trace.objectEvents).dot(),
        ]
        texts += operations.prefix(200).map(\.line)
        texts += FileOperationLog.openedFiles(operations).prefix(200).map(\.line)
        texts += trace.syscalls.prefix(200).map { SyscallLineFormatter.line($0, withPID: true, stringLimit: 64) }
        for text in texts {
            for b in text.utf8 where (b < 0x20 && b != 0x0A) || b >= 0x7F {
                preconditionFailure("a view printed byte \(b): \(TextEscaping.quoted(Array(text.utf8.prefix(200))))")
            }
        }
        if let json = try? JSONEncoder().encode(ProcessSnapshot(state)) {
            let safe = JSONOutput.terminalSafe(json)
            precondition(!safe.contains(0x7F), "DEL in JSON output")
        }
    }
}
