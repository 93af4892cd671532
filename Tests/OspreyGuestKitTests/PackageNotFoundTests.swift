import Foundation
import Testing

@testable import OspreyGuestKit

/// Uses the network (Debian's mirror) through the private apt configuration, in the
/// default cache root, so later runs reuse the package lists.
@Suite struct PackageNotFoundTests {
    @Test func missingKernelPackageNamesPackageArchitectureAndSuites() throws {
        let out = try makeTemporaryDirectory("missing-kernel")
        defer { try? FileManager.default.removeItem(at: out) }
        let kit = GuestKit(progress: { _ in })
        let request = GuestBuildRequest(kernelPackage: "linux-image-6.1.0-99-amd64", outDir: out.path)
        do {
            _ = try kit.build(request)
            Issue.record("a build with a non-existent kernel package succeeded")
        } catch let error as GuestKitError {
            #expect(error.description == """
                package linux-image-6.1.0-99-amd64 (amd64) not found in bookworm, bookworm-updates, \
                bookworm-security, bookworm-backports, bullseye, bullseye-security, trixie, trixie-security
                """)
        }
    }

    @Test func requestsWithoutExactlyOneKernelAreRejectedBeforeAnyDownload() throws {
        let kit = GuestKit(cacheRoot: URL(fileURLWithPath: "/nonexistent/osprey-cache"), progress: { _ in })
        #expect(throws: GuestKitError.invalidRequest("a kernel is needed: give a kernel package or a kernel file")) {
            try kit.build(GuestBuildRequest(outDir: "/tmp/x"))
        }
        #expect(throws: GuestKitError.invalidRequest("give a kernel package or a kernel file, not both")) {
            try kit.build(GuestBuildRequest(kernelPackage: "a", kernelFile: "b", outDir: "/tmp/x"))
        }
    }
}
