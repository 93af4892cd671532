import Foundation

/// apt-get and apt-cache run against a private configuration under the cache root: its own
/// sources list, package lists, archive cache and empty dpkg status. The system's apt
/// configuration is never written; `/etc/apt/apt.conf.d` is still read (proxies apply).
final class PrivateApt {
    /// Lists older than this are refreshed before use.
    static let maximumListAge: TimeInterval = 24 * 60 * 60
    /// A package not found triggers one more update, unless the lists are younger than this.
    static let retryUpdateAge: TimeInterval = 10 * 60

    let root: URL
    let sources: AptSources
    let progress: @Sendable (String) -> Void
    private var updatedInThisRun = false

    /// - Parameter root: the `apt` directory under the cache root.
    init(root: URL, sources: AptSources, progress: @escaping @Sendable (String) -> Void) {
        self.root = root
        self.sources = sources
        self.progress = progress
    }

    var etcDir: URL { root.appendingPathComponent("etc", isDirectory: true) }
    var sourcesFile: URL { etcDir.appendingPathComponent("osprey.sources") }
    var stateDir: URL { root.appendingPathComponent("state", isDirectory: true) }
    var listsDir: URL { stateDir.appendingPathComponent("lists", isDirectory: true) }
    var statusFile: URL { stateDir.appendingPathComponent("status") }
    var cacheDir: URL { root.appendingPathComponent("cache", isDirectory: true) }
    private var stampFile: URL { stateDir.appendingPathComponent("osprey-update-stamp") }
    private var configFile: URL { etcDir.appendingPathComponent("osprey-apt.conf") }
    /// Held while the lists are checked or updated, so concurrent builds update them once.
    private var lockFile: URL { root.appendingPathComponent("osprey-update.lock") }

    /// The `-o`/`-c` options every apt-get and apt-cache call gets.
    var options: [String] {
        let settings: [(String, String)] = [
            ("Dir::State", stateDir.path),
            ("Dir::State::Lists", listsDir.path),
            ("Dir::State::status", statusFile.path),
            ("Dir::Cache", cacheDir.path),
            ("Dir::Cache::archives", cacheDir.appendingPathComponent("archives").path),
            ("Dir::Cache::pkgcache", cacheDir.appendingPathComponent("pkgcache.bin").path),
            // The binary package cache makes each apt-cache call fast; the source one is unused.
            ("Dir::Cache::srcpkgcache", ""),
            ("Dir::Etc::SourceList", sourcesFile.path),
            ("Dir::Etc::SourceParts", etcDir.appendingPathComponent("sources.list.d").path),
            ("Dir::Etc::Preferences", etcDir.appendingPathComponent("preferences").path),
            ("Dir::Etc::PreferencesParts", etcDir.appendingPathComponent("preferences.d").path),
            ("APT::Architecture", "amd64"),
            ("APT::Architectures::", "amd64"),
            ("APT::Architectures::", "arm64"),
            // Downloads land in directories owned by the caller, which _apt cannot write.
            ("APT::Sandbox::User", "root"),
        ]
        return settings.flatMap { ["-o", "\($0.0)=\($0.1)"] } + ["-c", configFile.path]
    }

    /// Creates the directory layout and writes the sources list, the config file that clears
    /// the system's update/dpkg hooks (they act on the system's cache), and the empty status.
    func prepare() throws {
        let fm = FileManager.default
        do {
            for dir in [
                etcDir.appendingPathComponent("sources.list.d"), etcDir.appendingPathComponent("preferences.d"),
                listsDir.appendingPathComponent("partial"),
                cacheDir.appendingPathComponent("archives/partial"),
            ] {
                try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            }
            let text = sources.deb822Text()
            if (try? String(contentsOf: sourcesFile, encoding: .utf8)) != text {
                try text.write(to: sourcesFile, atomically: true, encoding: .utf8)
            }
            let config = """
                // Written by osprey. The system's hooks below act on the system's apt cache.
                #clear APT::Update::Post-Invoke;
                #clear APT::Update::Post-Invoke-Success;
                #clear DPkg::Post-Invoke;

                """
            if (try? String(contentsOf: configFile, encoding: .utf8)) != config {
                try config.write(to: configFile, atomically: true, encoding: .utf8)
            }
            if !fm.fileExists(atPath: statusFile.path) {
                _ = fm.createFile(atPath: statusFile.path, contents: Data())
            }
        } catch {
            throw GuestKitError.io("cannot prepare the private apt configuration in \(root.path): \(error.localizedDescription)")
        }
    }

    /// Age of the package lists, or nil when they were never fetched for the current sources.
    func listsAge() -> TimeInterval? {
        guard let stamp = try? String(contentsOf: stampFile, encoding: .utf8),
            stamp == sources.deb822Text(),
            let attributes = try? FileManager.default.attributesOfItem(atPath: stampFile.path),
            let modified = attributes[.modificationDate] as? Date
        else { return nil }
        return Date().timeIntervalSince(modified)
    }

    /// Runs `apt-get update` when the lists are missing or older than a day.
    func ensureFreshLists() throws {
        try FileLock.withLock(on: lockFile) {
            try prepare()
            if let age = listsAge(), age < Self.maximumListAge { return }
            do {
                try updateLocked()
            } catch let error as GuestKitError {
                // Stale lists still work offline; missing ones do not.
                guard listsAge() != nil else { throw error }
                progress("osprey: warning: could not refresh package lists, using the old ones: \(error)")
            }
        }
    }

    /// Runs `apt-get update` now (waiting for another build's update to finish first).
    func update() throws {
        try FileLock.withLock(on: lockFile) { try updateLocked() }
    }

    /// `apt-get update`, with the lock held.
    private func updateLocked() throws {
        try prepare()
        progress("osprey: updating package lists (private apt config in \(root.path))")
        let result = try ProcessRunner.check(["apt-get"] + options + ["-q", "update"], display: "apt-get update")
        updatedInThisRun = true
        // apt-get update exits 0 even when indexes could not be fetched: look at what it said.
        let lines = (result.stdoutText + result.stderrText).split(separator: "\n").map(String.init)
        let warnings = lines.filter {
            $0.hasPrefix("E:") || ($0.hasPrefix("W:") && ($0.contains("Failed to fetch") || $0.contains("failed to download")))
        }
        let problems = warnings.isEmpty ? lines.filter { $0.hasPrefix("Err:") } : warnings
        guard problems.isEmpty else {
            let summary = problems.prefix(4).joined(separator: "\n")
            guard hasPackageLists() else {
                throw GuestKitError.io("could not download the package lists (private apt config in \(root.path)):\n\(summary)")
            }
            progress("osprey: warning: apt-get update had problems; using the lists it has:\n\(summary)")
            return  // no stamp: the next build tries again
        }
        try sources.deb822Text().write(to: stampFile, atomically: true, encoding: .utf8)
    }

    /// Whether any `Packages` index is present in the lists directory.
    private func hasPackageLists() -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: listsDir.path)) ?? []
        return names.contains { $0.contains("_Packages") }
    }

    /// Updates once more when a package was not found, unless the lists are fresh anyway.
    /// Returns true when it did update (the caller retries its look-up).
    func updateAfterMiss() throws -> Bool {
        if updatedInThisRun { return false }
        return try FileLock.withLock(on: lockFile) {
            // Another build may have updated while this one waited for the lock.
            if let age = listsAge(), age < Self.retryUpdateAge { return false }
            try updateLocked()
            return true
        }
    }

    // MARK: - Queries

    /// `apt-cache show` of the candidate versions of `names` for `architecture`, keyed by
    /// the requested name. Architecture-independent packages are found too. Names that are
    /// missing from the result are not real packages in any suite (possibly virtual).
    func show(_ names: [String], architecture: String) throws -> [String: PackageInfo] {
        var found: [String: PackageInfo] = [:]
        var missing = names
        for qualifier in [architecture, "all"] where !missing.isEmpty {
            let infos = try showRaw(missing.map { "\($0):\(qualifier)" })
            for info in infos where missing.contains(info.name) { found[info.name] = info }
            missing.removeAll { found[$0] != nil }
        }
        return found
    }

    private func showRaw(_ specs: [String]) throws -> [PackageInfo] {
        let result = try ProcessRunner.run(["apt-cache"] + options + ["show", "--no-all-versions"] + specs)
        if result.status != 0 && !result.stderrText.contains("No packages found") {
            throw GuestKitError.toolFailed(command: "apt-cache show", status: result.status, output: result.stderrText)
        }
        return ControlStanza.parseAll(result.stdoutText).compactMap(PackageInfo.init(stanza:))
    }

    /// Packages that provide the virtual package `name` for `architecture`, from
    /// `apt-cache showpkg`'s Reverse Provides, without duplicates, in apt's order.
    func providers(of name: String, architecture: String) throws -> [String] {
        let result = try ProcessRunner.run(["apt-cache"] + options + ["showpkg", "\(name):\(architecture)"])
        guard result.status == 0 else { return [] }
        var providers: [String] = []
        var inSection = false
        for line in result.stdoutText.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("Reverse Provides:") {
                inSection = true
                continue
            }
            guard inSection, let first = line.split(separator: " ").first else { continue }
            var provider = String(first)
            if let colon = provider.firstIndex(of: ":") {
                let qualifier = provider[provider.index(after: colon)...]
                guard qualifier == architecture || qualifier == "all" else { continue }
                provider = String(provider[..<colon])
            }
            if !providers.contains(provider) { providers.append(provider) }
        }
        return providers
    }

    /// Downloads exactly `package` (name, version, architecture) into `directory` and
    /// returns the `.deb` file.
    func download(_ package: PackageInfo, into directory: URL) throws -> URL {
        let fm = FileManager.default
        try? fm.removeItem(at: directory)
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        progress("osprey: downloading \(package.name) \(package.version) (\(package.architecture))")
        let spec = "\(package.name):\(package.architecture)=\(package.version)"
        try ProcessRunner.check(
            ["apt-get"] + options + ["-q", "download", spec], in: directory, display: "apt-get download \(spec)")
        let debs = ((try? fm.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".deb") }
        guard debs.count == 1, let deb = debs.first else {
            throw GuestKitError.io("apt-get download \(spec) left \(debs.count) .deb files in \(directory.path)")
        }
        return directory.appendingPathComponent(deb)
    }
}
