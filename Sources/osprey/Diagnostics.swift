import Foundation
import OspreyCore

/// Messages to the user on standard error.
///
/// Values from the guest or from a file are escaped where they are put into a message
/// (``GuestText`` interpolates as an escaped token); as a last line of defence every message is
/// also passed through ``TerminalText/safe(_:)``, so no control character but the newlines
/// Osprey puts between the lines of a message reaches the terminal.
enum Diagnostics {
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("osprey: \(TerminalText.safe(message))\n".utf8))
    }

    /// A line that already carries its `osprey:` prefix (the guest kit's progress).
    static func line(_ text: String) {
        FileHandle.standardError.write(Data("\(TerminalText.safe(text))\n".utf8))
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("osprey: error: \(TerminalText.safe(message))\n".utf8))
    }
}
