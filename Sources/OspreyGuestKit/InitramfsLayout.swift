import Foundation

/// The set of files that becomes the initramfs, keyed by path. The first entry added for a
/// path wins, so callers add in order of precedence: the fixed layout, then package
/// contents, then busybox applet links.
struct InitramfsLayout {
    private(set) var entries: [String: CpioEntry] = [:]

    /// Adds `entry` unless its path is taken; returns whether it was added.
    @discardableResult
    mutating func add(_ entry: CpioEntry) throws -> Bool {
        let path = try CpioArchive.normalize(entry.path)
        guard entries[path] == nil else { return false }
        var normalized = entry
        normalized.path = path
        entries[path] = normalized
        return true
    }

    func contains(_ path: String) -> Bool {
        (try? CpioArchive.normalize(path)).map { entries[$0] != nil } ?? false
    }

    /// The fixed skeleton: usr-merged directories and their top-level symlinks, device
    /// nodes, mount points, `/etc/passwd`, `/init` and `/scenario.sh`.
    static func skeleton(scenario: Data) throws -> InitramfsLayout {
        var layout = InitramfsLayout()
        for directory in ["usr/bin", "usr/sbin", "usr/lib", "usr/lib64", "dev", "proc", "sys", "etc", "run", "var"] {
            try layout.add(.directory(directory))
        }
        try layout.add(.directory("tmp", permissions: 0o1777))
        try layout.add(.directory("root", permissions: 0o700))
        for merged in UsrMerge.mergedDirectories {
            try layout.add(.symlink(merged, to: "usr/\(merged)"))
        }
        try layout.add(.characterDevice("dev/console", major: 5, minor: 1, permissions: 0o600))
        try layout.add(.characterDevice("dev/null", major: 1, minor: 3, permissions: 0o666))
        try layout.add(.file("etc/passwd", .bytes(Data("root:x:0:0:root:/root:/bin/sh\n".utf8))))
        try layout.add(.file("etc/group", .bytes(Data("root:x:0:\n".utf8))))
        try layout.add(.file("etc/hostname", .bytes(Data("osprey\n".utf8))))
        try layout.add(.file("init", permissions: 0o755, .bytes(Data(InitScript.text.utf8))))
        try layout.add(.file("scenario.sh", permissions: 0o755, .bytes(scenario)))
        return layout
    }

    /// Adds busybox at `/usr/bin/busybox` and a symlink for each applet whose path is free.
    /// Returns the applets whose path a package's program already holds.
    @discardableResult
    mutating func addBusybox(binary: URL) throws -> [String] {
        try add(.file("usr/bin/busybox", permissions: 0o755, .file(binary)))
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: binary))
        } catch {
            throw GuestKitError.io("cannot read \(binary.path): \(error.localizedDescription)")
        }
        let applets = BusyboxApplets.names(inBinary: bytes) ?? BusyboxApplets.fallback
        var shadowed: [String] = []
        for applet in applets where applet != "busybox" && applet != "linuxrc" {
            let path = BusyboxApplets.linkPath(for: applet)
            let target = path.hasPrefix("usr/sbin/") ? "../bin/busybox" : "busybox"
            let added = try add(.symlink(path, to: target))
            let programElsewhere = ["usr/bin/" + applet, "usr/sbin/" + applet].contains { other in
                guard other != path, case .file = entries[other]?.kind else { return false }
                return true
            }
            if !added || programElsewhere { shadowed.append(applet) }
        }
        return shadowed
    }

    /// Writes the archive; returns its size in bytes.
    func write(to url: URL) throws -> Int {
        try CpioArchive.write(Array(entries.values), to: url)
    }
}
