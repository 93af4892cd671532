import Foundation

extension InitramfsLayout {
    /// The small initramfs of a disk guest: busybox, the kernel modules that reach the disk
    /// under `/lib/modules`, the console and null devices, the mount points and the boot
    /// `/init` (``BootInitScript``). The guest's files are on the disk, not here.
    /// - Parameter modules: nil when the kernel is a user's own file: its virtio and ext4
    ///   drivers must then be built in.
    static func boot(busybox: URL, modules: BootModules?) throws -> InitramfsLayout {
        var layout = InitramfsLayout()
        for directory in ["usr/bin", "usr/lib/modules", "dev", "proc", "sys", String(BootInitScript.newRoot.dropFirst())] {
            try layout.add(.directory(directory))
        }
        for merged in UsrMerge.mergedDirectories {
            try layout.add(.symlink(merged, to: "usr/\(merged)"))
        }
        try layout.add(.characterDevice("dev/console", major: 5, minor: 1, permissions: 0o600))
        try layout.add(.characterDevice("dev/null", major: 1, minor: 3, permissions: 0o666))
        try layout.add(.file("usr/bin/busybox", permissions: 0o755, .file(busybox)))
        let names = modules?.modules ?? []
        for name in names {
            guard KernelModuleName.isPlain(name), let modules else {
                throw GuestKitError.malformed(file: "boot modules", reason: "invalid module name \(name)")
            }
            try layout.add(.file("usr/lib/modules/\(name).ko", .file(modules.file(of: name))))
        }
        try layout.add(.file("init", permissions: 0o755, .bytes(Data(BootInitScript.text(modules: names).utf8))))
        return layout
    }
}
