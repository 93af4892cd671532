import ArgumentParser
import Foundation
import OspreyGuestKit

/// `osprey guest`: commands that make guests for Osprey to run.
public struct GuestCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "guest",
        abstract: "Build bootable Linux guests from Debian kernel packages.",
        subcommands: [GuestBuildCommand.self]
    )

    public init() {}
}

/// `osprey guest build`: a kernel, a busybox initramfs with a scenario, and `guest.json`.
struct GuestBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build a guest directory: kernel, initramfs and guest.json.",
        discussion: """
            The kernel comes from a Debian kernel package (--kernel), downloaded through a private apt \
            configuration under $OSPREY_CACHE (else $XDG_CACHE_HOME/osprey, else ~/.cache/osprey) that \
            searches bookworm, bookworm-updates, bookworm-security, bookworm-backports, bullseye, \
            bullseye-security, trixie and trixie-security; the system's apt configuration is not changed. \
            Or give your own kernel image with --kernel-file.

            The initramfs holds busybox (busybox-static for the guest's architecture), an /init that runs \
            the scenario between the console lines OSPREY-SCENARIO-BEGIN and OSPREY-SCENARIO-END rc=N and \
            then powers off, and the programs of each --package with the shared libraries they need. \
            Busybox's sh runs its own applets before searching PATH: call a package's program that has \
            an applet's name by its full path (/usr/bin/ls, not ls).

            Examples:
              osprey guest build --kernel linux-image-6.1.0-56-amd64 --out guests/amd64
              osprey guest build --kernel linux-image-6.1.0-56-arm64 --package strace \\
                  --scenario my-scenario.sh --out guests/arm64-strace
            """
    )

    @Option(name: .customLong("kernel"), help: ArgumentHelp(
        "Debian kernel package, e.g. linux-image-6.1.0-56-amd64 or linux-image-6.1.0-56-arm64.",
        valueName: "package"))
    var kernelPackage: String?

    @Option(name: .customLong("kernel-file"), help: ArgumentHelp(
        "Your own kernel image (bzImage or arm64 Image) instead of a package.", valueName: "vmlinuz"))
    var kernelFile: String?

    @Option(name: .customLong("arch"), help: ArgumentHelp(
        "x86_64 or aarch64; only needed with --kernel-file when the image's header does not tell.",
        valueName: "arch"))
    var architecture: String?

    @Option(help: ArgumentHelp(
        "Shell script to run in the guest as /scenario.sh (default: Osprey's built-in scenario).",
        valueName: "file"))
    var scenario: String?

    @Option(name: .customLong("package"), help: ArgumentHelp(
        "Debian package whose programs (or, for a library package, shared objects) and needed libraries go into the guest. Repeatable.",
        valueName: "name"))
    var packages: [String] = []

    @Option(help: ArgumentHelp("Guest directory to write.", valueName: "dir"))
    var out: String?

    func validate() throws {
        switch (kernelPackage, kernelFile) {
        case (nil, nil): throw ValidationError("Give --kernel PACKAGE or --kernel-file VMLINUZ.")
        case (.some, .some): throw ValidationError("Give either --kernel or --kernel-file, not both.")
        default: break
        }
        guard let out, !out.isEmpty else { throw ValidationError("Missing --out DIR: the guest directory to write.") }
        if let architecture, GuestArchitecture(userSpelling: architecture) == nil {
            throw ValidationError("Unknown --arch \(architecture): use x86_64 or aarch64.")
        }
    }

    func run() throws {
        let request = GuestBuildRequest(
            kernelPackage: kernelPackage, kernelFile: kernelFile, architecture: architecture,
            scenarioFile: scenario, packages: packages, outDir: out ?? "")
        let kit = GuestKit(progress: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
        do {
            let guest = try kit.build(request)
            let size = (try? FileManager.default.attributesOfItem(
                atPath: URL(fileURLWithPath: request.outDir).appendingPathComponent(guest.initrd).path)[.size])
                as? NSNumber
            let kernel = [guest.kernelPackage ?? kernelFile, guest.kernelVersion].compactMap { $0 }.joined(separator: " ")
            print("""
                guest written to \(request.outDir): \(guest.architecture), kernel \(kernel), \
                initramfs \(size.map { "\($0.intValue) bytes" } ?? "?")
                boot it: cd \(request.outDir) && \(guest.qemuBinary) \(guest.qemuArgs.map(Self.shellQuote).joined(separator: " ")) -serial stdio
                """)
        } catch {
            FileHandle.standardError.write(Data("osprey: error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    static func shellQuote(_ word: String) -> String {
        let safe = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+".contains($0) }
        return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
