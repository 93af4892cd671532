import Foundation

/// A directory into which Debian packages were unpacked, seen as the root of a usr-merged
/// file system: symlinks are followed inside it (absolute targets are taken relative to the
/// root), `lib/x` is also looked up as `usr/lib/x` and the other way round (packages of
/// different releases put files on either side, and no package ships the `/lib` symlink),
/// and nothing outside the root is ever reached.
struct StagingTree {
    let root: URL

    enum Node: Equatable {
        case file(URL)
        case directory(URL)
        case symlink(target: String)
        case missing
    }

    /// What is at `path` without following a final symlink.
    func lookupNoFollow(_ path: String) -> Node {
        let url = root.appendingPathComponent(path)
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) {
            return .symlink(target: target)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return .missing }
        return isDirectory.boolValue ? .directory(url) : .file(url)
    }

    /// Resolves `path` (absolute or relative to the root) component by component, following
    /// every symlink inside the tree; returns the real relative path, or nil when it does not
    /// exist or loops.
    func resolve(_ path: String) -> String? {
        var pending = components(path)
        var resolved: [String] = []
        var hops = 0
        while !pending.isEmpty {
            let part = pending.removeFirst()
            if part == ".." {
                if !resolved.isEmpty { resolved.removeLast() }
                continue
            }
            var candidate = resolved + [part]
            var node = lookupNoFollow(candidate.joined(separator: "/"))
            if node == .missing, let other = UsrMerge.alternative(candidate) {
                candidate = other
                node = lookupNoFollow(other.joined(separator: "/"))
            }
            switch node {
            case .missing:
                return nil
            case .file, .directory:
                resolved = candidate
            case .symlink(let target):
                hops += 1
                if hops > 40 { return nil }
                resolved = target.hasPrefix("/") ? [] : Array(candidate.dropLast())
                pending = components(target) + pending
            }
        }
        return resolved.joined(separator: "/")
    }

    /// The regular file `path` leads to, after following symlinks.
    func regularFile(_ path: String) -> URL? {
        guard let real = resolve(path), !real.isEmpty, case .file(let url) = lookupNoFollow(real) else { return nil }
        return url
    }

    private func components(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init).filter { $0 != "." }
    }
}

/// Maps a path of an unpacked package onto the usr-merged initramfs layout, where `/bin`,
/// `/sbin`, `/lib` and `/lib64` are symlinks into `/usr`: `lib/x` becomes `usr/lib/x`.
enum UsrMerge {
    static let mergedDirectories = ["bin", "sbin", "lib", "lib64"]

    static func map(_ path: String) -> String {
        let trimmed = path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
        guard let first = trimmed.split(separator: "/").first.map(String.init),
            mergedDirectories.contains(first)
        else { return trimmed }
        return "usr/" + trimmed
    }

    /// The same path on the other side of the merge: `lib/x` <-> `usr/lib/x`; nil for paths
    /// outside the merged directories.
    static func alternative(_ components: [String]) -> [String]? {
        if let first = components.first, mergedDirectories.contains(first) { return ["usr"] + components }
        if components.count >= 2, components[0] == "usr", mergedDirectories.contains(components[1]) {
            return Array(components.dropFirst())
        }
        return nil
    }
}

/// Slash-separated path helpers (no Foundation path APIs, whose edge cases differ by platform).
enum RelativePath {
    /// `a/b/c` -> `a/b`; `a` -> empty.
    static func parent(_ path: String) -> String {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.isEmpty else { return "" }
        parts.removeLast()
        return (path.hasPrefix("/") && !parts.isEmpty ? "/" : "") + parts.joined(separator: "/")
    }

    /// `a/b/c` -> `c`.
    static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? ""
    }
}
