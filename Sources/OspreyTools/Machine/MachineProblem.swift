import Foundation

/// Why a description (or one of its fields) is refused: the field, named as in the manifest
/// (`drives[0].file`, `devices[1].properties.romfile`), and the reason.
public struct MachineProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field, as in the file (empty for the file as a whole).
    public var field: String
    /// Why it is refused (a sentence without the field).
    public var reason: String

    /// A problem with `field`.
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    /// `field: reason`.
    public var description: String { "\(field): \(reason)" }

    /// The problem with the field named inside `parent` (`machine` + `drives[0]`).
    public func inside(_ parent: String) -> MachineProblem {
        MachineProblem(field: parent.isEmpty ? field : field.isEmpty ? parent : "\(parent).\(field)", reason: reason)
    }
}

extension MachineProblem {
    /// The problem as one line about `file`: `/r/manifest.json: machine.kernel: reason`.
    public func message(about file: String) -> String {
        field.isEmpty ? "\(file): \(reason)" : "\(file): \(field): \(reason)"
    }
}
