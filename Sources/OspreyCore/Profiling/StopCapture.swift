/// A kernel stop as captured for offline replay: the stop (call, registers) and the guest
/// bytes the profile tests read there (``MemoryCapture``).
///
/// A capture file is JSON Lines: a header line
/// `{"format":"osprey-stop-capture","version":1,"architecture":"x86_64"}`, then one line per
/// stop. 64-bit values are `"0x…"` strings; byte strings are hex.
public struct CapturedStop: Sendable {
    public var stop: KernelStop
    public var pages: [MemoryCapture.Page]

    public init(stop: KernelStop, pages: [MemoryCapture.Page]) {
        self.stop = stop
        self.pages = pages
    }

    public static let formatName = "osprey-stop-capture"

    /// The header line of a capture file.
    public static func header(architecture: Architecture) -> String {
        JSONValue.object([("format", .string(formatName)), ("version", .int(1)), ("architecture", .string(architecture.rawValue))]).compact()
    }

    /// The architecture named by a header line, or an error saying what is wrong.
    public static func architecture(ofHeader line: String) throws(CaptureError) -> Architecture {
        let json: JSONValue
        do { json = try JSONValue.parse(line) } catch { throw CaptureError("header: \(error)") }
        guard json["format"]?.stringValue == formatName else { throw CaptureError("not an Osprey stop capture (no \"format\": \"\(formatName)\")") }
        guard let name = json["architecture"]?.stringValue, let arch = Architecture(rawValue: name) else {
            throw CaptureError("header: unknown architecture")
        }
        return arch
    }

    /// A whole capture file's text: its architecture and stops, or the first problem.
    public static func file(_ text: String) throws(CaptureError) -> (architecture: Architecture, stops: [CapturedStop]) {
        let lines = text.split(separator: "\n")
        guard let header = lines.first else { throw CaptureError("an empty capture file") }
        let architecture = try Self.architecture(ofHeader: String(header))
        var stops: [CapturedStop] = []
        for (i, line) in lines.dropFirst().enumerated() {
            do {
                stops.append(try CapturedStop(jsonLine: String(line)))
            } catch {
                throw CaptureError("line \(i + 2): \(error.description)")
            }
        }
        return (architecture, stops)
    }

    /// One line of a capture file.
    public func jsonLine() -> String {
        JSONValue.object([("stop", stop.jsonValue), ("pages", .array(pages.map(Self.json)))]).compact()
    }

    public init(jsonLine line: String) throws(CaptureError) {
        let json: JSONValue
        do { json = try JSONValue.parse(line) } catch { throw CaptureError("\(error)") }
        guard let stop = json["stop"], let pages = json["pages"]?.arrayValue else { throw CaptureError("a stop line needs \"stop\" and \"pages\"") }
        self.stop = try KernelStop(json: stop)
        self.pages = try pages.map(Self.page)
    }

    private static func json(_ page: MemoryCapture.Page) -> JSONValue {
        guard let runs = page.runs else { return .object([("page", .string(hex(page.number))), ("unreadable", .bool(true))]) }
        return .object([("page", .string(hex(page.number))), ("runs", .array(runs.map { .array([.int($0.offset), .string(HexBytes.encode($0.bytes))]) }))])
    }

    private static func page(_ json: JSONValue) throws(CaptureError) -> MemoryCapture.Page {
        let number = try uint(json["page"], "page")
        if json["unreadable"]?.boolValue == true { return MemoryCapture.Page(number: number, runs: nil) }
        var runs: [(offset: Int, bytes: [UInt8])] = []
        for run in json["runs"]?.arrayValue ?? [] {
            guard let pair = run.arrayValue, pair.count == 2, let offset = pair[0].intValue, (0..<4096).contains(offset),
                  let bytes = pair[1].stringValue.flatMap(HexBytes.decode), offset + bytes.count <= 4096
            else { throw CaptureError("page \(hex(number)): a run is not [offset, \"hex\"] inside the page") }
            runs.append((offset, bytes))
        }
        return MemoryCapture.Page(number: number, runs: runs)
    }
}

/// A capture file that cannot be read, and why.
public struct CaptureError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension KernelStop {
    var jsonValue: JSONValue {
        .object([
            ("vcpu", .int(vcpu)),
            ("address_space", .string(hex(context.addressSpace))), ("thread_pointer", .string(hex(context.threadPointer))),
            ("call", call.jsonValue), ("previous", previous?.jsonValue ?? .null),
            ("per_cpu_base", .string(hex(perCPUBase))), ("current_register", .string(hex(currentRegister))),
            ("page_table_root", .string(hex(pageTableRoot))), ("kernel_pc", .string(hex(kernelPC))),
        ])
    }

    init(json: JSONValue) throws(CaptureError) {
        let previous = json["previous"]
        self.init(
            vcpu: json["vcpu"]?.intValue ?? 0,
            context: UserContext(addressSpace: try uint(json["address_space"], "address_space"), threadPointer: try uint(json["thread_pointer"], "thread_pointer")),
            call: try ObservedCall(json: json["call"]),
            previous: previous == nil || previous == .null ? nil : try ObservedCall(json: previous),
            perCPUBase: try uint(json["per_cpu_base"], "per_cpu_base"), currentRegister: try uint(json["current_register"], "current_register"),
            pageTableRoot: try uint(json["page_table_root"], "page_table_root"), kernelPC: try uint(json["kernel_pc"], "kernel_pc"))
    }
}

extension ObservedCall {
    var jsonValue: JSONValue {
        .object([
            ("name", .string(name)), ("args", .array((0..<SyscallArguments.count).map { .string(hex(args[$0])) })),
            ("result", result.map { .int(Int($0)) } ?? .null),
            ("path", path.map { .string(HexBytes.encode($0)) } ?? .null), ("argv", .array(argv.map { .string(HexBytes.encode($0)) })),
            ("socket_address", .string(HexBytes.encode(socketAddress))), ("stat_buffer", .string(HexBytes.encode(statBuffer))),
            ("clone_flags", .string(hex(cloneFlags))), ("child_thread_pointer", .string(hex(childThreadPointer))),
            ("stack_pointer", .string(hex(stackPointer))), ("return_address", .string(hex(returnAddress))),
        ])
    }

    init(json: JSONValue?) throws(CaptureError) {
        guard let json, let name = json["name"]?.stringValue, let args = json["args"]?.arrayValue, args.count == SyscallArguments.count else {
            throw CaptureError("a call needs \"name\" and 6 \"args\"")
        }
        var values: [UInt64] = []
        for a in args { values.append(try uint(a, "args")) }
        self.init(name: name, args: SyscallArguments(values))
        result = json["result"]?.intValue.map(Int64.init)
        path = json["path"]?.stringValue.flatMap(HexBytes.decode)
        argv = (json["argv"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(HexBytes.decode) }
        socketAddress = json["socket_address"]?.stringValue.flatMap(HexBytes.decode) ?? []
        statBuffer = json["stat_buffer"]?.stringValue.flatMap(HexBytes.decode) ?? []
        cloneFlags = try uint(json["clone_flags"], "clone_flags")
        childThreadPointer = try uint(json["child_thread_pointer"], "child_thread_pointer")
        stackPointer = try uint(json["stack_pointer"], "stack_pointer")
        returnAddress = try uint(json["return_address"], "return_address")
    }
}

private func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }


/// A `"0x…"` string (or a non-negative integer) as a 64-bit value.
private func uint(_ json: JSONValue?, _ name: String) throws(CaptureError) -> UInt64 {
    if let i = json?.intValue, i >= 0 { return UInt64(i) }
    guard let s = json?.stringValue, s.hasPrefix("0x"), let v = UInt64(s.dropFirst(2), radix: 16) else {
        throw CaptureError("\(name) is not a 0x-prefixed hexadecimal value")
    }
    return v
}
