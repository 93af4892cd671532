import Foundation

/// What the guest's own /proc showed at one marked moment, as the /proc test's scenario
/// prints it to the console (`@@stat`, `@@uid`, `@@map`, `@@cmdline`, `@@fd`, `@@tcp`, `@@unix`
/// lines between `@@osprey-mark N` and `@@osprey-end N`).
struct ProcSnapshot {
    struct Process {
        var pid: Int
        var comm: String
        var state: String
        var ppid: Int
        /// The real uid (`Uid:` of `/proc/PID/status`).
        var uid: Int?
        var commandLine: [String] = []
        /// "start-end perms offset inode path" per region, as /proc/PID/maps has them.
        var maps: [Region] = []
        /// fd -> link target.
        var fds: [Int: String] = [:]
    }

    struct Region: Equatable, CustomStringConvertible {
        var start: UInt64, end: UInt64, perms: String, offset: UInt64, inode: Int64, path: String
        var description: String {
            "\(String(start, radix: 16))-\(String(end, radix: 16)) \(perms) \(String(offset, radix: 16)) \(inode) \(path)"
        }
    }

    /// A line of /proc/net/tcp: addresses as "a.b.c.d:port" and the socket's inode.
    struct TCPSocket { var local: String, remote: String, inode: Int64 }

    var mark: Int
    /// The subshell that printed the snapshot (it and its children were not there at the mark).
    var dumper: Int = 0
    var processes: [Int: Process] = [:]
    var tcp: [TCPSocket] = []
    /// Inode and path (empty when unnamed) per line of /proc/net/unix.
    var unix: [(inode: Int64, path: String)] = []

    /// Every snapshot on the console, in order.
    static func all(in console: String) -> [ProcSnapshot] {
        var out: [ProcSnapshot] = []
        var current: ProcSnapshot?
        for raw in console.split(whereSeparator: \.isNewline) {
            let line = String(raw)
            guard line.hasPrefix("@@") else { continue }
            let (tag, rest) = split(line)
            switch tag {
            case "@@osprey-mark": current = ProcSnapshot(mark: Int(rest) ?? -1)
            case "@@osprey-end": if let c = current { out.append(c) }; current = nil
            case "@@self": current?.dumper = Int(rest) ?? 0
            case "@@stat": if let p = stat(rest) { current?.processes[p.pid] = p }
            case "@@uid":
                let (pid, uid) = split(rest)
                if let pid = Int(pid) { current?.processes[pid]?.uid = Int(uid) }
            case "@@map":
                let (pid, text) = split(rest)
                if let pid = Int(pid), let r = region(text) { current?.processes[pid]?.maps.append(r) }
            case "@@cmdline":
                let (pid, hex) = split(rest)
                let bytes = hex.split(separator: " ").compactMap { UInt8($0, radix: 16) }
                var argv = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
                if bytes.last == 0 { argv.removeLast() }
                if let pid = Int(pid) { current?.processes[pid]?.commandLine = argv }
            case "@@fd":
                let (pid, text) = split(rest)
                guard let pid = Int(pid), let arrow = text.range(of: " -> ") else { continue }
                let before = text[..<arrow.lowerBound].split(separator: " ")
                if let fd = before.last.flatMap({ Int($0) }) { current?.processes[pid]?.fds[fd] = String(text[arrow.upperBound...]) }
            case "@@tcp":
                let f = rest.split(separator: " ")
                guard f.count >= 10, f[0].hasSuffix(":"), let inode = Int64(f[9]) else { continue }
                current?.tcp.append(TCPSocket(local: address(String(f[1])), remote: address(String(f[2])), inode: inode))
            case "@@unix":
                let f = rest.split(separator: " ", omittingEmptySubsequences: true)
                guard f.count >= 7, f[0].hasSuffix(":"), let inode = Int64(f[6]) else { continue }
                current?.unix.append((inode, f.count > 7 ? String(f[7]) : ""))
            default: break
            }
        }
        return out
    }

    static func split(_ s: String) -> (String, String) {
        guard let space = s.firstIndex(of: " ") else { return (s, "") }
        return (String(s[..<space]), String(s[s.index(after: space)...]))
    }

    /// `pid (comm) S ppid ...`; comm may hold spaces and parentheses.
    static func stat(_ s: String) -> Process? {
        guard let open = s.firstIndex(of: "("), let close = s.lastIndex(of: ")"),
              let pid = Int(s[..<open].trimmingCharacters(in: .whitespaces))
        else { return nil }
        let comm = String(s[s.index(after: open)..<close])
        let rest = s[s.index(after: close)...].split(separator: " ")
        guard rest.count >= 2, let ppid = Int(rest[1]) else { return nil }
        return Process(pid: pid, comm: comm, state: String(rest[0]), ppid: ppid)
    }

    /// `start-end perms offset dev inode [path]`.
    static func region(_ s: String) -> Region? {
        let f = s.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
        guard f.count >= 5 else { return nil }
        let range = f[0].split(separator: "-")
        guard range.count == 2, let start = UInt64(range[0], radix: 16), let end = UInt64(range[1], radix: 16),
              let offset = UInt64(f[2], radix: 16), let inode = Int64(f[4])
        else { return nil }
        let path = f.count > 5 ? f[5].trimmingCharacters(in: .whitespaces) : ""
        return Region(start: start, end: end, perms: String(f[1]), offset: offset, inode: inode, path: path)
    }

    /// `0100007F:1E61` -> `127.0.0.1:7777` (the address word is in the kernel's byte order).
    static func address(_ s: String) -> String {
        let parts = s.split(separator: ":")
        guard parts.count == 2, let ip = UInt32(parts[0], radix: 16), let port = Int(parts[1], radix: 16) else { return s }
        return "\(ip & 0xFF).\((ip >> 8) & 0xFF).\((ip >> 16) & 0xFF).\(ip >> 24):\(port)"
    }

    /// The dumper and every process descended from it (they came after the mark).
    var dumperTree: Set<Int> {
        var tree: Set<Int> = [dumper]
        var grew = true
        while grew {
            grew = false
            for p in processes.values where !tree.contains(p.pid) && tree.contains(p.ppid) {
                tree.insert(p.pid)
                grew = true
            }
        }
        return tree
    }
}
