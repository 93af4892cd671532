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
    public var programName: String? {
        guard let first = commandLine?.first, !first.isEmpty else { return nil }
        let name = first.split(separator: "/").last.map(String.init) ?? first
        return name.isEmpty ? nil : name
    }

    /// The command as `ps` shows it: kernel threads as `[name]`, others by their command line
    /// (`[comm]` without one).
    public var shownCommand: String { kernelThread ? "[\(comm)]" : displayCommand }
}
