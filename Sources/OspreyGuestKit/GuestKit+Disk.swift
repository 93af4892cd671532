import Foundation

extension GuestKit {
    /// Puts the guest's files (`tree`: busybox, `/init`, the scenario, the packages' programs
    /// and libraries) on an ext4 file system in `outDir/name` (qcow2), and returns the boot
    /// initramfs that replaces them: busybox, the kernel's modules that reach the disk, and
    /// an `/init` that mounts it and switches to the disk's `/init`.
    func makeDisk(
        named name: String, from tree: InitramfsLayout, request: GuestBuildRequest, kernel: KernelSource,
        busybox: URL, store: PackageStore, work: URL, outDir: URL
    ) throws -> InitramfsLayout {
        let footprint = try DiskImage.footprint(of: tree)
        let neededMB = DiskImage.neededMB(footprint: footprint)
        let sizeMB: Int
        if let requested = request.diskSizeMB {
            // Clearly too small: the files alone are larger. Otherwise mkfs.ext4 decides.
            guard requested << 20 >= footprint else {
                throw GuestKitError.diskTooSmall(neededMB: neededMB, requestedMB: requested)
            }
            sizeMB = requested
        } else {
            sizeMB = DiskImage.automaticSizeMB(footprint: footprint)
        }

        let modules: BootModules?
        if let package = kernel.package {
            let found = try store.bootModules(for: package)
            let builtin = found.builtinRoots.isEmpty ? "" : " (built in: \(found.builtinRoots.joined(separator: ", ")))"
            progress("osprey: boot modules: \(found.modules.joined(separator: " "))\(builtin)")
            modules = found
        } else {
            progress(
                "osprey: note: a kernel file comes without modules: it must have "
                    + "\(BootModules.roots.joined(separator: ", ")) built in to reach the disk")
            modules = nil
        }

        let directory = work.appendingPathComponent("disk-tree", isDirectory: true)
        try tree.materialize(at: directory)
        defer { try? FileManager.default.removeItem(at: directory) }
        progress("osprey: making \(name): ext4, \(sizeMB) MB, \(tree.entries.count) entries (\(footprint >> 20) MB of files)")
        try DiskImage.make(
            tree: directory, sizeMB: sizeMB, neededMB: neededMB, scratch: work, qcow2: outDir.appendingPathComponent(name))
        let bytes = (try? FileManager.default.attributesOfItem(atPath: outDir.appendingPathComponent(name).path)[.size] as? NSNumber)?
            .intValue
        progress("osprey: wrote \(name) (\(bytes.map { "\($0) bytes" } ?? "size unknown"))")
        return try InitramfsLayout.boot(busybox: busybox, modules: modules)
    }
}
