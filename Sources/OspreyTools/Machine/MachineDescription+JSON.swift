import OspreyCore

extension MachineDescription {
    /// The description as the `machine` object of a recording manifest; absent parts are left
    /// out.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("architecture", .string(architecture.rawValue))]
        func add(_ key: String, _ value: String?) { if let value { members.append((key, .string(value))) } }
        func add(_ key: String, _ settings: QemuKeyValues) {
            if !settings.pairs.isEmpty { members.append((key, Self.json(settings))) }
        }
        add("type", machineType)
        add("properties", machineProperties)
        if let cpuModel {
            members.append(("cpu", .object([("model", .string(cpuModel)), ("features", .array(cpuFeatures.map(JSONValue.string)))])))
        }
        if let memoryMiB { members.append(("memory_mib", .int(memoryMiB))) }
        add("kernel", kernel)
        add("initrd", initrd)
        add("dtb", dtb)
        add("bios", bios)
        add("append", append)
        if !drives.isEmpty { members.append(("drives", .array(drives.map(\.json)))) }
        if !netdevs.isEmpty {
            members.append(("netdevs", .array(netdevs.map {
                .object([("id", .string($0.id)), ("type", .string($0.type)), ("options", Self.json($0.options))])
            })))
        }
        if !devices.isEmpty {
            members.append(("devices", .array(devices.map {
                .object([("driver", .string($0.driver)), ("properties", Self.json($0.properties))])
            })))
        }
        if !flags.isEmpty { members.append(("flags", .array(flags.map { .string($0.rawValue) }))) }
        members.append(("display", .string(display.rawValue)))
        add("vga", vga)
        add("rtc", rtc)
        add("boot", boot)
        return .object(members)
    }

    static func json(_ settings: QemuKeyValues) -> JSONValue {
        .object(settings.pairs.map { ($0.key, .string($0.value)) })
    }

    /// Reads a description from `value` (the manifest's `machine`, named `field` in errors):
    /// every member has its type checked and no other member is allowed. The values are
    /// checked by ``problems()``, the files by ``contained(in:)``.
    init(json value: JSONValue, at field: String) throws(MachineProblem) {
        var object = try JSONFields(value, at: field)
        guard let architecture = try object.choice("architecture", of: Architecture.self) else {
            throw MachineProblem(field: object.field("architecture"), reason: "is missing")
        }
        self.init(architecture: architecture)
        machineType = try object.string("type", maxBytes: 64)
        machineProperties = try object.settings("properties")
        if var cpu = try object.object("cpu") {
            cpuModel = try cpu.requiredString("model", maxBytes: 64)
            cpuFeatures = try cpu.strings("features", max: 64, maxBytes: 130)
            try cpu.finish()
        }
        memoryMiB = try object.int("memory_mib", in: 1...MachineRules.maximumMemoryMiB)
        kernel = try object.string("kernel", maxBytes: 255)
        initrd = try object.string("initrd", maxBytes: 255)
        dtb = try object.string("dtb", maxBytes: 255)
        bios = try object.string("bios", maxBytes: 255)
        append = try object.string("append", maxBytes: MachineRules.maximumAppendBytes)
        for (itemField, item) in try object.array("drives", max: Self.maximumParts) {
            drives.append(try Drive(json: item, at: itemField))
        }
        for (itemField, item) in try object.array("netdevs", max: Self.maximumParts) {
            var netdev = try JSONFields(item, at: itemField)
            netdevs.append(Netdev(
                id: try netdev.requiredString("id", maxBytes: 32),
                type: try netdev.requiredString("type", maxBytes: 32),
                options: try netdev.settings("options")))
            try netdev.finish()
        }
        for (itemField, item) in try object.array("devices", max: Self.maximumParts) {
            var device = try JSONFields(item, at: itemField)
            devices.append(Device(
                driver: try device.requiredString("driver", maxBytes: 64),
                properties: try device.settings("properties")))
            try device.finish()
        }
        for (itemField, item) in try object.array("flags", max: 8) { flags.append(try JSONFields.choice(item, at: itemField, of: Flag.self)) }
        display = try object.choice("display", of: Display.self) ?? .none
        vga = try object.string("vga", maxBytes: 32)
        rtc = try object.settings("rtc")
        boot = try object.settings("boot")
        try object.finish()
    }
}

extension MachineDescription.Drive {
    var json: JSONValue {
        var members: [(String, JSONValue)] = [("id", .string(id)), ("file", .string(file))]
        if let format { members.append(("format", .string(format))) }
        members += [("interface", .string(interface.rawValue)), ("readonly", .bool(readonly))]
        if let index { members.append(("index", .int(index))) }
        if let unit { members.append(("unit", .int(unit))) }
        if !options.pairs.isEmpty { members.append(("options", MachineDescription.json(options))) }
        return .object(members)
    }

    init(json value: JSONValue, at field: String) throws(MachineProblem) {
        var object = try JSONFields(value, at: field)
        guard let interface = try object.choice("interface", of: Interface.self) else {
            throw MachineProblem(field: object.field("interface"), reason: "is missing")
        }
        self.init(
            id: try object.requiredString("id", maxBytes: 32),
            file: try object.requiredString("file", maxBytes: 255),
            format: try object.requiredString("format", maxBytes: 16),
            interface: interface, readonly: try object.bool("readonly") ?? false)
        index = try object.int("index", in: 0...7)
        unit = try object.int("unit", in: 0...7)
        options = try object.settings("options")
        try object.finish()
    }
}
