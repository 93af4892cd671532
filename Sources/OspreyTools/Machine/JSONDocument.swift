import Foundation
import OspreyCore

/// A small JSON file of a directory someone handed over (a recording's manifest, a guest's
/// `guest.json`), read without trusting it: the name passes ``ContainedPath``, the size is
/// checked before anything is read (``BoundedFile``), the text must be UTF-8, and it is parsed
/// by the core's own strict parser (no decoding into types by reflection).
enum JSONDocument {
    /// The largest such file (1 MiB).
    static let sizeLimit = 1 << 20

    /// The document `name` inside `root` (a ``ContainedPath/root(_:)``). Problems name no field.
    static func read(_ name: String, in root: URL, limit: Int = sizeLimit) throws(MachineProblem) -> JSONValue {
        let file = try ContainedPath.resolve(name, in: root)
        let bytes = try BoundedFile.read(file.url, limit: limit)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw MachineProblem(field: "", reason: "is not UTF-8 text")
        }
        do {
            return try JSONValue.parse(text)
        } catch {
            throw MachineProblem(field: "", reason: "is not valid JSON: \(error.message) at byte \(error.offset)")
        }
    }
}
