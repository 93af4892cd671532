import Foundation

/// A kernel module file as a package ships it: plain (`.ko`, Debian's 6.1 kernels) or
/// compressed (`.ko.xz`, `.ko.zst`, `.ko.gz`, as later kernels may be). busybox `insmod`
/// needs the plain ELF object, so compressed modules are decompressed on the host.
enum KernelModuleFile {
    /// The file name endings of kernel modules, longest first.
    static let suffixes = [".ko.xz", ".ko.zst", ".ko.gz", ".ko"]

    /// The plain ELF bytes of the module at `url`, decompressing with `xz`, `zstd` or `gzip`.
    static func plainData(at url: URL) throws -> Data {
        let name = url.lastPathComponent
        let tool: (name: String, package: String)?
        if name.hasSuffix(".ko.xz") {
            tool = ("xz", "xz-utils")
        } else if name.hasSuffix(".ko.zst") {
            tool = ("zstd", "zstd")
        } else if name.hasSuffix(".ko.gz") {
            tool = ("gzip", "gzip")
        } else {
            tool = nil
        }
        guard let tool else {
            do {
                return try Data(contentsOf: url)
            } catch {
                throw GuestKitError.io("cannot read \(url.path): \(error.localizedDescription)")
            }
        }
        let path = try HostTool.find(tool.name, package: tool.package)
        return try ProcessRunner.check([path, "-dc", url.path], display: "\(tool.name) -dc \(name)").stdout
    }
}
