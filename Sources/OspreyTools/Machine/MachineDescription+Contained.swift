import Foundation
import OspreyCore

extension MachineDescription {
    /// The description of a recording or guest directory (`root`, from
    /// ``ContainedPath/root(_:)``), checked before anything runs: every rule of ``problems()``
    /// holds, every file passes ``ContainedPath`` (and is given as the path it resolves to),
    /// every drive is a `qcow2` image that names no other file (``QcowHeader``) or a `raw` one.
    /// Throws the first problem, its field named relative to the description.
    public func contained(in root: URL) throws(MachineProblem) -> MachineDescription {
        if let problem = problems().first { throw problem }
        let resolved = try mappingFiles { field, path throws(MachineProblem) in
            do throws(MachineProblem) {
                return try ContainedPath.resolve(path, in: root).relative
            } catch {
                throw error.inside(field)
            }
        }
        for (index, drive) in resolved.drives.enumerated() {
            let field = "drives[\(index)]"
            switch drive.format {
            case "qcow2":
                if let reason = QcowHeader.problem(inFileAt: root.appendingPathComponent(drive.file)) {
                    throw MachineProblem(field: "\(field).file", reason: "\(TextEscaping.token(drive.file)) \(reason)")
                }
            case "raw":
                break
            default:
                throw MachineProblem(field: "\(field).format", reason: "\(TextEscaping.token(drive.format ?? "")) is not qcow2 or raw")
            }
        }
        return resolved
    }
}
