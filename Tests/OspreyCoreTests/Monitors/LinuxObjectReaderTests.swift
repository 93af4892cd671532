import OspreyCore
import Testing

/// The readers and the monitor on a small fake kernel in `WordMemory`, and on garbage.
@Suite("Linux object readers and monitor")
struct LinuxObjectReaderTests {
    static let perCPU: UInt64 = 0xFFFF_8880_0000_0000, currentSlot = 0x100
    static let kernel: ClosedRange<UInt64> = 0xFFFF_8880_0000_0000...0xFFFF_8880_00FF_FFFF
    static let offsets: [String: Int] = [
        LinuxField.pid: 0x10, LinuxField.tgid: 0x14, LinuxField.comm: 0x20, LinuxField.tasks: 0x40,
        LinuxField.realParent: 0x50, LinuxField.exitState: 0x58, LinuxField.exitCode: 0x5C, LinuxField.mm: 0x60,
    ]

    static var profile: KernelProfile {
        KernelProfile(
            kernel: KernelIdentity(banner: nil, architecture: .x86_64), offsets: offsets,
            currentTask: .perCPU(baseRegister: "gs_base", offset: currentSlot))
    }

    /// Tasks at 0x1000 apart, linked in a ring through `tasks`, each its own parent's child.
    static func memory(tasks: [(pid: UInt64, name: String)], ring: Bool = true) -> WordMemory {
        var m = WordMemory()
        m.readable = [kernel]
        let base = perCPU + 0x10000
        m.set(perCPU + UInt64(currentSlot), base)
        for (i, t) in tasks.enumerated() {
            let task = base + UInt64(i) * 0x1000
            m.set(task + 0x10, t.pid | t.pid << 32)
            var name = Array(t.name.utf8.prefix(16))
            name += Array(repeating: 0, count: 16 - name.count)
            for w in 0..<2 {
                m.set(task + 0x20 + UInt64(w * 8), name[w * 8..<w * 8 + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) })
            }
            let next = i + 1 < tasks.count ? base + UInt64(i + 1) * 0x1000 : (ring ? base : base + 0x8000)
            m.set(task + 0x40, next + 0x40)
            m.set(task + 0x50, base)
        }
        return m
    }

    func reader(_ memory: some GuestMemory) throws -> LinuxObjectReader {
        let layout = try #require(LinuxLayout(profile: Self.profile))
        return LinuxObjectReader(layout: layout, memory: StopMemory(memory), perCPUBase: Self.perCPU, currentRegister: 0)
    }

    @Test func walksTheTaskListAndReadsTasks() throws {
        let r = try reader(Self.memory(tasks: [(1, "init"), (2, "kthreadd"), (42, "sixteen-byte-nam")]))
        let current = try #require(r.currentTask())
        let list = r.taskList(from: current)
        #expect(list.count == 3)
        let tasks = list.compactMap { r.task(at: $0) }
        #expect(tasks.map(\.pid) == [1, 2, 42])
        #expect(tasks[2].comm == "sixteen-byte-nam")  // no NUL within 16 bytes: cut, not read on
        #expect(tasks[1].ppid == 1)
        #expect(tasks[0].isKernelThread)
    }

    @Test func aListThatNeverComesBackOrPointsNowhereIsEmpty() throws {
        // The last task points to an address outside the fake kernel: unreadable.
        let r = try reader(Self.memory(tasks: [(1, "a"), (2, "b")], ring: false))
        #expect(r.taskList(from: try #require(r.currentTask())).isEmpty)
        // A ring that does not pass through the start again (b -> c -> b ...).
        var m = Self.memory(tasks: [(1, "a"), (2, "b"), (3, "c")])
        let base = Self.perCPU + 0x10000
        m.set(base + 0x2000 + 0x40, base + 0x1000 + 0x40)
        let looping = try reader(m)
        #expect(looping.taskList(from: base).isEmpty)
    }

    @Test func garbageMemoryGivesNothingAndNeverTraps() throws {
        var m = WordMemory()
        m.readable = [Self.kernel]
        for a in stride(from: Self.perCPU, to: Self.perCPU + 0x20000, by: 8) { m.set(a, .max) }
        let r = try reader(m)
        #expect(r.currentTask() == nil)
        let somewhere = Self.perCPU + 0x10000
        #expect(r.taskList(from: somewhere).isEmpty)
        #expect(r.openFiles(of: somewhere) == nil)
        #expect(r.regions(mm: somewhere) == nil)
        #expect(r.commandLine(mm: somewhere) == nil)
        let monitor = ObjectMonitor()
        #expect(monitor.stop(r, vcpu: 0, reasons: [.newAddressSpace]).isEmpty)
    }

    @Test func theMonitorReportsTasksAndTheirEnd() throws {
        var m = Self.memory(tasks: [(1, "init"), (7, "worker")])
        let monitor = ObjectMonitor()
        var events = monitor.stop(try reader(m), vcpu: 0, reasons: [.newAddressSpace])
        #expect(events.filter { $0.type == "process" && $0.event == "start" }.map(\.pid) == [1, 7])
        // pid 7 dies by SIGKILL: its exit_state becomes EXIT_ZOMBIE with exit_code 9.
        let seven = Self.perCPU + 0x10000 + 0x1000
        m.set(seven + 0x58, 0x20 | 9 << 32)
        events = monitor.taskDied(try reader(m), address: seven, vcpu: 0)
        #expect(events.count == 1)
        #expect(events.first?.event == "exit" && events.first?["signal"] == .int(9) && events.first?["how"] == .string("exit_state"))
        // Reported once.
        #expect(monitor.taskDied(try reader(m), address: seven, vcpu: 0).isEmpty)
    }

    @Test func storeSitesAreFoundByTheirEncoding() {
        func check(_ bytes: [UInt8], _ offset: Int, _ arch: Architecture) -> Bool {
            bytes.withUnsafeBytes { FieldStoreSite.matches($0, offset: offset, architecture: arch) }
        }
        // mov dword [rbx+0x904], 0x20 ; mov [rax+0x904], edx ; mov rax, [rbx+0x904] (a load)
        #expect(check([0xC7, 0x83, 0x04, 0x09, 0, 0, 0x20, 0, 0, 0], 0x904, .x86_64))
        #expect(check([0x89, 0x90, 0x04, 0x09, 0, 0], 0x904, .x86_64))
        #expect(!check([0x48, 0x8B, 0x83, 0x04, 0x09, 0, 0], 0x904, .x86_64))
        #expect(!check([0x89, 0x90, 0x08, 0x09, 0, 0], 0x904, .x86_64))
        // str w1, [x19, #0x904]
        let str: UInt32 = 0xB900_0000 | UInt32(0x904 / 4) << 10 | 19 << 5 | 1
        #expect(check(withUnsafeBytes(of: str.littleEndian, Array.init), 0x904, .aarch64))
        #expect(!check(withUnsafeBytes(of: (str | 0x0040_0000).littleEndian, Array.init), 0x904, .aarch64))  // ldr
    }
}
