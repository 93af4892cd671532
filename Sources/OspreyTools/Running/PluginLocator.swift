import Foundation

/// Finds the plugin library QEMU loads.
public enum PluginLocator {
    public static let libraryName = "libOspreyPlugin.so"

    /// `$OSPREY_PLUGIN` if set, else `libOspreyPlugin.so` next to the running `osprey`
    /// executable (SwiftPM puts both in the same build directory).
    public static func locate() throws -> URL {
        if let env = ProcessInfo.processInfo.environment["OSPREY_PLUGIN"], !env.isEmpty {
            let url = URL(fileURLWithPath: env)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw OspreyError("OSPREY_PLUGIN names \(env), which does not exist")
            }
            return url
        }
        var candidates: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent(libraryName))
        }
        if let arg0 = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: arg0).deletingLastPathComponent().appendingPathComponent(libraryName))
        }
        for url in candidates where FileManager.default.fileExists(atPath: url.path) {
            return url.standardizedFileURL
        }
        throw OspreyError(
            "cannot find \(libraryName) next to the osprey executable; build it with `swift build` "
                + "(it is the OspreyPlugin product) or set OSPREY_PLUGIN")
    }
}

/// An error with a message for the user.
public struct OspreyError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
