import Foundation
import OspreyCore

/// Loads a profile file (``KernelProfile``) the way every command does: bounded in size
/// (``KernelProfile/maximumFileSize``), parsed strictly, and any problem as one line naming
/// the file and, for broken JSON, the line and column.
public enum ProfileFile {
    public static func load(_ path: String) throws -> KernelProfile {
        let bytes = try BoundedFile.read(URL(fileURLWithPath: path), limit: KernelProfile.maximumFileSize, what: "profile")
        do {
            return try KernelProfile(jsonText: String(decoding: bytes, as: UTF8.self))
        } catch {
            throw OspreyError("\(path): \(error)")
        }
    }
}
