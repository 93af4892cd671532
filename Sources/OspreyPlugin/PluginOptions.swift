import OspreyCore

/// The plugin's arguments, as QEMU passes them (`-plugin lib.so,key=value,...`).
struct PluginOptions {
    /// `trace` writes a JSON Lines trace to `out`; `profile` learns the kernel's profile and
    /// writes it to `out` (resuming from `profile=` if given); `check` checks the profile given
    /// with `profile=` against the running kernel and writes a report to `out`; `count` only
    /// counts instructions (what `osprey record` runs) and writes the total to `out`.
    enum Mode: String { case trace, profile, check, count }

    var mode: Mode = .trace
    /// Where the JSON Lines trace goes.
    var outputPath: String?
    /// An introspection profile: checked in `check` mode, resumed from in `profile` mode.
    var profilePath: String?
    /// Also print a one-line summary on QEMU's stderr at exit.
    var summary = true
    /// `profile` mode: also write the first `captureStops` kernel stops, with the guest bytes
    /// the tests read there, to this file (see `CapturedStop`), for offline replay.
    var capturePath: String?
    var captureStops = 400
    /// Stops before this one are captured without their memory (the calls alone keep the
    /// facts of a replay right, in far less space).
    var captureFrom = 1
    /// `trace` mode: read the memory behind arguments (buffers, structs, argv) into `decoded`.
    var decode = true
    /// Bytes kept of each buffer argument.
    var bufferBytes = 32
    /// `trace` mode with a profile: the OS object monitors to run (`processes`, `files`,
    /// `modules`, `sockets`, joined by `+`; `all` or `none`). Processes always run when any does.
    var monitors: MonitorInterest = [.processes, .files, .memory, .sockets]
    /// Watch the kernel's stores to `task_struct.exit_state` (deaths no call reports).
    var watch = true
    /// Seconds between `osprey-progress` lines on standard error (instructions so far); 0: none.
    var progressSeconds: Double = 0

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    static let usage = "usage: -plugin libOspreyPlugin.so,out=FILE[,mode=trace|profile|check|count][,profile=P.json][,summary=on|off][,decode=on|off][,buffer_bytes=N][,monitors=all|none|processes+files+modules+sockets][,watch=on|off][,progress=SECONDS][,capture=FILE][,capture_stops=N][,capture_from=N]"

    init(arguments: [String]) throws {
        for argument in arguments {
            guard let eq = argument.firstIndex(of: "=") else {
                throw ParseError(description: "osprey plugin: argument '\(argument)' is not key=value; \(Self.usage)")
            }
            let key = String(argument[..<eq])
            let value = String(argument[argument.index(after: eq)...])
            switch key {
            case "mode":
                guard let m = Mode(rawValue: value) else {
                    throw ParseError(description: "osprey plugin: unknown mode '\(value)' (known: trace, profile, check, count)")
                }
                mode = m
            case "out": outputPath = value
            case "profile": profilePath = value
            case "capture": capturePath = value
            case "capture_stops":
                guard let n = Int(value), n > 0 else {
                    throw ParseError(description: "osprey plugin: capture_stops takes a positive number, not '\(value)'")
                }
                captureStops = n
            case "capture_from":
                guard let n = Int(value), n > 0 else {
                    throw ParseError(description: "osprey plugin: capture_from takes a positive number, not '\(value)'")
                }
                captureFrom = n
            case "decode":
                guard let b = Self.bool(value) else {
                    throw ParseError(description: "osprey plugin: decode takes on or off, not '\(value)'")
                }
                decode = b
            case "buffer_bytes":
                guard let n = Int(value), n >= 0, n <= 65536 else {
                    throw ParseError(description: "osprey plugin: buffer_bytes takes a number from 0 to 65536, not '\(value)'")
                }
                bufferBytes = n
            case "monitors":
                monitors = []
                for name in value.split(separator: "+") {
                    switch name {
                    case "all": monitors = [.processes, .files, .memory, .sockets]
                    case "none", "off": monitors = []
                    case "processes": monitors.insert(.processes)
                    case "files": monitors.formUnion([.processes, .files])
                    case "modules": monitors.formUnion([.processes, .memory])
                    case "sockets": monitors.formUnion([.processes, .files, .sockets])
                    default:
                        throw ParseError(description: "osprey plugin: unknown monitor '\(name)' (known: processes, files, modules, sockets, all, none)")
                    }
                }
            case "progress":
                guard let seconds = Double(value), seconds >= 0, seconds <= 3600 else {
                    throw ParseError(description: "osprey plugin: progress takes seconds from 0 to 3600, not '\(value)'")
                }
                progressSeconds = seconds
            case "watch":
                guard let b = Self.bool(value) else {
                    throw ParseError(description: "osprey plugin: watch takes on or off, not '\(value)'")
                }
                watch = b
            case "summary":
                guard let b = Self.bool(value) else {
                    throw ParseError(description: "osprey plugin: summary takes on or off, not '\(value)'")
                }
                summary = b
            default:
                throw ParseError(description: "osprey plugin: unknown argument '\(key)'; \(Self.usage)")
            }
        }
        if mode == .check && (profilePath ?? "").isEmpty {
            throw ParseError(description: "osprey plugin: mode=check needs profile=PROFILE.json")
        }
        if capturePath != nil && mode != .profile {
            throw ParseError(description: "osprey plugin: capture= works with mode=profile only")
        }
        if outputPath == nil || outputPath?.isEmpty == true {
            throw ParseError(description: "osprey plugin: no output file; \(Self.usage)")
        }
    }

    private static func bool(_ s: String) -> Bool? {
        switch s {
        case "on", "true", "yes", "1": true
        case "off", "false", "no", "0": false
        default: nil
        }
    }
}
