import Foundation

/// Messages to the user on standard error.
enum Diagnostics {
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("osprey: \(message)\n".utf8))
    }

    /// A line that already carries its `osprey:` prefix (the guest kit's progress).
    static func line(_ text: String) {
        FileHandle.standardError.write(Data("\(text)\n".utf8))
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("osprey: error: \(message)\n".utf8))
    }
}
