import Foundation

/// The kernel modules a disk guest's boot initramfs loads to reach its root file system:
/// plain `.ko` files named after their modules in ``directory``, and their load order.
struct BootModules: Codable, Equatable {
    /// What the boot initramfs needs, before dependencies: `virtio_pci` (the transport of
    /// the `virtio-blk-pci` device), `virtio_blk` (the disk), `crc32c_generic` and `ext4`.
    /// ext4 asks for crc32c (metadata checksums, on by default in `mkfs.ext4`) only through a
    /// `softdep` on the alias `crypto-crc32c`, which only modprobe resolves: without the
    /// module the mount fails with "EXT4-fs (vda): Cannot load crc32c driver".
    static let roots = ["virtio_pci", "virtio_blk", "crc32c_generic", "ext4"]

    /// Module names in load order (dependencies first).
    var modules: [String]
    /// Roots the kernel has built in, so nothing is loaded for them.
    var builtinRoots: [String]
    /// Holds `NAME.ko` for each of ``modules``. Not stored in the cache's `plan.json`.
    var directory: URL = URL(fileURLWithPath: "/")

    private enum CodingKeys: String, CodingKey {
        case modules, builtinRoots
    }

    /// The file of `module` in ``directory``.
    func file(of module: String) -> URL { directory.appendingPathComponent(module + ".ko") }

    /// The name of the cache file with the load order.
    static let planFile = "plan.json"
}

extension PackageStore {
    /// The modules that reach `roots` for the kernel `package`, in load order, decompressed.
    /// Cached under `kernels/KEY/boot-modules/ROOTS/`; the first call reads the package's
    /// `.deb` (kept in `debs/`, downloaded if needed), unpacks its `lib/modules` into scratch
    /// space, and follows each module's `depends=`.
    func bootModules(for package: PackageInfo, roots: [String] = BootModules.roots) throws -> BootModules {
        let fm = FileManager.default
        let parent = kernelsDir.appendingPathComponent("\(package.cacheKey)/boot-modules", isDirectory: true)
        let entry = parent.appendingPathComponent(roots.joined(separator: "+"), isDirectory: true)
        if let cached = try? Self.loadBootModules(entry) { return cached }

        let deb = try deb(for: package)
        let unique = UUID().uuidString
        let scratch = downloadsDir.appendingPathComponent("\(package.cacheKey)-modules-\(unique)", isDirectory: true)
        defer { try? fm.removeItem(at: scratch) }
        try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
        progress("osprey: unpacking the modules of \(package.name)")
        try ProcessRunner.shell(
            "dpkg-deb --fsys-tarfile \"$1\" | tar -x -C \"$2\" --wildcards '*/lib/modules/*'", [deb.path, scratch.path],
            display: "dpkg-deb --fsys-tarfile \(deb.lastPathComponent) | tar -x lib/modules")
        let tree = try KernelModules(root: try KernelModules.versionDirectory(in: scratch, package: package.name))
        let plan = try tree.loadOrder(roots: roots, source: "\(package.name) \(package.version)")

        let partial = parent.appendingPathComponent(".partial-\(unique)", isDirectory: true)
        defer { try? fm.removeItem(at: partial) }
        try fm.createDirectory(at: partial, withIntermediateDirectories: true)
        var modules = BootModules(modules: plan.modules, builtinRoots: plan.builtinRoots, directory: partial)
        for module in plan.modules {
            let data = try KernelModuleFile.plainData(at: try tree.file(of: module))
            try write(data, to: modules.file(of: module))
        }
        try write(try JSONEncoder().encode(modules), to: partial.appendingPathComponent(BootModules.planFile))
        if fm.fileExists(atPath: entry.path) { try? fm.removeItem(at: entry) }  // an unreadable earlier attempt
        // rename(2) fails if another build stored the same modules meanwhile: then use those.
        if rename(partial.path, entry.path) != 0, (try? Self.loadBootModules(entry)) == nil {
            throw GuestKitError.io("cannot store the modules of \(package.name) in \(parent.path): \(String(cString: strerror(errno)))")
        }
        modules.directory = entry
        return modules
    }

    /// The cached modules in `entry`, when its plan and every module file are there.
    private static func loadBootModules(_ entry: URL) throws -> BootModules {
        var modules = try JSONDecoder().decode(
            BootModules.self, from: try Data(contentsOf: entry.appendingPathComponent(BootModules.planFile)))
        modules.directory = entry
        for module in modules.modules where !FileManager.default.fileExists(atPath: modules.file(of: module).path) {
            throw GuestKitError.io("\(modules.file(of: module).path) is missing")
        }
        return modules
    }

    private func write(_ data: Data, to url: URL) throws {
        do {
            try data.write(to: url)
        } catch {
            throw GuestKitError.io("cannot write \(url.path): \(error.localizedDescription)")
        }
    }
}
