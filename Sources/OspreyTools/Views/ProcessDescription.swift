import OspreyCore

extension SystemState.Exit {
    /// How the process ended, in words: `exited 0`, `killed by SIGKILL`, or, when the monitors
    /// saw the end without a status (a process reaped or gone before it was read),
    /// `ended (reaped)`.
    public var summary: String {
        if let signal { return "killed by \(StraceRender.signalName(signal))" }
        if let code { return "exited \(code)" }
        return "ended (\(how))"
    }
}

extension SystemState.Process {
    /// The program's name from its command line (`cat` for `/bin/cat x`), or nil without one.
    public var programName: GuestText? {
        guard let first = commandLine?.first, !first.isEmpty else { return nil }
        let name = first.lastPathComponent
        return name.isEmpty ? nil : name
    }

    /// The command as `ps` shows it: kernel threads as `[name]`, others by their command line
    /// (`[comm]` without one).
    public var shownCommand: String { kernelThread ? "[\(comm)]" : displayCommand }
}

extension GuestText {
    /// argv as one text, its items joined by single spaces (`/proc/PID/cmdline` with spaces
    /// for NULs): for JSON's `cmdline`.
    static func joined(_ argv: [GuestText]) -> GuestText {
        GuestText(bytes: argv.map(\.bytes).joined(separator: [UInt8(ascii: " ")]))
    }

    /// argv as a view shows it: each item an escaped token, separated by spaces.
    static func shownCommand(_ argv: [GuestText]) -> String {
        argv.map(\.description).joined(separator: " ")
    }
}
