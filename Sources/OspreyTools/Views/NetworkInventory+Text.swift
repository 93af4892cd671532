import OspreyCore

extension NetworkInventory {
    /// Three sections: sockets (each with its holders and events), pipes, and the inet
    /// sockets alive at the end in `/proc/net/tcp`'s spirit.
    ///
    ///     sockets
    ///       socket:[9979] tcp 0.0.0.0:8080  LISTEN
    ///         held by 126 nc fd 3
    ///         seq 4472  create  126 nc fd 3  0.0.0.0:0
    ///     pipes
    ///       pipe:[9919] created by 84 sh at seq 1485 (read fd 3, write fd 4)
    ///         ends: 84 sh fd 3 read, 84 sh fd 4 write, 95 cat fd 1 write
    ///     inet sockets alive after seq 5168
    ///       proto  local                  remote                 state        inode  process
    public func render() -> String {
        var text = "sockets\n"
        if sockets.isEmpty { text += "  (none)\n" }
        for s in sockets {
            text += "  socket:[\(s.inode)] \(s.protocolName)"
            if let local = s.local { text += " \(local)" }
            if let remote = s.remote, !Self.isUnset(remote) { text += " -> \(remote)" }
            if let peer = s.peer { text += " paired with socket:[\(peer)]" }
            text += "  " + s.state + "\n"
            if !s.holders.isEmpty { text += "    held by " + s.holders.map(\.text).joined(separator: ", ") + "\n" }
            for e in s.events {
                var line = "    seq \(e.seq)  \(e.event)  \(e.pid) \(e.comm)"
                if let fd = e.fd { line += " fd \(fd)" }
                if let local = e.local { line += "  \(local)" }
                if let remote = e.remote, !Self.isUnset(remote) { line += " -> \(remote)" }
                text += line + "\n"
            }
        }
        text += "pipes\n"
        if pipes.isEmpty { text += "  (none)\n" }
        for p in pipes {
            text += "  pipe:[\(p.inode)]"
            if let creator = p.creator, let seq = p.seq {
                text += " created by \(creator) \(p.creatorComm.map(\.description) ?? "?") at seq \(seq)"
                text += " (read fd \(p.readFD.map(String.init) ?? "?"), write fd \(p.writeFD.map(String.init) ?? "?"))"
            } else {
                text += " (created before the trace saw it)"
            }
            text += "\n"
            if !p.holders.isEmpty { text += "    ends: " + p.holders.map(\.text).joined(separator: ", ") + "\n" }
        }
        text += "inet sockets alive after seq \(seq)\n"
        if alive.isEmpty {
            text += "  (none)\n"
        } else {
            text += "  " + "proto".padded(6) + " " + "local".padded(22) + " " + "remote".padded(22) + " " + "state".padded(12) + " " + "inode".padded(8) + " process\n"
            for a in alive {
                text += "  " + a.protocolName.padded(6) + " " + (a.local.map(\.description) ?? "?").padded(22) + " " + (a.remote.map(\.description) ?? "?").padded(22) + " "
                text += a.state.padded(12) + " " + String(a.inode).padded(8) + " " + a.holders.map(\.text).joined(separator: ", ") + "\n"
            }
        }
        return text
    }

    /// `0.0.0.0:0`: a remote address that says "not connected".
    static func isUnset(_ address: GuestText) -> Bool { address == "0.0.0.0:0" || address == "[::]:0" || address.isEmpty }
}

extension NetworkInventory.Holder {
    /// `126 nc fd 3`, `84 sh fd 4 write`.
    var text: String { "\(pid) \(comm) fd \(fd)" + (end.map { " " + $0 } ?? "") }
}

extension String {
    /// Left-aligned in `width` columns (longer strings are kept whole).
    fileprivate func padded(_ width: Int) -> String { TraceSummary.pad(self, width) }
}
