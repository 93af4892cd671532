import Foundation

/// What a `--package` contributes to the initramfs: its programs (`bin`, `sbin`,
/// `usr/bin`, `usr/sbin`, usr-merged) or, for a package without programs (a library
/// package such as `libc6`), all its shared objects. The ELF files among them are returned
/// too, for the library closure.
struct PackageContents {
    var entries: [CpioEntry] = []
    var objects: [LibraryClosure.Object] = []
    var warnings: [String] = []

    static let programDirectories = ["bin", "sbin", "usr/bin", "usr/sbin"]
    static let libraryDirectories = ["lib", "usr/lib", "lib64", "usr/lib64"]

    /// - Parameters:
    ///   - ownTree: the package alone, unpacked (to know which files are its own).
    ///   - staging: every package of the closure unpacked together (to follow symlinks).
    static func collect(package: String, ownTree: URL, staging: StagingTree) throws -> PackageContents {
        var contents = PackageContents()
        let own = StagingTree(root: ownTree)
        let fm = FileManager.default
        for directory in programDirectories {
            let names = ((try? fm.contentsOfDirectory(atPath: ownTree.appendingPathComponent(directory).path)) ?? []).sorted()
            for name in names {
                let stagingPath = directory + "/" + name
                if case .directory = own.lookupNoFollow(stagingPath) { continue }
                guard let real = staging.resolve(stagingPath), let url = staging.regularFile(real) else {
                    contents.warnings.append("\(package): /\(stagingPath) leads to no file in the unpacked packages, skipped")
                    continue
                }
                let path = UsrMerge.map(stagingPath)
                contents.entries.append(.file(path, permissions: permissions(of: url, default: 0o755), .file(url)))
                if isELF(url) {
                    contents.objects.append(.init(initramfsPath: path, stagingPath: real, url: url))
                }
            }
        }
        if contents.entries.isEmpty {
            try contents.collectSharedObjects(package: package, own: own)
        }
        return contents
    }

    private mutating func collectSharedObjects(package: String, own: StagingTree) throws {
        for top in Self.libraryDirectories {
            let base = own.root.appendingPathComponent(top)
            guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { continue }
            var relatives: [String] = []
            while let relative = enumerator.nextObject() as? String { relatives.append(relative) }
            for relative in relatives.sorted() {
                let name = RelativePath.lastComponent(relative)
                guard name.hasSuffix(".so") || name.contains(".so.") else { continue }
                let stagingPath = top + "/" + relative
                let path = UsrMerge.map(stagingPath)
                switch own.lookupNoFollow(stagingPath) {
                case .symlink(let target):
                    entries.append(.symlink(path, to: target))
                case .file(let url):
                    entries.append(.file(path, permissions: Self.permissions(of: url, default: 0o644), .file(url)))
                    if Self.isELF(url) {
                        objects.append(.init(initramfsPath: path, stagingPath: stagingPath, url: url))
                    }
                case .directory, .missing:
                    continue
                }
            }
        }
        if entries.isEmpty {
            warnings.append("\(package) has no programs and no shared objects: nothing added")
        }
    }

    static func permissions(of url: URL, default fallback: UInt32) -> UInt32 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes?[.posixPermissions] as? NSNumber).map { UInt32(truncating: $0) & 0o7777 } ?? fallback
    }

    static func isELF(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        return ELFFile.isELF((try? handle.read(upToCount: 4)) ?? Data())
    }
}
