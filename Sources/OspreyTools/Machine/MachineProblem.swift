import Foundation

/// Why a description (or one of its fields) is refused: the field, named as in the manifest
/// (`drives[0].file`, `devices[1].properties.romfile`), and the reason.
public struct MachineProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var reason: String

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
