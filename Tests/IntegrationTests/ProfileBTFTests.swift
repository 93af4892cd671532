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
        let (profile, outcome, seconds, file) = try Self.generate(guest: guest, name: "profile-\(c.kernel)", extra: c.extra)
        if c.extra.isEmpty && outcome == .poweredOff(scenarioStatus: 0) {
            Fixtures.remember(profile: file, kernel: c.kernel)
        }
        let comparison = try Self.compare(profile, guest: guest, title: "profile \(c.name)", seconds: seconds)
        #expect(comparison.mismatches.isEmpty, "fields that differ from BTF: \(comparison.mismatches)")
        #expect(comparison.missing.isEmpty, "mandatory fields not found: \(comparison.missing)")
    }

    /// The appliance scenario (Scenarios/appliance.sh) was not written for the profile: a
    /// small system's boot (accounts, syslogd, a web server that drops to its own user, a
    /// service account's agent, DHCP in the background, a log job, curl and wget clients).
    /// The profile learnt from it is complete and equal to BTF, on each configuration.
    static let applianceCases = [
        Case(name: "6.1 amd64", kernel: "linux-image-6.1.0-56-amd64"),
        Case(name: "6.1 amd64 -smp 2", kernel: "linux-image-6.1.0-56-amd64", extra: ["-smp", "2"]),
        Case(name: "6.1 amd64, Skylake (KPTI on)", kernel: "linux-image-6.1.0-56-amd64", extra: ["-cpu", "Skylake-Client-v1"]),
        Case(name: "6.1 arm64", kernel: "linux-image-6.1.0-56-arm64"),
        Case(name: "5.10 amd64 (bullseye)", kernel: "linux-image-5.10.0-46-amd64"),
        Case(name: "6.12 amd64 (bookworm-backports)", kernel: "linux-image-6.12.95+deb12-amd64"),
    ]

    @Test(arguments: applianceCases)
    func applianceProfileIsCompleteAndMatchesBTF(_ c: Case) throws {
        let scenario = try String(contentsOf: Fixtures.scenarios.appendingPathComponent("appliance.sh"), encoding: .utf8)
        let guest = try Fixtures.guest("appliance-\(c.kernel)", kernel: c.kernel, packages: ["curl"], scenario: scenario)
        let (profile, _, seconds, _) = try Self.generate(guest: guest, name: "appliance-profile-\(c.kernel)", extra: c.extra)
        let comparison = try Self.compare(profile, guest: guest, title: "appliance profile \(c.name)", seconds: seconds)
        #expect(comparison.mismatches.isEmpty, "fields that differ from BTF: \(comparison.mismatches)")
        #expect(profile.missing.isEmpty, "fields not found: \(profile.missing.map(\.field))")
    }

    /// Boots `guest` in profile mode; expects it to power off with the scenario's status 0.
    static func generate(guest: URL, name: String, extra: [String]) throws -> (KernelProfile, RunOutcome, Double, URL) {
        let out = try Fixtures.scratch(name)
        var session = TraceSession(invocation: try QemuInvocation.guest(at: guest), traceFile: out.appendingPathComponent("profile.json"))
        session.invocation.arguments += extra
        session.mode = "profile"
        session.plugin = try Fixtures.plugin()
        session.consoleFile = out.appendingPathComponent("console.txt")
        session.timeoutSeconds = 600
        let result = try session.run()
        #expect(result.outcome == .poweredOff(scenarioStatus: 0), "\(result.outcome)")
        let profile = try KernelProfile(jsonText: String(contentsOf: session.traceFile, encoding: .utf8))
        #expect(profile.kernel.banner?.hasPrefix("Linux version ") == true)
        return (profile, result.outcome, result.wallSeconds, session.traceFile)
    }

    /// Compares a learnt profile with the BTF of the guest's kernel and prints the table:
    /// fields that differ, and mandatory fields BTF has that the profile lacks.
    static func compare(_ profile: KernelProfile, guest: URL, title: String, seconds: Double) throws -> (mismatches: [String], missing: [String]) {
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
                if optional(key, oracle: oracle) { verdict = "not needed" } else {
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
        case (.register("sp_el0")?, nil) where profile.kernel.architecture == .aarch64:
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

        print("[\(title)] \(String(format: "%.1f", seconds)) s, banner: \(profile.kernel.banner ?? "none")")
        for (key, truth, learned, verdict) in rows {
            print("  \(key.padding(toLength: 28, withPad: " ", startingAt: 0)) BTF \(truth.padding(toLength: 16, withPad: " ", startingAt: 0)) osprey \(learned.padding(toLength: 10, withPad: " ", startingAt: 0)) \(verdict)")
        }
        for m in profile.missing { print("  missing \(m.field): \(m.reason)") }
        return (mismatches, missing)
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
    /// Scenario scripts kept with the tests (`Tests/IntegrationTests/Scenarios`).
    static var scenarios: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scenarios")
    }

    /// Where BTF blobs extracted by the oracle are kept between runs.
    static func btfCache() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-tests/btf-oracle")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
