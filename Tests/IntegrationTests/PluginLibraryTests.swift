import Foundation
import Testing

@Suite("The plugin library QEMU loads", .serialized)
struct PluginLibraryTests {
    @Test func exportsTheTwoSymbolsQemuLooksUp() throws {
        let lib = try Fixtures.plugin()
        let nm = try runProgram("/usr/bin/nm", ["-D", "--defined-only", lib.path])
        #expect(nm.status == 0)
        let symbols = Set(nm.out.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) })
        #expect(symbols.contains("qemu_plugin_version"))
        #expect(symbols.contains("qemu_plugin_install"))
    }

    @Test func qemuLoadsItAndItRejectsBadArguments() throws {
        let lib = try Fixtures.plugin()
        let r = try runProgram("/usr/bin/qemu-system-x86_64", ["-M", "none", "-display", "none", "-plugin", "\(lib.path),bogus=1"])
        #expect(r.status != 0)
        #expect(r.err.contains("osprey plugin: unknown argument 'bogus'"))
    }

    @Test func qemuLoadsItAndItWritesAHeaderAndFooter() throws {
        let lib = try Fixtures.plugin()
        let dir = try Fixtures.scratch("load")
        let trace = dir.appendingPathComponent("t.jsonl")
        // No machine, no CPU: QEMU idles until the timeout's SIGTERM; the plugin's atexit
        // callback must still close the trace.
        let r = try runProgram("/usr/bin/qemu-system-x86_64", ["-M", "none", "-display", "none", "-plugin", "\(lib.path),out=\(trace.path)"], timeout: 3)
        let text = try String(contentsOf: trace, encoding: .utf8)
        #expect(text.contains("\"type\":\"trace_start\""), "stderr: \(r.err)")
        #expect(text.contains("\"type\":\"trace_end\""), "stderr: \(r.err)")
    }
}
