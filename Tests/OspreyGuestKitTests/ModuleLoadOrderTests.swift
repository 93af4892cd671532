import Foundation
import Testing

@testable import OspreyGuestKit

/// The load order of kernel modules: dependencies first, deterministic, with errors for
/// circles and for modules neither in the package nor built in.
@Suite struct ModuleLoadOrderTests {
    /// Resolves `roots` in a graph given as `name: depends`; names in `builtin` are built in.
    func resolve(_ roots: [String], _ graph: [String: [String]], builtin: Set<String> = []) throws -> ModuleLoadOrder.Plan {
        var asked: [String] = []
        let plan = try ModuleLoadOrder.resolve(
            roots: roots, source: "linux-image-test", isAvailable: { graph[$0] != nil }, isBuiltin: { builtin.contains($0) },
            dependencies: { name in
                asked.append(name)
                return graph[name] ?? []
            })
        #expect(Set(asked).count == asked.count, "dependencies read more than once: \(asked)")
        return plan
    }

    /// Every module comes after all of its dependencies that are loaded.
    func isTopological(_ order: [String], _ graph: [String: [String]]) -> Bool {
        order.enumerated().allSatisfy { index, name in
            (graph[name] ?? []).allSatisfy { dependency in
                guard let at = order.firstIndex(of: dependency) else { return graph[dependency] == nil }
                return at < index
            }
        }
    }

    /// The real amd64 graph of Debian's 6.1 kernel (from the modules' `.modinfo`).
    static let amd64: [String: [String]] = [
        "virtio_pci": ["virtio_ring", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio"],
        "virtio_blk": ["virtio", "virtio_ring"], "virtio": ["virtio_ring"], "virtio_ring": [],
        "virtio_pci_modern_dev": [], "virtio_pci_legacy_dev": [], "crc32c_generic": [],
        "ext4": ["jbd2", "mbcache", "crc16"], "jbd2": [], "mbcache": [], "crc16": [],
    ]

    @Test func ordersTheRealDiskModules() throws {
        let plan = try resolve(BootModules.roots, Self.amd64)
        #expect(plan.modules == [
            "virtio_ring", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio", "virtio_pci", "virtio_blk",
            "crc32c_generic", "jbd2", "mbcache", "crc16", "ext4",
        ])
        #expect(isTopological(plan.modules, Self.amd64))
        #expect(plan.builtinRoots.isEmpty)
    }

    @Test func builtInModulesAreSkipped() throws {
        // arm64: virtio and virtio_ring are built in, so no module depends on them.
        var graph = Self.amd64
        graph["virtio"] = nil
        graph["virtio_ring"] = nil
        graph["virtio_pci"] = ["virtio_pci_modern_dev", "virtio_pci_legacy_dev"]
        graph["virtio_blk"] = []
        let plan = try resolve(["virtio", "virtio_pci", "virtio_blk"], graph, builtin: ["virtio", "virtio_ring"])
        #expect(plan.modules == ["virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio_pci", "virtio_blk"])
        #expect(plan.builtinRoots == ["virtio"])
        // A dependency that is built in needs nothing either.
        let other = try resolve(["a"], ["a": ["b"]], builtin: ["b"])
        #expect(other.modules == ["a"])
        #expect(other.builtinRoots.isEmpty)
    }

    @Test func diamondsAndSharedDependenciesLoadOnce() throws {
        let graph = ["top": ["left", "right"], "left": ["base"], "right": ["base", "left"], "base": []]
        let plan = try resolve(["top", "right"], graph)
        #expect(plan.modules == ["base", "left", "right", "top"])
        #expect(isTopological(plan.modules, graph))
    }

    @Test func namesAreNormalized() throws {
        let plan = try resolve(["crc32c-intel"], ["crc32c_intel": ["crc-base"], "crc_base": []])
        #expect(plan.modules == ["crc_base", "crc32c_intel"])
    }

    @Test func cyclesAreErrors() {
        #expect(throws: GuestKitError.moduleCycle(["a", "b", "c", "a"])) {
            try resolve(["a"], ["a": ["b"], "b": ["c"], "c": ["a"]])
        }
        #expect(throws: GuestKitError.moduleCycle(["self", "self"])) { try resolve(["self"], ["self": ["self"]]) }
    }

    @Test func missingModulesAreErrors() {
        #expect(throws: GuestKitError.missingModule(name: "jbd2", neededBy: "ext4", source: "linux-image-test")) {
            try resolve(["ext4"], ["ext4": ["jbd2"]])
        }
        #expect(throws: GuestKitError.missingModule(name: "virtio_blk", neededBy: nil, source: "linux-image-test")) {
            try resolve(["virtio_blk"], [:])
        }
        let message = GuestKitError.missingModule(name: "jbd2", neededBy: "ext4", source: "linux-image-test 1").description
        #expect(message == "kernel module jbd2 (needed by ext4) is neither in linux-image-test 1 nor built into the kernel")
    }

    @Test func unsafeNamesAreRejected() {
        #expect(throws: GuestKitError.self) { try resolve(["a"], ["a": ["b;poweroff"]]) }
        #expect(throws: GuestKitError.self) { try resolve(["../a"], ["../a": []]) }
    }
}
