import Foundation

/// Finds, downloads and caches Debian packages through the private apt configuration.
/// `.deb` files are cached by name, version and architecture. Kernel packages keep their
/// `boot/` directory and, once a disk guest needed them, the `.deb` itself and the modules
/// that reach the disk (``bootModules(for:roots:)``); an initramfs guest needs no modules.
final class PackageStore {
    let apt: PrivateApt
    let cacheRoot: URL
    let progress: @Sendable (String) -> Void

    init(cacheRoot: URL, sources: AptSources, progress: @escaping @Sendable (String) -> Void) {
        self.cacheRoot = cacheRoot
        self.progress = progress
        self.apt = PrivateApt(
            root: cacheRoot.appendingPathComponent("apt", isDirectory: true), sources: sources, progress: progress)
    }

    var debsDir: URL { cacheRoot.appendingPathComponent("debs", isDirectory: true) }
    var kernelsDir: URL { cacheRoot.appendingPathComponent("kernels", isDirectory: true) }
    var downloadsDir: URL { cacheRoot.appendingPathComponent("downloads", isDirectory: true) }

    /// Makes sure the package lists exist and are less than a day old.
    func prepare() throws { try apt.ensureFreshLists() }

    /// The candidate of one real package for `architecture`, refreshing the lists once when it
    /// is not found. Throws ``GuestKitError/packageNotFound`` naming the suites tried.
    func resolve(_ name: String, architecture: String) throws -> PackageInfo {
        if let info = try apt.show([name], architecture: architecture)[name] { return info }
        if try apt.updateAfterMiss(), let info = try apt.show([name], architecture: architecture)[name] {
            return info
        }
        throw GuestKitError.packageNotFound(name: name, architecture: architecture, suites: AptSources.allSuites)
    }

    /// The cached `.deb` of `package`, downloading it on first use.
    func deb(for package: PackageInfo) throws -> URL {
        let cached = debsDir.appendingPathComponent(package.cacheKey + ".deb")
        if FileManager.default.fileExists(atPath: cached.path) { return cached }
        let scratch = downloadsDir.appendingPathComponent(package.cacheKey + "-" + UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let downloaded = try apt.download(package, into: scratch)
        try moveIntoCache(downloaded, cached)
        return cached
    }

    /// Unpacks `package` into `directory` with `dpkg-deb -x`.
    func unpack(_ package: PackageInfo, into directory: URL) throws {
        let deb = try deb(for: package)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try ProcessRunner.check(["dpkg-deb", "-x", deb.path, directory.path], display: "dpkg-deb -x \(deb.lastPathComponent)")
    }

    /// The `boot/` directory of a kernel package, cached. Only `vmlinuz` goes into a guest; the
    /// rest stays in the cache for the test oracles of later issues and is never read by Osprey.
    /// Empty when the package has no `boot/` (a metapackage).
    /// - Parameter keepDeb: keep the downloaded `.deb` in the cache (a disk guest reads its
    ///   modules next); a `.deb` already cached is used either way.
    func kernelBootDirectory(for package: PackageInfo, keepDeb: Bool = false) throws -> URL {
        let fm = FileManager.default
        let entry = kernelsDir.appendingPathComponent(package.cacheKey, isDirectory: true)
        let boot = entry.appendingPathComponent("boot", isDirectory: true)
        let done = entry.appendingPathComponent(".complete")
        if fm.fileExists(atPath: done.path) { return boot }

        let unique = UUID().uuidString
        let download = downloadsDir.appendingPathComponent(package.cacheKey + "-" + unique, isDirectory: true)
        defer { try? fm.removeItem(at: download) }
        let cachedDeb = debsDir.appendingPathComponent(package.cacheKey + ".deb")
        let deb =
            keepDeb || fm.fileExists(atPath: cachedDeb.path)
            ? try self.deb(for: package) : try apt.download(package, into: download)
        let partial = kernelsDir.appendingPathComponent(package.cacheKey + ".partial-" + unique, isDirectory: true)
        defer { try? fm.removeItem(at: partial) }
        try fm.createDirectory(at: partial.appendingPathComponent("boot"), withIntermediateDirectories: true)
        progress("osprey: unpacking boot/ of \(package.name)")
        // Only ./boot: the modules are hundreds of megabytes. tar also fails when the package
        // has no ./boot at all (a metapackage): the caller reports that as "no kernel image".
        let extraction = try ProcessRunner.run([
            "sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -x -C \"$2\" --wildcards './boot/*'",
            "osprey-sh", deb.path, partial.path,
        ])
        if extraction.status != 0 && !extraction.stderrText.contains("Not found in archive") {
            throw GuestKitError.toolFailed(
                command: "dpkg-deb --fsys-tarfile \(deb.lastPathComponent) | tar -x ./boot",
                status: extraction.status, output: extraction.stderrText)
        }
        _ = fm.createFile(atPath: partial.appendingPathComponent(".complete").path, contents: Data())
        if !fm.fileExists(atPath: done.path) { try? fm.removeItem(at: entry) }  // an incomplete earlier attempt
        // rename(2) fails if another build stored the same kernel meanwhile: then use that one.
        if rename(partial.path, entry.path) != 0 && !fm.fileExists(atPath: done.path) {
            throw GuestKitError.io("cannot store \(package.name) in \(kernelsDir.path): \(String(cString: strerror(errno)))")
        }
        return boot
    }

    /// Atomically puts `file` at `destination` (rename(2) replaces; concurrent builds are safe).
    private func moveIntoCache(_ file: URL, _ destination: URL) throws {
        let directory = destination.deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        guard rename(file.path, destination.path) == 0 else {
            throw GuestKitError.io("cannot store \(file.lastPathComponent) in \(directory.path): \(String(cString: strerror(errno)))")
        }
    }
}
