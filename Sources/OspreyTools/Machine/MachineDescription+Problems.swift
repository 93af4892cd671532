import OspreyCore

extension MachineDescription {
    /// The most drives, netdevs and devices a description may have.
    public static let maximumParts = 16

    /// Everything ``MachineRules`` refuses in the description, and what does not hold
    /// together (a device naming no drive, two drives with one id); empty when it may run.
    /// Fields are named as in the manifest, relative to the description.
    public func problems() -> [MachineProblem] {
        var found: [MachineProblem] = []
        func check(_ field: String, _ reason: String?) {
            if let reason { found.append(MachineProblem(field: field, reason: reason)) }
        }
        func checkSettings(_ field: String, _ values: QemuKeyValues, _ rule: (String, String) -> String?) {
            var seen: Set<String> = []
            for (key, value) in values.pairs {
                check("\(field).\(key)", seen.insert(key).inserted ? rule(key, value) : "given twice")
            }
        }
        if let machineType { check("type", MachineRules.machineType(machineType)) }
        checkSettings("properties", machineProperties, MachineRules.machineProperty)
        if let cpuModel { check("cpu.model", MachineRules.cpuModel(cpuModel)) }
        if cpuModel == nil, !cpuFeatures.isEmpty { check("cpu.features", "cpu features need a cpu model") }
        for (index, feature) in cpuFeatures.enumerated() { check("cpu.features[\(index)]", MachineRules.cpuFeature(feature)) }
        if let memoryMiB { check("memory_mib", MachineRules.memory(memoryMiB)) }
        if let append { check("append", MachineRules.append(append)) }
        if let vga { check("vga", MachineRules.vga(vga)) }
        checkSettings("rtc", rtc, MachineRules.rtcSetting)
        checkSettings("boot", boot, MachineRules.bootSetting)
        if Set(flags).count != flags.count { check("flags", "a flag is given twice") }
        for (name, count) in [("drives", drives.count), ("netdevs", netdevs.count), ("devices", devices.count)]
        where count > Self.maximumParts {
            check(name, "more than \(Self.maximumParts)")
        }

        var driveIDs: Set<String> = []
        for (index, drive) in drives.enumerated() {
            let field = "drives[\(index)]"
            check("\(field).id", MachineRules.identifier(drive.id))
            if !driveIDs.insert(drive.id).inserted { check("\(field).id", "two drives have the id \(TextEscaping.token(drive.id))") }
            if let format = drive.format { check("\(field).format", MachineRules.driveFormat(format)) }
            checkSettings("\(field).options", drive.options, MachineRules.driveSetting)
            if drive.index != nil || drive.unit != nil { check(field, MachineRules.drivePosition(drive.interface)) }
            for (name, value) in [("index", drive.index), ("unit", drive.unit)] {
                if let value, !(0...7).contains(value) { check("\(field).\(name)", "\(value) is not from 0 to 7") }
            }
        }
        var netdevIDs: Set<String> = []
        for (index, netdev) in netdevs.enumerated() {
            let field = "netdevs[\(index)]"
            check("\(field).id", MachineRules.identifier(netdev.id))
            if !netdevIDs.insert(netdev.id).inserted { check("\(field).id", "two netdevs have the id \(TextEscaping.token(netdev.id))") }
            check("\(field).type", MachineRules.netdevType(netdev.type))
            checkSettings("\(field).options", netdev.options, MachineRules.netdevSetting)
        }
        var attached: Set<String> = []
        for (index, device) in devices.enumerated() {
            let field = "devices[\(index)]"
            if let reason = MachineRules.deviceDriver(device.driver) {
                check("\(field).driver", reason)
                continue
            }
            checkSettings("\(field).properties", device.properties) { MachineRules.deviceProperty(driver: device.driver, $0, $1) }
            if let drive = device.properties["drive"] {
                let target = drives.first { $0.id == drive }
                if target?.interface != MachineDescription.Drive.Interface.none {
                    check("\(field).properties.drive", "\(TextEscaping.token(drive)) names no drive with interface none")
                } else if !attached.insert(drive).inserted {
                    check("\(field).properties.drive", "drive \(TextEscaping.token(drive)) is attached twice")
                }
            }
            if let netdev = device.properties["netdev"], !netdevIDs.contains(netdev) {
                check("\(field).properties.netdev", "\(TextEscaping.token(netdev)) names no netdev")
            }
        }
        return found
    }
}
