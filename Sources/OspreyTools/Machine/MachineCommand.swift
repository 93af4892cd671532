/// Builds QEMU's arguments from a ``MachineDescription``: the one builder behind a guest
/// directory's runs, a recording run and every replay of it, so a replay starts exactly the
/// machine that was recorded. The binary is ``OspreyCore/Architecture/qemuSystemBinary``;
/// `-icount` and `-plugin` are added by the caller. Paths are passed as the description has
/// them (relative to the working directory QEMU is started in).
///
/// The console is always Osprey's: `-serial stdio -monitor none`, and `-display none` (or
/// `-nographic`). Without a netdev the machine gets `-nic none`.
public enum MachineCommand {
    /// How drives are opened.
    public enum DriveAccess: Sendable {
        /// As they are (a guest directory's disk, written by the guest).
        case direct
        /// For record/replay: each disk under QEMU's `blkreplay` driver, writes going to a
        /// throw-away snapshot (read-only ones opened read-only), so every replay starts from the
        /// recorded state and the recording's files are never written; each netdev under
        /// `filter-replay`.
        case recordReplay
    }

    /// The arguments of `machine`, without the binary.
    public static func arguments(for machine: MachineDescription, drives access: DriveAccess) -> [String] {
        var out: [String] = []
        func add(_ name: String, _ value: String? = nil) {
            out.append("-" + name)
            if let value { out.append(value) }
        }
        if let type = machine.machineType {
            add("machine", leading(type, machine.machineProperties))
        } else if !machine.machineProperties.pairs.isEmpty {
            add("machine", machine.machineProperties.text)
        }
        if let model = machine.cpuModel { add("cpu", ([model] + machine.cpuFeatures).joined(separator: ",")) }
        if let memory = machine.memoryMiB { add("m", "\(memory)M") }
        for flag in MachineDescription.Flag.allCases where machine.flags.contains(flag) { add(flag.rawValue) }
        switch machine.display {
        case .none: add("display", "none")
        case .nographic: add("nographic")
        }
        if let vga = machine.vga { add("vga", vga) }
        for (name, path) in [("kernel", machine.kernel), ("initrd", machine.initrd), ("dtb", machine.dtb), ("bios", machine.bios)] {
            if let path { add(name, path) }
        }
        if let append = machine.append { add("append", append) }
        if !machine.rtc.pairs.isEmpty { add("rtc", machine.rtc.text) }
        if !machine.boot.pairs.isEmpty { add("boot", machine.boot.text) }
        for drive in machine.drives {
            for (name, value) in driveOptions(drive, access: access) { add(name, value) }
        }
        for netdev in machine.netdevs {
            add("netdev", leading(netdev.type, QemuKeyValues(pairs: [("id", netdev.id)] + netdev.options.pairs)))
            if access == .recordReplay { add("object", "filter-replay,id=osprey-replay-\(netdev.id),netdev=\(netdev.id)") }
        }
        if machine.netdevs.isEmpty { add("nic", "none") }
        for device in machine.devices {
            add("device", leading(device.driver, device.properties))
        }
        add("serial", "stdio")
        add("monitor", "none")
        return out
    }

    /// `NAME,key=value,...`: an option whose first, implied key (`type`, `driver`) is a
    /// checked name without `,` or `=`.
    static func leading(_ name: String, _ settings: QemuKeyValues) -> String {
        settings.pairs.isEmpty ? name : name + "," + settings.text
    }

    /// The `-drive` (and `-device`) options of one drive.
    static func driveOptions(
        _ drive: MachineDescription.Drive, access: DriveAccess
    ) -> [(String, String)] {
        var image: [(key: String, value: String)] = [("file", drive.file)]
        if let format = drive.format { image.append(("format", format)) }
        let protection: [(key: String, value: String)] =
            drive.readonly ? [("readonly", "on")] : access == .recordReplay ? [("snapshot", "on")] : []
        if drive.interface == .pflash {
            var pairs = image + [("if", "pflash")]
            if let index = drive.index { pairs.append(("index", String(index))) }
            if let unit = drive.unit { pairs.append(("unit", String(unit))) }
            // Flash writes are synchronous device accesses: a snapshot is enough under record/replay.
            return [("drive", QemuKeyValues(pairs: pairs + protection + drive.options.pairs).text)]
        }
        var result: [(String, String)]
        switch access {
        case .direct:
            result = [("drive", QemuKeyValues(pairs: image + [("if", "none"), ("id", drive.id)] + protection + drive.options.pairs).text)]
        case .recordReplay:
            let node = "osprey-img-\(drive.id)"
            result = [
                ("drive", QemuKeyValues(pairs: image + [("if", "none"), ("id", node)] + protection + drive.options.pairs).text),
                ("drive", QemuKeyValues(pairs: [("driver", "blkreplay"), ("if", "none"), ("image", node), ("id", drive.id)]
                    + (drive.readonly ? [("readonly", "on")] : [])).text),
            ]
        }
        switch drive.interface {
        case .virtio: result.append(("device", "virtio-blk-pci,drive=\(drive.id)"))
        case .ide: result.append(("device", "ide-hd,drive=\(drive.id)"))
        case .none, .pflash: break  // none: a -device of the description names the id
        }
        return result
    }
}
