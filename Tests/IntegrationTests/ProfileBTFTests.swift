import Foundation
import OspreyCore
import OspreyTools
import Testing

/// The acceptance check of profile generation: on each kernel of the matrix, the profile
/// Osprey learns while the default guest boots (KASLR on) equals the offsets that pahole reads
/// from the same kernel's BTF.
@Suite("Profiles against BTF", .serialized)
struct ProfileBTFTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var kernel: String
        var extra: [String] = []
        var testDescription: String { name }
    }

    static let cases = [
        Case(name: "6.1 amd64", kernel: "linux-image-6.1.0-56-amd64"),
        Case(name: "6.1 arm64", kernel: "linux-image-6.1.0-56-arm64"),
        Case(name: "6.1 amd64, Skylake (KPTI on)", kernel: "linux-image-6.1.0-56-amd64", extra: ["-cpu", "Skylake-Client-v1"]),
        Case(name: "6.1 cloud-amd64", kernel: "linux-image-6.1.0-56-cloud-amd64"),
        Case(name: "6.1 rt-amd64", kernel: "linux-image-6.1.0-56-rt-amd64"),
        Case(name: "5.10 amd64 (bullseye)", kernel: "linux-image-5.10.0-46-amd64"),
        Case(name: "6.12 amd64 (bookworm-backports)", kernel: "linux-image-6.12.95+deb12-amd64"),
    ]

    @Test(arguments: cases)
    func profileMatchesBTF(_ c: Case) throws {
        let guest = try Fixtures.guest("default-\(c.kernel)", kernel: c.kernel)
        let out = try Fixtures.scratch("profile-\(c.kernel)")
        var session = TraceSession(invocation: try QemuInvocation.guest(at: guest), traceFile: out.appendingPathComponent("profile.json"))
        session.invocation.arguments += c.extra
        session.mode = "profile"
        session.plugin = try Fixtures.plugin()
        session.consoleFile = out.appendingPathComponent("console.txt")
        session.timeoutSeconds = 600
        let result = try session.run()
        #expect(result.outcome == .poweredOff(scenarioStatus: 0), "\(result.outcome)")
        let profile = try KernelProfile(jsonText: String(contentsOf: session.traceFile, encoding: .utf8))
        if c.extra.isEmpty && result.outcome == .poweredOff(scenarioStatus: 0) {
            Fixtures.remember(profile: session.traceFile, kernel: c.kernel)
        }
        let oracle = try BTFOracle(vmlinuz: guest.appendingPathComponent("vmlinuz"), workDirectory: Fixtures.btfCache())

        var rows: [(String, String, String, String)] = []
        var mismatches: [String] = []
        var missing: [String] = []
        for key in BTFOracle.profileKeys {
            let truth = try oracle.offset(key: key)
            let learned = profile.offsets[key]
            let verdict: String
            switch (truth, learned) {
            case (nil, nil): continue
            case let (t?, l?) where t == l: verdict = "ok"
            case (_?, nil):
                if Self.optional(key, oracle: oracle) { verdict = "not needed" } else {
                    verdict = "MISSING"
                    missing.append(key)
                }
            default:
                verdict = "MISMATCH"
                mismatches.append(key)
            }
            rows.append((key, truth.map { "0x" + String($0, radix: 16) } ?? "-", learned.map { "0x" + String($0, radix: 16) } ?? "-", verdict))
        }
        // Where the current task lives.
        let perCPU = try oracle.perCPUCurrentTaskOffset()
        switch (profile.currentTask, perCPU) {
        case let (.perCPU(_, offset)?, truth?):
            rows.append(("current_task (per-CPU)", "0x" + String(truth, radix: 16), "0x" + String(offset, radix: 16), offset == truth ? "ok" : "MISMATCH"))
            if offset != truth { mismatches.append("current_task") }
        case (.register("sp_el0")?, nil) where c.kernel.hasSuffix("arm64"):
            rows.append(("current_task", "SP_EL0 (arm64)", "sp_el0", "ok"))
        case (.perCPU(_, let offset)?, nil):
            // Older BTF (5.10) has no per-CPU variables: nothing to compare with.
            rows.append(("current_task (per-CPU)", "not in BTF", "0x" + String(offset, radix: 16), "unverifiable"))
        default:
            rows.append(("current_task", perCPU.map { "0x" + String($0, radix: 16) } ?? "SP_EL0", "\(String(describing: profile.currentTask))", "MISMATCH"))
            mismatches.append("current_task")
        }
        let expectedContainer: VMAContainer = try oracle.offset(key: "mm_struct.mm_mt") != nil ? .mapleTree : .list
        rows.append(("vma_container", expectedContainer.rawValue, profile.vmaContainer?.rawValue ?? "-", profile.vmaContainer == expectedContainer ? "ok" : "MISMATCH"))
        if profile.vmaContainer != expectedContainer { mismatches.append("vma_container") }

        print("[profile \(c.name)] \(String(format: "%.1f", result.wallSeconds)) s, banner: \(profile.kernel.banner ?? "none")")
        for (key, truth, learned, verdict) in rows {
            print("  \(key.padding(toLength: 28, withPad: " ", startingAt: 0)) BTF \(truth.padding(toLength: 16, withPad: " ", startingAt: 0)) osprey \(learned.padding(toLength: 10, withPad: " ", startingAt: 0)) \(verdict)")
        }
        for m in profile.missing { print("  missing \(m.field): \(m.reason)") }
        #expect(mismatches.isEmpty, "fields that differ from BTF: \(mismatches)")
        #expect(missing.isEmpty, "mandatory fields not found: \(missing)")
        #expect(profile.kernel.banner?.hasPrefix("Linux version ") == true)
    }

    /// `osprey profile --check` on a live guest: a profile made from BTF passes every field it
    /// checks, except the one field made wrong, which it names.
    @Test func checkPassesBTFAndNamesTheWrongField() throws {
        let kernel = "linux-image-6.1.0-56-amd64"
        let guest = try Fixtures.guest("default-\(kernel)", kernel: kernel)
        let out = try Fixtures.scratch("profile-check-\(kernel)")
        let oracle = try BTFOracle(vmlinuz: guest.appendingPathComponent("vmlinuz"), workDirectory: Fixtures.btfCache())
        var profile = KernelProfile(kernel: KernelIdentity(banner: nil, architecture: .x86_64))
        for key in BTFOracle.profileKeys {
            if let offset = try oracle.offset(key: key) { profile.offsets[key] = offset }
        }
        profile.offsets["task_struct.thread_node"] = nil  // one thread list is enough (as generated)
        let current = try #require(try oracle.perCPUCurrentTaskOffset())
        profile.currentTask = .perCPU(baseRegister: "gs_base", offset: current)
        profile.vmaContainer = .mapleTree
        let comm = try #require(profile.offsets["task_struct.comm"])
        profile.offsets["task_struct.comm"] = comm + 8
        let given = out.appendingPathComponent("btf-with-wrong-comm.json")
        try profile.jsonText().write(to: given, atomically: true, encoding: .utf8)

        var session = TraceSession(invocation: try QemuInvocation.guest(at: guest), traceFile: out.appendingPathComponent("check.json"))
        session.mode = "check"
        session.profile = given
        session.plugin = try Fixtures.plugin()
        session.consoleFile = out.appendingPathComponent("console.txt")
        let result = try session.run()
        #expect(result.outcome == .poweredOff(scenarioStatus: 0), "\(result.outcome)")
        let report = try JSONValue.parse(String(contentsOf: session.traceFile, encoding: .utf8))
        var verdicts: [String: String] = [:]
        for row in report["fields"]?.arrayValue ?? [] {
            if let field = row["field"]?.stringValue { verdicts[field] = row["verdict"]?.stringValue }
        }
        print("[check] \(verdicts.count) fields: \(verdicts.filter { $0.value != "pass" })")
        #expect(verdicts["task_struct.comm"] == "fail")
        let failing = verdicts.filter { $0.value == "fail" }.map(\.key).sorted()
        #expect(failing == ["task_struct.comm"], "only the wrong field may fail: \(failing)")
        #expect(verdicts.filter { $0.value == "pass" }.count >= 50, "most fields were checked: \(verdicts)")
    }

    /// Keys a profile need not have although the kernel has them: one of two equivalent
    /// thread lists is enough.
    static func optional(_ key: String, oracle: BTFOracle) -> Bool {
        key == "task_struct.thread_node" && ((try? oracle.offset(key: "task_struct.thread_group")) ?? nil) != nil
    }
}

extension Fixtures {
    /// Where BTF blobs extracted by the oracle are kept between runs.
    static func btfCache() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-tests/btf-oracle")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
