import Foundation

/// The kernel of a guest: an image file, its architecture, and the package it came from.
struct KernelSource {
    var image: URL
    var architecture: GuestArchitecture
    var package: PackageInfo?

    /// Finds the kernel a request names, downloading its package if needed, and makes sure
    /// the package lists are ready for the rest of the build.
    static func obtain(
        _ request: GuestBuildRequest, requestedArchitecture: GuestArchitecture?, store: PackageStore
    ) throws -> KernelSource {
        if let file = request.kernelFile {
            let url = URL(fileURLWithPath: file)
            let detected = try KernelImage.detectArchitecture(fileAt: url)
            let architecture: GuestArchitecture
            switch (detected, requestedArchitecture) {
            case (let found?, let asked?) where found != asked:
                throw GuestKitError.kernel("\(file) is an \(found.rawValue) kernel, not \(asked.rawValue)")
            case (let found?, _): architecture = found
            case (nil, let asked?): architecture = asked
            case (nil, nil):
                throw GuestKitError.kernel(
                    "cannot tell the architecture of \(file) (neither an x86 bzImage nor an arm64 Image): give --arch x86_64 or --arch aarch64")
            }
            try store.prepare()
            return KernelSource(image: url, architecture: architecture, package: nil)
        }
        guard let name = request.kernelPackage else {
            throw GuestKitError.invalidRequest("a kernel is needed: give a kernel package or a kernel file")
        }
        try store.prepare()
        var package = try resolvePackage(name, requestedArchitecture: requestedArchitecture, store: store)
        for _ in 0..<3 {
            guard let architecture = GuestArchitecture(debianArchitecture: package.architecture) else {
                throw GuestKitError.kernel("\(package.name) is for architecture \(package.architecture), not amd64 or arm64")
            }
            if let asked = requestedArchitecture, asked != architecture {
                throw GuestKitError.kernel("\(package.name) is an \(architecture.rawValue) kernel, not \(asked.rawValue)")
            }
            store.progress("osprey: kernel \(package.name) \(package.version) (\(package.architecture))")
            let boot = try store.kernelBootDirectory(for: package, keepDeb: request.disk)
            if let image = KernelImage.find(inBoot: boot) {
                return KernelSource(image: image, architecture: architecture, package: package)
            }
            // A metapackage (linux-image-amd64) depends on the real kernel package.
            guard let real = package.dependencies.compactMap(\.first).first(where: { $0.name.hasPrefix("linux-image-") })
            else {
                throw GuestKitError.kernel("package \(package.name) \(package.version) contains no boot/vmlinuz-*: is it a kernel image package?")
            }
            store.progress("osprey: \(package.name) is a metapackage for \(real.name)")
            package = try store.resolve(real.name, architecture: package.architecture)
        }
        throw GuestKitError.kernel("\(name): too many levels of kernel metapackages")
    }

    /// The package's candidate for the architecture its name implies (`-amd64`, `-arm64`),
    /// the requested one, or else amd64 then arm64.
    private static func resolvePackage(
        _ name: String, requestedArchitecture: GuestArchitecture?, store: PackageStore
    ) throws -> PackageInfo {
        let fromName: String? =
            name.hasSuffix("-amd64") ? "amd64" : name.hasSuffix("-arm64") ? "arm64" : nil
        if let architecture = fromName ?? requestedArchitecture?.debianArchitecture {
            return try store.resolve(name, architecture: architecture)
        }
        do {
            return try store.resolve(name, architecture: "amd64")
        } catch GuestKitError.packageNotFound {
            return try store.resolve(name, architecture: "arm64")
        }
    }
}
