import ArgumentParser
import Foundation
import OspreyGuestKit
import OspreyTools

/// `osprey guest`: commands that make guests for Osprey to run.
public struct GuestCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "guest",
        abstract: "Build bootable Linux guests from Debian kernel packages.",
        subcommands: [GuestBuildCommand.self]
    )

    public init() {}
}

/// `osprey guest build`: a kernel, a busybox initramfs with a scenario (or, with `--disk`, a
/// qcow2 root disk with them and an initramfs that mounts it), and `guest.json`.
struct GuestBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build a guest directory: kernel, initramfs (and with --disk, disk.qcow2) and guest.json.",
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

            With --disk the same files go on an ext4 root file system in disk.qcow2 instead (made with \
            mkfs.ext4 -d and qemu-img, no root or loop devices needed; scripts/setup.sh installs them), \
            attached as a virtio-blk PCI disk. The initramfs then only loads the kernel's virtio and ext4 \
            modules (taken from the kernel package), mounts /dev/vda and switches to its /init. The disk \
            gets about 32 MB free (at least 64 MB) unless --disk-size says otherwise. QEMU writes to the \
            disk while the guest runs.

            Examples:
              osprey guest build --kernel linux-image-6.1.0-56-amd64 --out guests/amd64
              osprey guest build --kernel linux-image-6.1.0-56-arm64 --package strace \\
                  --scenario my-scenario.sh --out guests/arm64-strace
              osprey guest build --kernel linux-image-6.1.0-56-amd64 --disk \\
                  --out guests/amd64-disk
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

    @Flag(help: "Put the guest's files on an ext4 root file system in disk.qcow2 (a virtio-blk disk) instead of the initramfs.")
    var disk = false

    @Option(name: .customLong("disk-size"), help: ArgumentHelp(
        "Size of disk.qcow2's file system in MB (default: about 32 MB free, at least 64). Needs --disk.",
        valueName: "MB"))
    var diskSize: Int?

    func validate() throws {
        switch (kernelPackage, kernelFile) {
        case (nil, nil): throw ValidationError("Give --kernel PACKAGE or --kernel-file VMLINUZ.")
        case (.some, .some): throw ValidationError("Give either --kernel or --kernel-file, not both.")
        default: break
        }
        guard let out, !out.isEmpty else { throw ValidationError("Missing --out DIR: the guest directory to write.") }
        if diskSize != nil && !disk { throw ValidationError("--disk-size needs --disk.") }
        if let diskSize, diskSize < 8 { throw ValidationError("--disk-size must be at least 8 (MB).") }
        if let architecture, GuestArchitecture(userSpelling: architecture) == nil {
            throw ValidationError("Unknown --arch \(architecture): use x86_64 or aarch64.")
        }
    }

    func run() throws {
        let request = GuestBuildRequest(
            kernelPackage: kernelPackage, kernelFile: kernelFile, architecture: architecture,
            scenarioFile: scenario, packages: packages, outDir: out ?? "", disk: disk, diskSizeMB: diskSize)
        let kit = GuestKit(progress: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
        do {
            let guest = try kit.build(request)
            func size(_ name: String) -> String {
                let bytes = (try? FileManager.default.attributesOfItem(
                    atPath: URL(fileURLWithPath: request.outDir).appendingPathComponent(name).path)[.size]) as? NSNumber
                return bytes.map { "\($0.intValue) bytes" } ?? "?"
            }
            let kernel = [guest.kernelPackage ?? kernelFile, guest.kernelVersion].compactMap { $0 }.joined(separator: " ")
            let disk = guest.disk.map { ", disk \($0) \(size($0))" } ?? ""
            print("""
                guest written to \(request.outDir): \(guest.architecture), kernel \(kernel), \
                initramfs \(size(guest.initrd))\(disk)
                boot it: cd \(request.outDir) && \(try QemuInvocation.guest(at: URL(fileURLWithPath: request.outDir)).commandLine)
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
