import Foundation
import OspreyGuestKit
import OspreyCore
import OspreyTools
import Testing

/// Disk guests (`osprey guest build --disk`) booted in QEMU with the plugin in trace mode:
/// the boot initramfs loads the kernel package's modules, mounts the ext4 disk and hands
/// over to the disk's `/init`, which runs the default scenario.
@Suite("Disk guests traced in QEMU", .serialized)
struct DiskGuestTests {
    static let kernels = [Fixtures.defaultKernel, Fixtures.arm64Kernel]

    @Test(arguments: kernels)
    func scenarioRunsFromTheDisk(_ kernel: String) throws {
        let guest = try Fixtures.diskGuest(kernel: kernel)
        let (machine, _) = try GuestMachine.load(from: guest)
        #expect(machine.drives.map(\.file) == ["disk.qcow2"])
        #expect(try QemuInvocation.guest(at: guest).arguments.contains("virtio-blk-pci,drive=root"))
        #expect(FileManager.default.fileExists(atPath: guest.appendingPathComponent("disk.qcow2").path))

        let run = try Fixtures.trace(guest: guest, timeout: 300, name: "disk-\(kernel)")
        #expect(run.outcome == .poweredOff(scenarioStatus: 0), "console:\n\(run.console.suffix(2000))")
        #expect(run.console.contains("osprey: root file system /dev/vda (ext4) mounted, starting its /init"))
        let calls = run.trace.syscalls
        #expect(run.trace.hasFooter)
        #expect(run.trace.corruptLines.isEmpty)

        // The boot init loaded the modules, each one successfully.
        let loads = calls.filter { $0.name == "finit_module" || $0.name == "init_module" }
        #expect(loads.count >= 5, "module loads: \(loads.count)")
        #expect(loads.allSatisfy { $0.result == 0 })

        // It mounted the disk, switched root and ran the disk's /init as pid 1.
        let mount = calls.first { $0.name == "mount" && $0.strings[0] == "/dev/vda" }
        #expect(mount?.strings[1] == "/newroot")
        #expect(mount?.strings[2] == "ext4")
        #expect(mount?.result == 0)
        let handOver = calls.first { $0.name == "execve" && $0.pid == 1 && $0.strings[0] == "/init" && $0.end == "exec" }
        #expect(handOver != nil, "no execve of the disk's /init by pid 1")

        // The default scenario ran after that, from the disk: its files and programs.
        let after = calls.filter { $0.seq > (handOver?.seq ?? .max) }
        #expect(after.contains { $0.strings.values.contains(GuestText("/scenario.sh")) })
        let opened = Set(after.filter { $0.name == "open" || $0.name == "openat" }.flatMap { $0.strings.values.map(\.lossyString) })
        for path in DefaultScenario.openedPaths {
            #expect(opened.contains(path), "no open/openat of \(path) after the switch to the disk")
        }
        #expect(after.contains { $0.name == "execve" && $0.end == "exec" && $0.strings[0]?.lossyString.hasSuffix("/pigz") == true })
    }

    /// Without the disk on the QEMU command line, the boot init says so on the console (with
    /// the marker the runner knows) and powers off: a failed run, not a hang.
    @Test func missingDiskIsReportedAndTheGuestPowersOff() throws {
        let guest = try Fixtures.diskGuest(kernel: Fixtures.defaultKernel)
        var invocation = try QemuInvocation.guest(at: guest)
        var arguments: [String] = []
        var index = invocation.arguments.startIndex
        while index < invocation.arguments.endIndex {
            let argument = invocation.arguments[index]
            if argument == "-drive" || argument == "-device" {
                index += 2
                continue
            }
            arguments.append(argument)
            index += 1
        }
        #expect(arguments.count == invocation.arguments.count - 4)
        invocation.arguments = arguments
        let out = try Fixtures.scratch("disk-missing")
        var session = TraceSession(invocation: invocation, traceFile: out.appendingPathComponent("trace.jsonl"))
        session.plugin = try Fixtures.plugin()
        session.consoleFile = out.appendingPathComponent("console.txt")
        session.timeoutSeconds = 120
        let result = try session.run()
        let console = (try? String(contentsOf: out.appendingPathComponent("console.txt"), encoding: .utf8)) ?? ""
        print("[disk-missing] \(String(format: "%.1f", result.wallSeconds)) s, outcome \(result.outcome)")
        guard case .initFailed(let line) = result.outcome else {
            Issue.record("expected the init to fail, got \(result.outcome); console:\n\(console.suffix(2000))")
            return
        }
        #expect(line.contains("OSPREY-INIT-ERROR the root disk /dev/vda did not appear within 10 s"))
        #expect(result.outcome.problem?.contains("init failed") == true)
        #expect(!console.contains("OSPREY-SCENARIO-BEGIN"))
    }
}
