import Foundation

/// Messages to the user on standard error.
enum Diagnostics {
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("osprey: \(message)\n".utf8))
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("osprey: error: \(message)\n".utf8))
    }
}
