import OspreyCore

/// A user's QEMU command line (`osprey record -- ARGS`, or a guest directory's arguments with
/// the user's extra ones) turned into a ``MachineDescription``, or refused with every reason:
/// what QEMU cannot record and replay deterministically, and whatever the description cannot
/// say (options that reach host files, sockets, devices or commands). Values are checked by
/// ``MachineRules``, as a stored description's are. File paths stay the user's own (relative
/// to the directory QEMU would have run in); `osprey record` copies the files in.
public enum MachineArguments {
    /// Why a command line cannot become a description: one sentence per option.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        /// One sentence per refused option: `-serial file:/x: the serial console is Osprey's ...`.
        public var reasons: [String]
        /// All the reasons, one a line.
        public var description: String {
            "this machine cannot be recorded for a faithful replay:\n  " + reasons.joined(separator: "\n  ")
        }
    }

    /// The description of `arguments` (without the binary) for `architecture`.
    public static func parse(_ arguments: [String], architecture: Architecture) throws(Refusal) -> MachineDescription {
        var parser = Parser(machine: MachineDescription(architecture: architecture))
        for option in QemuOption.parse(arguments) { parser.take(option) }
        parser.reasons += parser.machine.problems().map { "machine.\($0)" }
        guard parser.reasons.isEmpty else { throw Refusal(reasons: parser.reasons) }
        return parser.machine
    }

    /// Options refused whatever their value, and why.
    static let refusedOptions: [String: String] = [
        "enable-kvm": "record/replay works with TCG only; drop -enable-kvm",
        "icount": "Osprey sets the instruction counter for record/replay itself; drop -icount",
        "loadvm": "a recording must start from a boot; drop -loadvm",
        "incoming": "a migrated-in machine cannot be recorded (and -incoming exec: runs a host command); drop -incoming",
        "daemonize": "Osprey must watch QEMU to the end; drop -daemonize",
        "blockdev": "Osprey copies drives into the recording and needs them as -drive file=...; rewrite the -blockdev as -drive",
        "cdrom": "CD-ROM drives are not recorded by Osprey; use the image as a read-only disk (-drive file=...,readonly=on)",
        "plugin": "Osprey loads its own plugin",
        "object": "QEMU objects (memory backends, secrets, random sources, ...) reach host files or devices; a recording adds only its own filter-replay",
        "chardev": "character devices reach host files, sockets or terminals; the console is Osprey's (serial on standard output)",
        "qmp": "the monitor would listen on a host socket or terminal; a recording runs with -monitor none",
        "virtfs": "it shares a host directory with the guest", "fsdev": "it shares a host directory with the guest",
        "L": "QEMU's firmware directory is the installed one; give firmware with -bios or -drive if=pflash (copied into the recording)",
        "mem-path": "it maps guest memory from a host file", "mem-prealloc": "it belongs to -mem-path",
        "D": "it writes a host log file", "d": "debug logging is not kept in a recording", "trace": "it writes host trace files",
        "pidfile": "it writes a host file", "readconfig": "it reads a host configuration file",
        "add-fd": "it hands host file descriptors to QEMU", "global": "it sets device properties Osprey cannot check",
        "set": "it sets option values Osprey cannot check", "fw_cfg": "it loads a host file into the guest",
        "acpitable": "it loads a host file into the guest", "smbios": "it can load a host file into the guest",
        "option-rom": "it loads a host file into the guest", "gdb": "it opens a debugger socket on the host",
        "s": "it opens a debugger socket on the host", "S": "it leaves the machine paused",
        "parallel": "parallel ports reach host files or devices", "usbdevice": "USB devices can reach host devices",
        "audiodev": "audio reaches host devices", "spice": "it opens a host socket", "vnc": "it opens a host socket",
        "run-with": "it changes how QEMU runs on the host", "runas": "it changes how QEMU runs on the host",
        "chroot": "it changes how QEMU runs on the host", "sandbox": "it changes how QEMU runs on the host",
    ]

    private struct Parser {
        var machine: MachineDescription
        var reasons: [String] = []

        mutating func refuse(_ option: QemuOption, _ reason: String) {
            let shown = option.name.isEmpty ? TextEscaping.token(option.value ?? "")
                : "-\(option.name)" + (option.value.map { " " + TextEscaping.token($0) } ?? "")
            reasons.append("\(shown): \(reason)")
        }

        /// Checks each of `settings` with `rule`; the ones allowed, or nil after refusing.
        mutating func allowed(_ option: QemuOption, _ settings: [(key: String, value: String)], _ rule: (String, String) -> String?) -> QemuKeyValues? {
            let problems = settings.compactMap { rule($0.key, $0.value) }
            for problem in problems { refuse(option, problem) }
            return problems.isEmpty ? QemuKeyValues(pairs: settings) : nil
        }

        mutating func take(_ option: QemuOption) {
            let value = option.value ?? ""
            if let reason = MachineArguments.refusedOptions[option.name] {
                refuse(option, reason)
                return
            }
            switch option.name {
            case "machine", "M":
                var settings = QemuKeyValues(value, impliedKey: "type").pairs
                if let type = settings.last(where: { $0.key == "type" })?.value {
                    if let reason = MachineRules.machineType(type) { refuse(option, reason) } else { machine.machineType = type }
                }
                settings.removeAll { $0.key == "type" || ($0.key == "accel" && $0.value == "tcg") }
                if let kept = allowed(option, settings, MachineRules.machineProperty) {
                    for (key, value) in kept.pairs {
                        machine.machineProperties.pairs.removeAll { $0.key == key }
                        machine.machineProperties.pairs.append((key, value))
                    }
                }
            case "accel":
                let settings = QemuKeyValues(value, impliedKey: "accel")
                for (key, setting) in settings.pairs {
                    switch (key, setting) {
                    case ("accel", "tcg"), ("thread", "single"): break
                    case ("accel", _): refuse(option, "record/replay works with TCG only; use -accel tcg or drop -accel")
                    case ("thread", "multi"): refuse(option, "record/replay runs vCPUs in one thread; drop thread=multi")
                    default: refuse(option, "accelerator setting \(TextEscaping.token(key)) is not kept in a recording")
                    }
                }
            case "cpu":
                let parts = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                let model = parts.first ?? ""
                if let problem = MachineRules.cpuModel(model) ?? parts.dropFirst().lazy.compactMap(MachineRules.cpuFeature).first {
                    refuse(option, problem)
                } else {
                    machine.cpuModel = model
                    machine.cpuFeatures = Array(parts.dropFirst())
                }
            case "m":
                memory(option)
            case "smp":
                let topology = QemuKeyValues(value, impliedKey: "cpus")
                let counts = topology.pairs.map { Int($0.value) ?? 2 }
                if topology.pairs.isEmpty || counts.contains(where: { $0 != 1 }) {
                    refuse(option, "QEMU 10 records and replays machines with one CPU only; use -smp 1")
                }
            case "kernel", "initrd", "dtb", "bios":
                if value.isEmpty { refuse(option, "no file named") }
                if option.name == "initrd", value.contains(",") { refuse(option, "give one initrd file") }
                switch option.name {
                case "kernel": machine.kernel = value
                case "initrd": machine.initrd = value
                case "dtb": machine.dtb = value
                default: machine.bios = value
                }
            case "append":
                if let reason = MachineRules.append(value) { refuse(option, reason) } else { machine.append = value }
            case "drive":
                drive(option, QemuKeyValues(value))
            case "hda", "hdb", "hdc", "hdd":
                drive(option, QemuKeyValues(pairs: [("file", value)]))
            case "netdev":
                netdev(option, QemuKeyValues(value, impliedKey: "type"))
            case "nic", "net":
                if value != "none" {
                    refuse(option, "Osprey needs the network as -netdev user,id=ID with -device ...,netdev=ID, so it can attach QEMU's filter-replay to it (or -nic none)")
                }
            case "device":
                device(option, QemuKeyValues(value, impliedKey: "driver"))
            case "nodefaults", "no-reboot", "no-shutdown":
                if let flag = MachineDescription.Flag(rawValue: option.name), !machine.flags.contains(flag) { machine.flags.append(flag) }
            case "snapshot":
                break  // every drive of a recording is written to a throw-away snapshot anyway
            case "display":
                if value == "none" {
                    if machine.display != .nographic { machine.display = .none }
                } else {
                    refuse(option, "Osprey runs machines without a display (-display none or -nographic); others open host windows or sockets")
                }
            case "nographic":
                machine.display = .nographic
            case "vga":
                if let reason = MachineRules.vga(value) { refuse(option, reason) } else { machine.vga = value }
            case "serial":
                if value != "stdio", value != "mon:stdio" {
                    refuse(option, "the serial console is Osprey's (standard output); a recording cannot send it to a host file, socket or device")
                }
            case "monitor":
                if value != "none" { refuse(option, "the monitor would reach a host socket or terminal; a recording runs with -monitor none") }
            case "rtc":
                if let kept = allowed(option, QemuKeyValues(value).pairs, MachineRules.rtcSetting) { machine.rtc = kept }
            case "boot":
                if let kept = allowed(option, QemuKeyValues(value, impliedKey: "order").pairs, MachineRules.bootSetting) { machine.boot = kept }
            case "":
                refuse(option, "give disk images with -drive file=... (Osprey copies each drive into the recording)")
            default:
                refuse(option, "not an option a recording can hold (Osprey builds the recorded machine from a description it checks: machine, cpu, memory, boot files, drives, user-mode netdevs and a few devices; see docs/record-replay.md)")
            }
        }

        mutating func memory(_ option: QemuOption) {
            let settings = QemuKeyValues(option.value ?? "", impliedKey: "size")
            guard settings.pairs.count == 1, let size = settings["size"], let mib = Self.mebibytes(size) else {
                refuse(option, "give the memory as -m SIZE (512M, 2G); memory hotplug (slots, maxmem) is not kept in a recording")
                return
            }
            if let reason = MachineRules.memory(mib) { refuse(option, reason) } else { machine.memoryMiB = mib }
        }

        /// `512`, `512M`, `2G`, `1T` (QEMU's default unit is MiB) in MiB.
        static func mebibytes(_ text: String) -> Int? {
            let digits = text.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 9, let number = Int(digits) else { return nil }
            switch text.dropFirst(digits.count).uppercased() {
            case "", "M", "MB", "MIB": return number
            case "G", "GB", "GIB": return number * 1024
            case "T", "TB", "TIB": return number * 1024 * 1024
            default: return nil
            }
        }

        mutating func drive(_ option: QemuOption, _ spec: QemuKeyValues) {
            var problems: [String] = []
            let known: Set = ["file", "format", "if", "id", "index", "unit", "readonly", "snapshot", "media"]
            var settings: [(key: String, value: String)] = []
            for (key, value) in spec.pairs where !known.contains(key) {
                if key == "driver" {
                    problems.append("Osprey adds the blkreplay driver itself; give the drive as -drive file=IMAGE[,format=F][,if=virtio|ide|none|pflash][,id=ID]")
                } else if let reason = MachineRules.driveSetting(key, value) {
                    problems.append(reason)
                } else {
                    settings.append((key, value))
                }
            }
            if spec["media"] == "cdrom" { problems.append("CD-ROM drives are not recorded by Osprey; use the image as a read-only disk") }
            let interfaceName = spec["if"] ?? "default"
            let interface = interfaceName == "default" ? machine.architecture.defaultDriveInterface : MachineDescription.Drive.Interface(rawValue: interfaceName)
            if interface == nil {
                problems.append("if=\(TextEscaping.token(interfaceName)) drives are not supported for recording (use if=virtio, ide, none with -device, or pflash)")
            }
            let file = spec["file"] ?? ""
            if file.isEmpty { problems.append("a drive without file= cannot be recorded") }
            if let format = spec["format"], let reason = MachineRules.driveFormat(format) { problems.append(reason) }
            let readonly = spec["readonly"].map { ["on", "true", "yes"].contains($0) } ?? false
            if let flag = spec["readonly"], !ValueRule.booleans.contains(flag) { problems.append("readonly=\(TextEscaping.token(flag)) is not on or off") }
            let id = spec["id"] ?? freshID(interface == .pflash ? "pflash" : "disk")
            if let reason = MachineRules.identifier(id) { problems.append(reason) }
            if let interface, spec["index"] != nil || spec["unit"] != nil, let reason = MachineRules.drivePosition(interface) {
                problems.append(reason)
            }
            var position: [String: Int] = [:]
            for key in ["index", "unit"] {
                guard let text = spec[key] else { continue }
                if let number = Int(text), (0...7).contains(number) { position[key] = number } else { problems.append("\(key)=\(TextEscaping.token(text)) is not from 0 to 7") }
            }
            for problem in problems { refuse(option, problem) }
            guard problems.isEmpty, let interface else { return }
            var drive = MachineDescription.Drive(id: id, file: file, format: spec["format"], interface: interface, readonly: readonly)
            drive.index = position["index"]
            drive.unit = position["unit"]
            drive.options = QemuKeyValues(pairs: settings)
            machine.drives.append(drive)
        }

        func freshID(_ stem: String) -> String {
            var n = 0
            while machine.drives.contains(where: { $0.id == "\(stem)\(n)" }) { n += 1 }
            return "\(stem)\(n)"
        }

        mutating func netdev(_ option: QemuOption, _ spec: QemuKeyValues) {
            let type = spec["type"] ?? ""
            guard let id = spec["id"] else {
                refuse(option, "give it an id= so Osprey can attach filter-replay")
                return
            }
            var problems = [MachineRules.identifier(id), MachineRules.netdevType(type)].compactMap { $0 }
            let settings = spec.pairs.filter { $0.key != "type" && $0.key != "id" }
            if problems.isEmpty { problems = settings.compactMap { MachineRules.netdevSetting($0.key, $0.value) } }
            for problem in problems { refuse(option, problem) }
            if problems.isEmpty { machine.netdevs.append(.init(id: id, type: type, options: QemuKeyValues(pairs: settings))) }
        }

        mutating func device(_ option: QemuOption, _ spec: QemuKeyValues) {
            let driver = spec["driver"] ?? ""
            if let reason = MachineRules.deviceDriver(driver) {
                refuse(option, reason)
                return
            }
            let settings = spec.pairs.filter { $0.key != "driver" }
            if let kept = allowed(option, settings, { MachineRules.deviceProperty(driver: driver, $0, $1) }) {
                machine.devices.append(.init(driver: driver, properties: kept))
            }
        }
    }
}
