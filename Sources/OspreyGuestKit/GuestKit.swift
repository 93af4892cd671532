import Foundation

/// Builds bootable guests: a kernel (from a Debian package or a file), a busybox initramfs
/// written in Swift with `/init` and a scenario, extra Debian packages with their shared
/// libraries, and `guest.json` describing how QEMU boots it. A disk guest has the same files
/// on an ext4 root file system in `disk.qcow2`, and an initramfs that only mounts it (see
/// `GuestKit+Disk.swift`). Packages come through a private apt configuration under the
/// cache root; the system's apt setup is never changed.
public struct GuestKit: Sendable {
    /// Holds `apt/` (the private configuration and lists), `debs/`, `kernels/`, scratch space.
    public let cacheRoot: URL
    let progress: @Sendable (String) -> Void

    /// - Parameters:
    ///   - cacheRoot: defaults to `$OSPREY_CACHE`, else `$XDG_CACHE_HOME/osprey`, else
    ///     `~/.cache/osprey`.
    ///   - progress: receives one line per long step (`osprey: downloading ...`).
    public init(cacheRoot: URL? = nil, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.cacheRoot = cacheRoot ?? CacheLocation.defaultRoot()
        self.progress = progress
    }

    /// Builds the guest `request` describes into `request.outDir` and returns its description
    /// (also written there as `guest.json`).
    public func build(_ request: GuestBuildRequest) throws -> GuestDescription {
        try validate(request)
        let fm = FileManager.default
        let outDir = URL(fileURLWithPath: request.outDir, isDirectory: true)
        let work = cacheRoot.appendingPathComponent("work/build-\(UUID().uuidString)", isDirectory: true)
        let requestedArchitecture = try request.architecture.map(parseArchitecture)
        let scenario = try scenarioData(request.scenarioFile)
        if request.disk { try DiskImage.checkTools() }
        do {
            try fm.createDirectory(at: work, withIntermediateDirectories: true)
        } catch {
            throw GuestKitError.io("cannot create \(work.path): \(error.localizedDescription)")
        }
        defer { try? fm.removeItem(at: work) }

        let store = PackageStore(cacheRoot: cacheRoot, sources: AptSources.detect(), progress: progress)
        let kernel = try KernelSource.obtain(request, requestedArchitecture: requestedArchitecture, store: store)
        let architecture = kernel.architecture

        var layout = try InitramfsLayout.skeleton(scenario: scenario)
        var resolved = kernel.package.map { [$0.summary] } ?? []

        let packages = Self.packages(of: request)
        let packageNames = try packages.map { try plainPackageName($0, architecture) }
        if !packageNames.isEmpty {
            resolved += try addPackages(packageNames, architecture: architecture, store: store, work: work, to: &layout)
        }

        let busybox = try store.resolve("busybox-static", architecture: architecture.debianArchitecture)
        resolved.append(busybox.summary)
        let busyboxTree = work.appendingPathComponent("busybox", isDirectory: true)
        try store.unpack(busybox, into: busyboxTree)
        guard let busyboxBinary = StagingTree(root: busyboxTree).regularFile("usr/bin/busybox")
            ?? StagingTree(root: busyboxTree).regularFile("bin/busybox")
        else {
            throw GuestKitError.io("busybox-static \(busybox.version) (\(busybox.architecture)) contains no busybox binary")
        }
        let shadowed = try layout.addBusybox(binary: busyboxBinary)
        if !shadowed.isEmpty {
            // Debian's busybox-static is built with FEATURE_SH_STANDALONE: its sh runs its own
            // applets before searching PATH.
            let shown = shadowed.prefix(10).joined(separator: ", ") + (shadowed.count > 10 ? " and \(shadowed.count - 10) more" : "")
            let example = shadowed.first { $0.first?.isLetter == true } ?? shadowed[0]
            progress(
                "osprey: note: busybox's sh runs its own \(shown) before PATH; "
                    + "call the package's programs by full path (e.g. /usr/bin/\(example))")
        }

        do {
            try fm.createDirectory(at: outDir, withIntermediateDirectories: true)
        } catch {
            throw GuestKitError.io("cannot create \(outDir.path): \(error.localizedDescription)")
        }
        var diskName: String?
        if request.disk {
            diskName = "disk.qcow2"
            layout = try makeDisk(
                named: "disk.qcow2", from: layout, request: request, kernel: kernel, busybox: busyboxBinary, store: store,
                work: work, outDir: outDir)
        }
        let initrdName = "initramfs.cpio"
        let temporary = outDir.appendingPathComponent(".\(initrdName).partial")
        let size = try layout.write(to: temporary)
        try replace(outDir.appendingPathComponent(initrdName), with: temporary)
        progress("osprey: wrote \(initrdName) (\(size) bytes, \(layout.entries.count) entries)")
        let kernelCopy = outDir.appendingPathComponent(".vmlinuz.partial")
        try? fm.removeItem(at: kernelCopy)
        do {
            try fm.copyItem(at: kernel.image, to: kernelCopy)
        } catch {
            throw GuestKitError.io("cannot copy \(kernel.image.path): \(error.localizedDescription)")
        }
        try replace(outDir.appendingPathComponent("vmlinuz"), with: kernelCopy)

        let description = GuestDescription(
            architecture: architecture, kernelPackage: kernel.package?.name, kernelVersion: kernel.package?.version,
            packages: packages, resolvedPackages: Array(Set(resolved)).sorted(),
            scenario: request.scenarioFile.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "default",
            kernel: "vmlinuz", initrd: initrdName, disk: diskName)
        try description.write(to: outDir)
        return description
    }

    // MARK: - Steps

    private func validate(_ request: GuestBuildRequest) throws {
        switch (request.kernelPackage, request.kernelFile) {
        case (nil, nil): throw GuestKitError.invalidRequest("a kernel is needed: give a kernel package or a kernel file")
        case (.some, .some): throw GuestKitError.invalidRequest("give a kernel package or a kernel file, not both")
        default: break
        }
        guard !request.outDir.isEmpty else { throw GuestKitError.invalidRequest("an output directory is needed") }
        if let size = request.diskSizeMB {
            guard request.disk else { throw GuestKitError.invalidRequest("a disk size is only meaningful for a disk guest") }
            guard (8...DiskImage.maximumSizeMB).contains(size) else {
                throw GuestKitError.invalidRequest("disk size \(size) MB is out of range (8 to \(DiskImage.maximumSizeMB))")
            }
        }
        for name in [request.kernelPackage].compactMap({ $0 }) + request.packages.map({ String($0.prefix { $0 != ":" }) })
        where !DebianPackageName.isValid(name) {
            throw GuestKitError.invalidRequest("invalid Debian package name \(name)")
        }
    }

    private func parseArchitecture(_ text: String) throws -> GuestArchitecture {
        guard let architecture = GuestArchitecture(userSpelling: text) else {
            throw GuestKitError.invalidRequest("unknown architecture \(text): use x86_64 or aarch64")
        }
        return architecture
    }

    /// The packages whose programs go into the guest: those requested, followed by the ones
    /// the default scenario needs (``DefaultScenario/packages``) when it is the scenario and
    /// they were not requested already.
    static func packages(of request: GuestBuildRequest) -> [String] {
        guard request.scenarioFile == nil else { return request.packages }
        let requested = Set(request.packages.map { String($0.prefix { $0 != ":" }) })
        return request.packages + DefaultScenario.packages.filter { !requested.contains($0) }
    }

    /// Accepts `name` or `name:<guest arch>`.
    private func plainPackageName(_ spec: String, _ architecture: GuestArchitecture) throws -> String {
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        guard let name = parts.first, DebianPackageName.isValid(name) else {
            throw GuestKitError.invalidRequest("invalid Debian package name \(spec)")
        }
        if parts.count == 2, parts[1] != architecture.debianArchitecture {
            throw GuestKitError.invalidRequest(
                "package \(spec) does not match the guest's architecture (\(architecture.debianArchitecture))")
        }
        return name
    }

    private func scenarioData(_ path: String?) throws -> Data {
        guard let path else { return Data(DefaultScenario.script.utf8) }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw GuestKitError.io("cannot read scenario \(path): \(error.localizedDescription)")
        }
    }

    /// Downloads the packages and their dependency closure, unpacks them, and adds their
    /// programs (or shared objects) and needed libraries. Returns the packages used.
    private func addPackages(
        _ names: [String], architecture: GuestArchitecture, store: PackageStore, work: URL,
        to layout: inout InitramfsLayout
    ) throws -> [String] {
        progress("osprey: resolving dependencies of \(names.joined(separator: ", ")) (\(architecture.debianArchitecture))")
        let closure = try DependencyResolver(store: store, architecture: architecture.debianArchitecture)
            .closure(of: names)
        progress("osprey: \(closure.count) packages: \(closure.map(\.name).joined(separator: " "))")
        let stagingRoot = work.appendingPathComponent("staging", isDirectory: true)
        for package in closure {
            try store.unpack(package, into: stagingRoot)
        }
        let staging = StagingTree(root: stagingRoot)
        var objects: [LibraryClosure.Object] = []
        for name in names {
            guard let package = closure.first(where: { $0.name == name }) else { continue }
            let own = work.appendingPathComponent("own/\(name)", isDirectory: true)
            try store.unpack(package, into: own)
            let contents = try PackageContents.collect(package: name, ownTree: own, staging: staging)
            contents.warnings.forEach { progress("osprey: warning: \($0)") }
            for entry in contents.entries { try layout.add(entry) }
            objects += contents.objects
        }
        let placements = try LibraryClosure(tree: staging, architecture: architecture).placements(for: objects)
        for placement in placements {
            switch placement.source {
            case .file(let url):
                try layout.add(.file(placement.path, permissions: PackageContents.permissions(of: url, default: 0o755), .file(url)))
            case .link(let target):
                try layout.add(.symlink(placement.path, to: target))
            }
        }
        progress("osprey: added \(objects.count) ELF files and \(placements.count) libraries")
        return closure.map(\.summary)
    }

    /// Moves `source` over `destination` atomically (rename(2) replaces an existing file).
    private func replace(_ destination: URL, with source: URL) throws {
        guard rename(source.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: source)
            throw GuestKitError.io("cannot write \(destination.path): \(reason)")
        }
    }
}
