import Foundation

/// The modules of one kernel as its package ships them: the directory `lib/modules/VERSION`
/// of an unpacked kernel package, with every module file found under it (by module name)
/// and the modules built into the kernel (`modules.builtin`). Debian's packages have no
/// `modules.dep`: dependencies come from each module's `.modinfo` (``ModuleInfo``).
struct KernelModules {
    /// `lib/modules/VERSION`.
    let root: URL
    /// Module name -> path relative to ``root`` (`kernel/drivers/block/virtio_blk.ko`).
    let files: [String: String]
    /// The names in `modules.builtin`: code configured `=y`, present in the kernel image.
    let builtin: Set<String>

    /// Indexes `root` (a `lib/modules/VERSION` directory). When two files give the same
    /// module name, the first path in byte order wins, so the result does not depend on the
    /// order the file system lists them in.
    init(root: URL) throws {
        self.root = root
        var files: [String: String] = [:]
        let base = root.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: base) else {
            throw GuestKitError.io("cannot read the kernel modules in \(base)")
        }
        var paths: [String] = []
        while let path = walker.nextObject() as? String {
            if KernelModuleName.fromFileName(RelativePath.lastComponent(path)) != nil { paths.append(path) }
        }
        for path in paths.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            guard let name = KernelModuleName.fromFileName(RelativePath.lastComponent(path)), files[name] == nil else { continue }
            files[name] = path
        }
        self.files = files
        let builtinList = root.appendingPathComponent("modules.builtin")
        let text = (try? String(contentsOf: builtinList, encoding: .utf8)) ?? ""
        builtin = Self.builtinNames(text)
    }

    /// The module names listed in a `modules.builtin` file (one path per line:
    /// `kernel/drivers/virtio/virtio.ko`).
    static func builtinNames(_ text: String) -> Set<String> {
        Set(text.split(whereSeparator: \.isNewline).compactMap { KernelModuleName.fromFileName(RelativePath.lastComponent(String($0))) })
    }

    /// The `lib/modules/VERSION` directory of an unpacked kernel package: the one named after
    /// the package (`linux-image-6.1.0-56-amd64` -> `6.1.0-56-amd64`) when it exists, else
    /// the only one there is.
    static func versionDirectory(in unpacked: URL, package: String) throws -> URL {
        let modules = unpacked.appendingPathComponent("lib/modules", isDirectory: true)
        let alternative = unpacked.appendingPathComponent("usr/lib/modules", isDirectory: true)
        for parent in [modules, alternative] {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []).sorted()
            let release = package.hasPrefix("linux-image-") ? String(package.dropFirst("linux-image-".count)) : package
            if names.contains(release) { return parent.appendingPathComponent(release, isDirectory: true) }
            if names.count == 1, let only = names.first { return parent.appendingPathComponent(only, isDirectory: true) }
            if names.count > 1 {
                throw GuestKitError.kernel("\(package) has modules for several kernels (\(names.joined(separator: ", ")))")
            }
        }
        throw GuestKitError.kernel("\(package) contains no lib/modules directory: is it a kernel image package?")
    }

    /// The parsed `.modinfo` of module `name`, which must be in ``files``.
    func info(of name: String) throws -> ModuleInfo {
        let url = try file(of: name)
        return try ModuleInfo(moduleData: try KernelModuleFile.plainData(at: url), file: url.path)
    }

    /// The file of module `name`.
    func file(of name: String) throws -> URL {
        guard let path = files[name] else {
            throw GuestKitError.io("kernel module \(name) is not in \(root.path)")
        }
        return root.appendingPathComponent(path)
    }

    /// The modules to load, in order, so that `roots` and everything they depend on are in
    /// the kernel. Roots built into the kernel are left out; see ``ModuleLoadOrder``.
    func loadOrder(roots: [String], source: String) throws -> ModuleLoadOrder.Plan {
        var cache: [String: [String]] = [:]
        return try ModuleLoadOrder.resolve(
            roots: roots, source: source,
            isAvailable: { files[$0] != nil },
            isBuiltin: { builtin.contains($0) },
            dependencies: { name in
                if let known = cache[name] { return known }
                let depends = try info(of: name).depends
                cache[name] = depends
                return depends
            })
    }
}
