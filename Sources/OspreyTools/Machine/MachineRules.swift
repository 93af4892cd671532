import OspreyCore

/// What a ``MachineDescription`` may say, in one place: the machine properties, drive,
/// network, device, display, clock and boot settings Osprey allows, and why it refuses
/// the rest. Each check returns nil for an allowed value, or the reason it is refused. The
/// parser of a user's command line (``MachineArguments``) and the readers of stored
/// descriptions (``MachineDescription/problems()``) both ask these.
///
/// The rules keep out whatever reads or writes the host (files, sockets, commands, host
/// devices), what QEMU cannot record and replay deterministically, and what the description
/// has no field for.
public enum MachineRules {
    // MARK: Names

    /// Why `id` cannot be an id (of a drive or netdev), or nil. QEMU's own rule (a letter,
    /// then letters, digits, `.`, `_`, `-`), at most 32 characters; `osprey-` is Osprey's.
    public static func identifier(_ id: String) -> String? {
        guard let first = id.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first | 0x20),
              ValueRule.fits(id, max: 32, extra: "._-")
        else {
            return "\(TextEscaping.token(id)) is not an id (a letter, then letters, digits, '.', '_', '-'; at most 32)"
        }
        if id.hasPrefix("osprey-") { return "\(TextEscaping.token(id)): ids starting with osprey- are Osprey's own" }
        return nil
    }

    /// Why `type` cannot be a machine type, or nil.
    public static func machineType(_ type: String) -> String? {
        guard ValueRule.fits(type, max: 64, extra: "._-"), type != "help" else {
            return "\(TextEscaping.token(type)) is not a machine type name"
        }
        return nil
    }

    /// The `-machine` properties a description may set.
    public static let machineProperties: [String: ValueRule] = [
        "accel": .oneOf(["tcg"]),
        // PC machines
        "smm": .onOffAuto, "vmport": .onOffAuto, "acpi": .onOffAuto, "hpet": .boolean, "pit": .boolean,
        "usb": .boolean, "graphics": .boolean, "sata": .boolean, "smbus": .boolean, "i8042": .boolean,
        "dump-guest-core": .boolean, "mem-merge": .boolean,
        // Arm virt
        "gic-version": .oneOf(["2", "3", "4", "max"]), "virtualization": .boolean, "secure": .boolean,
        "highmem": .boolean, "its": .boolean, "ras": .boolean, "mte": .boolean, "iommu": .oneOf(["none", "smmuv3"]),
    ]

    /// Why `-machine KEY=VALUE` is refused, or nil.
    public static func machineProperty(_ key: String, _ value: String) -> String? {
        switch key {
        case "dumpdtb":
            return "machine property dumpdtb writes the device tree to a host file"
        case "memory-backend":
            return "machine property memory-backend maps guest memory from a host object (a file or shared memory)"
        case "kernel", "initrd", "dtb", "firmware", "append":
            return "machine property \(key) is given by the description's own \(key == "firmware" ? "bios" : key) field"
        case "accel" where value != "tcg":
            return "machine property accel=\(TextEscaping.token(value)): record/replay works with TCG only"
        default:
            return setting(key, value, in: machineProperties, of: "machine property")
        }
    }

    // MARK: CPU, memory

    /// Why `model` cannot be a `-cpu` model, or nil.
    public static func cpuModel(_ model: String) -> String? {
        if model == "host" { return "cpu model host needs KVM; record/replay works with TCG only (try max)" }
        guard ValueRule.fits(model, max: 64, extra: "._-"), model != "help" else {
            return "\(TextEscaping.token(model)) is not a cpu model name"
        }
        return nil
    }

    /// Why `feature` cannot follow the `-cpu` model, or nil: `+name`, `-name`, or
    /// `name=value` with plain names and values.
    public static func cpuFeature(_ feature: String) -> String? {
        var body = Substring(feature)
        if let first = body.first, first == "+" || first == "-" { body = body.dropFirst() }
        let parts = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.allSatisfy({ ValueRule.fits(String($0), max: 64, extra: "._-") }) else {
            return "\(TextEscaping.token(feature)) is not a cpu feature (+name, -name or name=value)"
        }
        return nil
    }

    /// The most memory a description may ask for (256 GiB).
    public static let maximumMemoryMiB = 256 * 1024

    /// Why `mib` MiB of memory are refused, or nil.
    public static func memory(_ mib: Int) -> String? {
        (1...maximumMemoryMiB).contains(mib) ? nil : "memory of \(mib) MiB is out of range (1 to \(maximumMemoryMiB))"
    }

    // MARK: Files and text

    /// Why `format` cannot be a drive's image format, or nil.
    public static func driveFormat(_ format: String) -> String? {
        ValueRule.fits(format, max: 16, extra: "_-") ? nil : "\(TextEscaping.token(format)) is not an image format name"
    }

    /// The longest kernel command line (AArch64's limit; x86-64's is 2048).
    public static let maximumAppendBytes = 4096

    /// Why `text` cannot be the kernel command line, or nil. Any text goes: it is one argument
    /// of QEMU's, never read by a shell.
    public static func append(_ text: String) -> String? {
        if text.utf8.count > maximumAppendBytes { return "the kernel command line is longer than \(maximumAppendBytes) bytes" }
        if text.utf8.contains(0) { return "the kernel command line holds a NUL byte" }
        return nil
    }

    // MARK: Drives

    /// The settings a drive may carry besides its file, format, interface, read-only flag,
    /// index and unit.
    public static let driveSettings: [String: ValueRule] = [
        "cache": .oneOf(["none", "writeback", "unsafe", "directsync", "writethrough"]),
        "discard": .oneOf(["ignore", "off", "unmap", "on"]),
        "detect-zeroes": .oneOf(["off", "on", "unmap"]),
    ]

    /// Why a drive on `interface` may not have an `index=` or `unit=`, or nil: they are kept
    /// for flash only (which unit is the code, which the variables), as where an IDE disk
    /// goes depends on the machine.
    public static func drivePosition(_ interface: MachineDescription.Drive.Interface) -> String? {
        interface == .pflash ? nil : "index and unit are kept for pflash drives only; other disks are attached in the order given"
    }

    /// Why a drive setting is refused, or nil.
    public static func driveSetting(_ key: String, _ value: String) -> String? {
        setting(key, value, in: driveSettings, of: "drive setting")
    }

    // MARK: Network

    /// The user-mode network's settings a description may carry.
    public static let netdevSettings: [String: ValueRule] = [
        "net": .address, "host": .address, "dhcpstart": .address, "dns": .address, "restrict": .boolean,
        "ipv4": .boolean, "ipv6": .boolean, "ipv6-net": .address, "ipv6-prefix": .address,
        "ipv6-prefixlen": .integer(0...128), "ipv6-host": .address, "ipv6-dns": .address,
        "hostname": .hostname, "domainname": .hostname, "dnssearch": .hostname,
    ]

    /// Why a `-netdev` type is refused, or nil.
    public static func netdevType(_ type: String) -> String? {
        type == "user" ? nil
            : "netdev type \(TextEscaping.token(type)): only QEMU's user-mode network (type user) can be recorded; other back ends reach host devices, sockets or scripts"
    }

    /// Why a user-mode network setting is refused, or nil.
    public static func netdevSetting(_ key: String, _ value: String) -> String? {
        switch key {
        case "hostfwd": return "netdev setting hostfwd forwards host ports into the guest"
        case "guestfwd": return "netdev setting guestfwd connects the guest to host commands or sockets"
        case "smb", "smbserver": return "netdev setting \(key) shares a host directory (and runs smbd)"
        case "tftp", "tftp-server-name", "bootfile": return "netdev setting \(key) serves host files to the guest"
        case "script", "downscript", "ifname", "fd", "fds", "helper", "vhost", "vhostfd", "sock":
            return "netdev setting \(key) reaches host devices, sockets or scripts"
        default: return setting(key, value, in: netdevSettings, of: "netdev setting")
        }
    }

    // MARK: Devices

    /// The devices a description may add, each with the properties it may set. `drive` and
    /// `netdev` name a drive or netdev of the same description (checked there).
    public static let deviceDrivers: [String: [String: ValueRule]] = {
        let common: [String: ValueRule] = ["id": .name, "bus": .name, "addr": .pciAddress]
        let block = common.merging(["drive": .name, "bootindex": .integer(-1...99), "serial": .name]) { a, _ in a }
        let net = common.merging(["netdev": .name, "mac": .mac, "bootindex": .integer(-1...99)]) { a, _ in a }
        return [
            "virtio-blk-pci": block, "virtio-blk-device": block,
            "ide-hd": block.merging(["unit": .integer(0...1)]) { a, _ in a },
            "virtio-net-pci": net, "virtio-net-device": net, "e1000": net, "e1000e": net,
            "virtio-rng-pci": common.merging(["max-bytes": .integer(0...Int(Int32.max)), "period": .integer(1...60_000)]) { a, _ in a },
        ]
    }()

    /// Why a `-device` driver is refused, or nil.
    public static func deviceDriver(_ driver: String) -> String? {
        if deviceDrivers[driver] != nil { return nil }
        let shown = TextEscaping.token(driver)
        if driver == "loader" || driver == "guest-loader" { return "device \(shown) loads a host file into the guest" }
        if driver.hasPrefix("vfio") || driver.hasPrefix("vhost") || driver == "usb-host" || driver == "u2f-passthru" {
            return "device \(shown) passes a host device through, which cannot be replayed"
        }
        return "device \(shown) is not one a recording may add (allowed: \(deviceDrivers.keys.sorted().joined(separator: ", ")))"
    }

    /// Why a property of a `driver` device is refused, or nil.
    public static func deviceProperty(driver: String, _ key: String, _ value: String) -> String? {
        guard let allowed = deviceDrivers[driver] else { return deviceDriver(driver) }
        if ["romfile", "file", "filename", "path", "chardev", "rng", "memdev"].contains(key) {
            return "device property \(key) of \(driver) names a host file or object"
        }
        return setting(key, value, in: allowed, of: "property of \(driver)")
    }

    // MARK: Display, clock, boot

    /// The `-vga` models allowed (none needs no host display).
    public static let vgaModels = ["none", "std", "cirrus", "virtio"]

    /// Why `-vga MODEL` is refused, or nil.
    public static func vga(_ model: String) -> String? {
        vgaModels.contains(model) ? nil : "vga \(TextEscaping.token(model)) is not one of \(vgaModels.joined(separator: ", "))"
    }

    /// `-rtc` settings allowed.
    public static let rtcSettings: [String: ValueRule] = [
        "clock": .oneOf(["host", "rt", "vm"]), "driftfix": .oneOf(["none", "slew"]), "base": .oneOf(["utc", "localtime"]),
    ]

    /// Why an `-rtc` setting is refused, or nil.
    public static func rtcSetting(_ key: String, _ value: String) -> String? {
        setting(key, value, in: rtcSettings, of: "rtc setting")
    }

    /// `-boot` settings allowed (not `splash`, which names a host file).
    public static let bootSettings: [String: ValueRule] = [
        "order": .name, "once": .name, "menu": .boolean, "strict": .boolean,
        "reboot-timeout": .integer(-1...65535), "splash-time": .integer(0...65535),
    ]

    /// Why a `-boot` setting is refused, or nil.
    public static func bootSetting(_ key: String, _ value: String) -> String? {
        if key == "splash" { return "boot setting splash names a host file" }
        return setting(key, value, in: bootSettings, of: "boot setting")
    }

    /// Why `key=value` is refused under `rules`, or nil.
    static func setting(_ key: String, _ value: String, in rules: [String: ValueRule], of what: String) -> String? {
        guard let rule = rules[key] else {
            return "\(what) \(TextEscaping.token(key)) is not allowed (allowed: \(rules.keys.sorted().joined(separator: ", ")))"
        }
        return rule.problem(with: value).map { "\(what) \(key): \($0)" }
    }
}
