import Foundation
import OspreyCore
import Testing
@testable import OspreyTools

@Suite("osprey modules")
struct ModuleHistoryTests {
    @Test func execUnloadsTheOldProgramAndLoadsTheNew() throws {
        var s = ObjectTraceScript()
        s.start(119, ppid: 84, argv: ["sh", "/scenario.sh"])
        let busybox = s.event("module", "load", pid: 119, strings: ["path": "/bin/busybox", "base": "0x400000"])
        s.exec(119, comm: "pigz", argv: ["pigz", "-k", "random.bin"])
        let unload = s.event("module", "unload", pid: 119, comm: "pigz", strings: ["path": "/bin/busybox"])
        let pigz = s.event("module", "load", pid: 119, comm: "pigz", strings: ["path": "/usr/bin/pigz", "base": "0x55740fbae000"])
        s.event("module", "load", pid: 119, comm: "pigz", strings: ["path": "/lib/libz.so.1", "base": "0x7f9a35f37000"])
        let exit = s.exit(119, code: 0)
        s.start(120, ppid: 84, argv: ["cat"])
        s.event("module", "load", pid: 120, strings: ["path": "/bin/busybox", "base": "0x400000"])

        let history = ModuleHistory(events: s.events.reversed())  // any order: sorted by seq
        #expect(history.processes.map(\.pid) == [119, 120])
        let p = history.processes[0]
        #expect(p.comm == "pigz")
        #expect(p.argv == ["pigz", "-k", "random.bin"])
        #expect(p.exitSeq == exit)
        #expect(p.modules.map(\.path) == ["/bin/busybox", "/usr/bin/pigz", "/lib/libz.so.1"])
        #expect(p.modules[0].loadSeq == busybox && p.modules[0].unloadSeq == unload)
        #expect(p.modules[1].base == 0x5574_0fba_e000 && p.modules[1].loadSeq == pigz && p.modules[1].unloadSeq == nil)
        #expect(history.processes[1].exitSeq == nil)

        let text = history.render()
        #expect(text.contains("pid 119 pigz -k random.bin  (exited at seq \(exit))\n"))
        #expect(text.contains("0x400000         /bin/busybox"))
        #expect(text.contains("loaded at seq \(busybox), unloaded at seq \(unload)\n"))

        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(history.processes)) as! [[String: Any]]
        #expect(Set(json[0].keys) == ["pid", "comm", "cmdline", "argv", "exit_seq", "modules"])
        #expect(json[0]["argv"] as? [String] == ["pigz", "-k", "random.bin"])
        let module = (json[0]["modules"] as! [[String: Any]])[1]
        #expect(module["base"] as? String == "0x55740fbae000")
        #expect(module["unload_seq"] is NSNull)
        #expect(json[1]["exit_seq"] is NSNull)
    }

    @Test func aReusedPidIsANewProcess() {
        var s = ObjectTraceScript()
        s.start(50, ppid: 1, argv: ["first"])
        s.event("module", "load", pid: 50, strings: ["path": "/bin/a", "base": "0x1000"])
        s.exit(50, code: 0)
        s.start(50, ppid: 1, argv: ["second"])
        s.event("module", "load", pid: 50, strings: ["path": "/bin/b", "base": "0x2000"])
        let history = ModuleHistory(events: s.events)
        #expect(history.processes.map(\.argv) == [["first"], ["second"]])
        #expect(history.processes.map { $0.modules.map(\.path) } == [["/bin/a"], ["/bin/b"]])
        #expect(history.processes[1].exitSeq == nil)
    }

    @Test func oddEventsNeitherTrapNorInvent() throws {
        var s = ObjectTraceScript()
        let orphan = s.event("module", "unload", pid: 7, comm: "ghost", strings: ["path": "/lib/x.so"])  // never loaded, pid unknown
        s.event("module", "load", pid: 7, comm: "ghost", strings: [:])                       // no path: ignored
        s.event("module", "load", pid: 7, comm: "ghost", strings: ["path": "/lib/y.so", "base": "zz"])
        s.event("module", "mystery", pid: 7, strings: ["path": "/lib/z.so"])
        s.exit(7, code: 1)  // an exit for a process never started
        let history = ModuleHistory(events: s.events)
        let p = try #require(history.processes.first)
        #expect(history.processes.count == 1)
        #expect(p.comm == "ghost" && p.argv == nil)
        #expect(p.modules.map(\.path) == ["/lib/x.so", "/lib/y.so"])
        #expect(p.modules[0].loadSeq == nil && p.modules[0].unloadSeq == orphan)
        #expect(p.modules[1].base == nil)
        let text = history.render()
        #expect(text.contains("pid 7 [ghost]"))
        #expect(text.contains("?                /lib/y.so"))
        #expect(text.contains("loaded before the trace saw it, unloaded at seq \(orphan)"))
        #expect(ModuleHistory(events: []).render() == "")
    }
}
