import OspreyCore

/// What QEMU cannot record and replay deterministically, found in a machine's options before
/// anything runs: `osprey record` refuses these with the reason, rather than writing a
/// recording whose replay would diverge.
public enum ReplayBlockers {
    /// Each problem of `options` as a sentence; empty when the machine can be recorded.
    public static func problems(in options: [QemuOption]) -> [String] {
        var found: [String] = []
        for option in options {
            let value = option.value ?? ""
            switch option.name {
            case "enable-kvm":
                found.append("-enable-kvm: record/replay works with TCG only; drop -enable-kvm")
            case "accel":
                let settings = QemuKeyValues(value, impliedKey: "accel")
                if let accel = settings["accel"], accel != "tcg" {
                    found.append("-accel \(accel): record/replay works with TCG only; use -accel tcg or drop -accel")
                } else if settings["thread"] == "multi" {
                    found.append("-accel tcg,thread=multi: record/replay runs vCPUs in one thread; drop thread=multi")
                }
            case "machine", "M":
                if let accel = QemuKeyValues(value, impliedKey: "type")["accel"], accel != "tcg" {
                    found.append("-machine accel=\(accel): record/replay works with TCG only")
                }
            case "smp":
                let topology = QemuKeyValues(value, impliedKey: "cpus")
                let cpus = Int(topology["cpus"] ?? "") ?? ["sockets", "cores", "threads", "dies", "clusters"]
                    .map { Int(topology[$0] ?? "1") ?? 1 }.reduce(1, *)
                if cpus > 1 {
                    found.append("-smp \(value): QEMU 10 records and replays machines with one CPU only; use -smp 1")
                }
            case "icount":
                found.append("-icount: Osprey sets the instruction counter for record/replay itself; drop -icount")
            case "loadvm":
                found.append("-loadvm: a recording must start from a boot; drop -loadvm")
            case "incoming":
                found.append("-incoming: a migrated-in machine cannot be recorded; drop -incoming")
            case "daemonize":
                found.append("-daemonize: Osprey must watch QEMU to the end; drop -daemonize")
            case "blockdev":
                found.append("-blockdev: Osprey puts drives under record/replay itself and needs them as -drive file=...; rewrite the -blockdev as -drive")
            case "cdrom":
                found.append("-cdrom: CD-ROM drives are not put under record/replay by Osprey; use the image as a read-only disk (-drive file=...,readonly=on)")
            case "nic", "net":
                if value != "none" {
                    found.append("-\(option.name) \(value): Osprey needs the network as -netdev TYPE,id=ID with -device ...,netdev=ID, so it can attach QEMU's filter-replay to it (or -nic none)")
                }
            case "device":
                let driver = QemuKeyValues(value, impliedKey: "driver")["driver"] ?? ""
                if driver.hasPrefix("vfio") || driver == "usb-host" || driver == "u2f-passthru" || driver.hasPrefix("vhost-") {
                    found.append("-device \(driver): a host device passed through cannot be replayed")
                }
            case "usbdevice":
                if value.hasPrefix("host") { found.append("-usbdevice \(value): a host device passed through cannot be replayed") }
            case "drive":
                if let problem = driveProblem(QemuKeyValues(value)) { found.append("-drive \(value): \(problem)") }
            case "":
                found.append("'\(value)': give disk images with -drive file=... (Osprey rewrites drives for record/replay)")
            default:
                break
            }
        }
        return found
    }

    /// Why a `-drive` cannot be put under record/replay, or nil.
    static func driveProblem(_ drive: QemuKeyValues) -> String? {
        if drive["driver"] != nil {
            return "Osprey adds the blkreplay driver itself; give the drive as -drive file=IMAGE[,format=F][,if=virtio|ide|none|pflash][,id=ID]"
        }
        if drive["media"] == "cdrom" {
            return "CD-ROM drives are not put under record/replay by Osprey; use the image as a read-only disk"
        }
        let interface = drive["if"] ?? "default"
        if !["default", "virtio", "ide", "none", "pflash"].contains(interface) {
            return "if=\(interface) drives are not supported for recording (use if=virtio, ide, none with -device, or pflash)"
        }
        if drive["file"] == nil, interface != "none" {
            return "a drive without file= cannot be recorded"
        }
        return nil
    }
}
