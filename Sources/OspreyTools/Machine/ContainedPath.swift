import Foundation
import OspreyCore

/// The one rule for a file that a recording or guest directory names: a relative path of
/// plain components (letters, digits, `.`, `_`, `+`, `-`; no empty, `.` or `..` component),
/// which, with every symbolic link resolved, is a regular file inside the directory. So a
/// hostile directory cannot make Osprey or QEMU read anything outside it (no absolute path,
/// no `..`, no link out, no device or FIFO), and no name can be read by QEMU as a protocol
/// (`nbd:`, `json:`) or split as an option (`,`).
public struct ContainedPath: Sendable, Equatable {
    /// The file, every link resolved.
    public var url: URL
    /// The file relative to the directory (its links resolved too): what QEMU is given.
    public var relative: String

    /// The directory with every link resolved; throws if it is not a directory.
    public static func root(_ directory: URL) throws(MachineProblem) -> URL {
        guard let real = realPath(directory.path) else {
            throw MachineProblem(field: "", reason: "\(directory.path) does not exist")
        }
        var info = stat()
        guard stat(real, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw MachineProblem(field: "", reason: "\(directory.path) is not a directory")
        }
        return URL(fileURLWithPath: real, isDirectory: true)
    }

    /// Resolves `path` inside `root` (a ``root(_:)``); throws with the reason it is refused.
    public static func resolve(_ path: String, in root: URL) throws(MachineProblem) -> ContainedPath {
        if let reason = spellingProblem(path) { throw MachineProblem(field: "", reason: reason) }
        let shown = TextEscaping.token(path)
        guard let real = realPath(root.path + "/" + path) else {
            throw MachineProblem(field: "", reason: "\(shown) does not exist in \(root.path)")
        }
        let base = root.path.hasSuffix("/") ? root.path : root.path + "/"
        guard real.hasPrefix(base), real.count > base.count else {
            throw MachineProblem(field: "", reason: "\(shown) leads out of the directory (to \(TextEscaping.token(real)))")
        }
        let relative = String(real.dropFirst(base.count))
        if let reason = spellingProblem(relative) {
            throw MachineProblem(field: "", reason: "\(shown) resolves to another name: \(reason)")
        }
        var info = stat()
        guard lstat(real, &info) == 0 else { throw MachineProblem(field: "", reason: "\(shown) cannot be examined") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw MachineProblem(field: "", reason: "\(shown) is not a regular file (\(kind(info.st_mode)))")
        }
        return ContainedPath(url: URL(fileURLWithPath: real), relative: relative)
    }

    /// Why `path` is not spelt as a contained path, or nil.
    public static func spellingProblem(_ path: String) -> String? {
        let shown = TextEscaping.token(path)
        if path.isEmpty { return "\"\" is not a file name" }
        if path.hasPrefix("/") { return "\(shown) is an absolute path; a directory names only files inside it" }
        if path.utf8.count > 255 { return "\(shown) is longer than 255 bytes" }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            if component == ".." { return "\(shown) has a .. component; a directory names only files inside it" }
            if component.isEmpty || component == "." { return "\(shown) has an empty or . component" }
            if !ValueRule.fits(String(component), max: 255, extra: "._+-") {
                return "\(shown) has characters other than letters, digits, '.', '_', '+', '-' and '/'"
            }
        }
        return nil
    }

    /// A file name made from `name` that is spelt as a contained path component.
    public static func safeComponent(_ name: String) -> String {
        var safe = String(String.UnicodeScalarView(name.unicodeScalars.prefix(64).map { scalar in
            scalar.isASCII && ValueRule.fits(String(scalar), max: 1, extra: "._+-") ? scalar : "_"
        }))
        while safe.hasPrefix(".") { safe = "_" + safe.dropFirst() }
        return safe.isEmpty ? "file" : safe
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "not a plain file"
        }
    }
}
