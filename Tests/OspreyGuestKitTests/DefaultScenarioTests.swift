import Foundation
import Testing

@testable import OspreyGuestKit

@Suite struct DefaultScenarioTests {
    /// The default scenario opens each of `openedPaths`, and the host's sh runs it cleanly
    /// (with /tmp redirected into a scratch directory). The steps that change the system
    /// (account, mount, network) are skipped outside an Osprey guest; the others happen.
    @Test func runsOnTheHost() throws {
        for path in DefaultScenario.openedPaths {
            #expect(path.hasPrefix(DefaultScenario.directory + "/"))
            #expect(DefaultScenario.script.contains(path.replacingOccurrences(of: DefaultScenario.directory, with: "$d")))
        }
        #expect(Set(DefaultScenario.openedPaths).count == DefaultScenario.openedPaths.count)
        let dir = try makeTemporaryDirectory("scenario")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = DefaultScenario.script.replacingOccurrences(
            of: "d=\(DefaultScenario.directory)", with: "d=\(dir.path)/osprey-demo")
        #expect(script != DefaultScenario.script)
        let output = try runTool(["sh", "-c", script])
        #expect(output.contains("HELLO\nWORLD"))
        #expect(output.contains("scenario: cd \(dir.path)/osprey-demo\n"))
        #expect(output.contains("created by the osprey scenario\n"))
        // The zombie: its parent (sleep 1) has not reaped it while the scenario goes on;
        // /proc/PID/stat shows the state and the wait status (7 << 8).
        #expect(output.contains(" (sh) state Z ppid "))
        #expect(output.contains(" exit_code \(DefaultScenario.zombieExitStatus << 8)\n"))
        #expect(output.contains("scenario: failing open of \(DefaultScenario.failingOpenPath)\n"))
        for step in ["tmpfs", "user", "tcp"] {
            #expect(output.contains("scenario: \(step) skipped (not in an Osprey guest)\n"))
        }
        #expect(!output.contains("scenario: zombie failed"))
        #expect(output.contains("scenario: cd /\n"))
        #expect(output.hasSuffix("scenario: done\n"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("osprey-demo").path))
    }

    /// Every step announces itself; the guest-only steps use the constants the tests and the
    /// profile generator rely on.
    @Test func scriptUsesItsConstants() {
        let script = DefaultScenario.script
        for step in [
            "scenario: files", "scenario: processes", "scenario: pipes", "scenario: zombie",
            "scenario: cd $d", "scenario: create files", "scenario: tmpfs on $d/mnt",
            "scenario: failing open", "scenario: id as user", "scenario: threads: pigz",
            "scenario: tcp from 127.0.0.1", "scenario: cd /", "scenario: cleanup", "scenario: done",
        ] {
            #expect(script.contains(step), "no step \(step)")
        }
        #expect(script.contains("mount -t tmpfs \(DefaultScenario.mountSource) $d/mnt"))
        #expect(DefaultScenario.mountPoint == DefaultScenario.directory + "/mnt")
        #expect(script.contains("umount $d/mnt"))
        #expect(script.contains("cat \(DefaultScenario.failingOpenPath) "))
        #expect(script.contains("sh -c 'exit \(DefaultScenario.zombieExitStatus)' &"))
        #expect(script.contains("exec sleep 1) &"))
        #expect(script.contains(
            "\(DefaultScenario.userName):x:\(DefaultScenario.userID):\(DefaultScenario.groupID):"))
        #expect(script.contains("\(DefaultScenario.userName):x:\(DefaultScenario.groupID):"))
        #expect(script.contains("su \(DefaultScenario.userName) -s /bin/sh -c id"))
        #expect(DefaultScenario.userID != DefaultScenario.groupID)
        #expect(script.contains("pigz -p 2 "))
        #expect(script.contains("nc -w 5 -l -p \(DefaultScenario.tcpPort) 0.0.0.0 "))
        #expect(script.contains("nc -w 5 \(DefaultScenario.tcpServerAddress) \(DefaultScenario.tcpPort)"))
        #expect(script.contains(":1F90 00000000:0000 0A"))  // 8080 in /proc/net/tcp
        #expect(DefaultScenario.tcpServerAddress != "127.0.0.1")
        #expect(script.hasSuffix("echo \"scenario: done\"\n"))
    }

    /// The default scenario's packages come with it, once, and only with it.
    @Test func guestPackagesFollowTheScenario() {
        #expect(DefaultScenario.packages == ["pigz"])
        let defaultScenario = GuestBuildRequest(kernelPackage: "k", outDir: "/tmp/x")
        #expect(GuestKit.packages(of: defaultScenario) == DefaultScenario.packages)
        let withStrace = GuestBuildRequest(kernelPackage: "k", packages: ["strace"], outDir: "/tmp/x")
        #expect(GuestKit.packages(of: withStrace) == ["strace"] + DefaultScenario.packages)
        let alreadyThere = GuestBuildRequest(kernelPackage: "k", packages: ["pigz:arm64", "strace"], outDir: "/tmp/x")
        #expect(GuestKit.packages(of: alreadyThere) == ["pigz:arm64", "strace"])
        let ownScenario = GuestBuildRequest(
            kernelPackage: "k", scenarioFile: "/tmp/s.sh", packages: ["strace"], outDir: "/tmp/x")
        #expect(GuestKit.packages(of: ownScenario) == ["strace"])
        let ownScenarioNoPackages = GuestBuildRequest(kernelPackage: "k", scenarioFile: "/tmp/s.sh", outDir: "/tmp/x")
        #expect(GuestKit.packages(of: ownScenarioNoPackages).isEmpty)
    }
}
