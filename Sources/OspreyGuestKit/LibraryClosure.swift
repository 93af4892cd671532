import Foundation

/// Finds the dynamic loader and the shared libraries (DT_NEEDED, transitively) that ELF
/// objects need, in a staging tree of unpacked packages, and decides where each goes in the
/// initramfs: the loader at its PT_INTERP path, libraries in `/usr/lib/<triplet>` (on the
/// loader's default search path) or, when found through DT_RUNPATH, in the mapped run path.
struct LibraryClosure {
    /// Something to put into the initramfs.
    struct Placement: Equatable {
        var path: String
        enum Source: Equatable {
            case file(URL)
            /// An absolute symlink target inside the initramfs (the same library placed earlier).
            case link(String)
        }
        var source: Source
    }

    /// An ELF object already chosen for the initramfs: where it goes and where it is staged.
    struct Object {
        var initramfsPath: String
        /// Path inside the staging tree (to expand `$ORIGIN`), if it came from there.
        var stagingPath: String?
        var url: URL
    }

    let tree: StagingTree
    let architecture: GuestArchitecture

    /// Directories searched for DT_NEEDED names, after the object's run paths.
    var searchDirectories: [String] {
        let triplet = architecture.multiarchTriplet
        return ["lib/\(triplet)", "usr/lib/\(triplet)", "lib", "usr/lib", "lib64", "usr/lib64"]
    }

    /// The placements `objects` need, excluding the objects themselves. Throws
    /// ``GuestKitError/missingLibraries`` naming what cannot be found.
    func placements(for objects: [Object]) throws -> [Placement] {
        var placed: [String: Placement] = [:]
        var order: [String] = []
        var placedBySource: [String: String] = [:]  // real staging path -> initramfs path
        var queue = objects
        var seenObjects = Set(objects.map(\.initramfsPath))

        func place(_ path: String, stagingPath: String, url: URL) -> Bool {
            guard placed[path] == nil, !seenObjects.contains(path) else { return false }
            if let earlier = placedBySource[stagingPath] {
                placed[path] = Placement(path: path, source: .link("/" + earlier))
                order.append(path)
                return false
            }
            placedBySource[stagingPath] = path
            placed[path] = Placement(path: path, source: .file(url))
            order.append(path)
            return true
        }

        while !queue.isEmpty {
            let object = queue.removeFirst()
            let elf = try ELFFile(contentsOf: object.url)
            var missing: [String] = []
            if let interpreter = elf.interpreter {
                if let real = tree.resolve(interpreter), let url = tree.regularFile(real) {
                    let path = UsrMerge.map(interpreter)
                    if place(path, stagingPath: real, url: url) {
                        seenObjects.insert(path)
                    }
                } else {
                    missing.append(interpreter)
                }
            }
            for name in elf.needed {
                guard let (found, path) = locate(name, for: object, elf: elf) else {
                    missing.append(name)
                    continue
                }
                if place(path, stagingPath: found, url: tree.root.appendingPathComponent(found)) {
                    seenObjects.insert(path)
                    queue.append(Object(initramfsPath: path, stagingPath: found, url: tree.root.appendingPathComponent(found)))
                }
            }
            if !missing.isEmpty {
                throw GuestKitError.missingLibraries(
                    program: "/" + object.initramfsPath,
                    libraries: missing.map { "\($0) (searched \(searchDirectories.joined(separator: ", ")) of the \(architecture.debianArchitecture) packages)" })
            }
        }
        return order.compactMap { placed[$0] }
    }

    /// Finds `name` for `object`: returns its real path in the staging tree and where it
    /// goes in the initramfs.
    private func locate(_ name: String, for object: Object, elf: ELFFile) -> (String, String)? {
        if name.contains("/") {
            guard let real = tree.resolve(name), isCompatible(real, elf) else { return nil }
            return (real, UsrMerge.map(name))
        }
        let origin = object.stagingPath.map(RelativePath.parent) ?? ""
        for runPath in elf.runPaths {
            let directory = runPath
                .replacingOccurrences(of: "${ORIGIN}", with: "/" + origin)
                .replacingOccurrences(of: "$ORIGIN", with: "/" + origin)
            if let real = tree.resolve(directory + "/" + name), isCompatible(real, elf) {
                return (real, UsrMerge.map(directory) + "/" + name)
            }
        }
        for directory in searchDirectories {
            if let real = tree.resolve(directory + "/" + name), isCompatible(real, elf) {
                return (real, "usr/lib/\(architecture.multiarchTriplet)/\(name)")
            }
        }
        return nil
    }

    /// True when the staged file is an ELF object of the same class and machine.
    private func isCompatible(_ real: String, _ elf: ELFFile) -> Bool {
        guard let url = tree.regularFile(real), let candidate = try? ELFFile(contentsOf: url) else { return false }
        return candidate.machine == elf.machine && candidate.is64Bit == elf.is64Bit
    }
}
