import Foundation
import OspreyCore
import OspreyTools

/// Osprey's state at a mark against the guest's /proc snapshot of the same moment.
struct ProcComparison {
    struct Counts: CustomStringConvertible {
        var processes = 0, userProcesses = 0, uids = 0, descriptors = 0, regions = 0, tcp = 0, unix = 0
        mutating func add(_ o: Counts) {
            processes += o.processes
            userProcesses += o.userProcesses
            uids += o.uids
            descriptors += o.descriptors
            regions += o.regions
            tcp += o.tcp
            unix += o.unix
        }
        var description: String {
            "\(processes) processes (\(userProcesses) with user space, \(uids) uids), \(descriptors) descriptors, \(regions) regions, \(tcp) TCP and \(unix) Unix sockets"
        }
    }

    var counts = Counts()
    var mismatches: [String] = []

    /// `osprey` is the state at the snapshot's start marker; `end`, at its end marker, excuses a
    /// process that really ended while the snapshot was being taken (the guest keeps running:
    /// on a slow host, busybox httpd's 60 s request timeout can fire in that window).
    init(guest: ProcSnapshot, osprey: SystemState, end: SystemState? = nil) {
        let excluded = guest.dumperTree
        let theirs = guest.processes.filter { !excluded.contains($0.key) }
        let ours = Dictionary(uniqueKeysWithValues: osprey.alive.map { ($0.pid, $0) })
        for pid in ours.keys.sorted() where theirs[pid] == nil {
            if let ended = end?.processes[pid], ended.exit != nil { continue }
            mismatches.append("Osprey has pid \(pid) (\(ours[pid]!.comm)) alive; /proc does not list it")
        }
        var socketsByInode: [Int64: SystemState.Descriptor] = [:]
        for p in ours.values { for d in p.files.values where d.kind == "socket" { if let i = d.inode { socketsByInode[i] = d } } }
        for (pid, g) in theirs.sorted(by: { $0.key < $1.key }) {
            guard let o = ours[pid] else {
                mismatches.append("/proc lists pid \(pid) (\(g.comm)); Osprey does not have it alive")
                continue
            }
            counts.processes += 1
            // /proc names kernel threads beyond the 15-byte comm: the kthread's full name
            // (rcu_tasks_kthread) and a worker's current workqueue (kworker/0:1-events).
            let comm = o.comm.lossyString
            let sameName = comm == g.comm || (g.maps.isEmpty && o.comm.count == 15 && g.comm.hasPrefix(comm))
                || (g.maps.isEmpty && g.comm.hasPrefix(comm + "-") && comm.hasPrefix("kworker/"))
            if !sameName { mismatches.append("pid \(pid): comm \(o.comm) vs /proc \(g.comm)") }
            if o.ppid != g.ppid { mismatches.append("pid \(pid) \(g.comm): ppid \(o.ppid) vs /proc \(g.ppid)") }
            if let uid = g.uid {
                counts.uids += 1
                if o.uid != uid { mismatches.append("pid \(pid) \(g.comm): uid \(o.uid.map(String.init) ?? "unknown") vs /proc \(uid)") }
            }
            guard !g.maps.isEmpty else { continue }  // a kernel thread: no memory, descriptors or argv
            counts.userProcesses += 1
            if (o.commandLine ?? []).map(\.lossyString) != g.commandLine {
                mismatches.append("pid \(pid) \(g.comm): cmdline \(o.commandLine ?? []) vs /proc \(g.commandLine)")
            }
            compareDescriptors(pid: pid, guest: g, osprey: o)
            compareRegions(pid: pid, guest: g, osprey: o)
        }
        for s in guest.tcp where s.inode != 0 {
            counts.tcp += 1
            guard let d = socketsByInode[s.inode] else {
                mismatches.append("tcp socket \(s.inode) \(s.local) -> \(s.remote): no descriptor in Osprey's view")
                continue
            }
            if d.local?.lossyString != s.local || d.remote?.lossyString != s.remote {
                mismatches.append("tcp socket \(s.inode): \(d.local?.lossyString ?? "?") -> \(d.remote?.lossyString ?? "?") vs /proc \(s.local) -> \(s.remote)")
            }
        }
        for s in guest.unix where s.inode != 0 {
            counts.unix += 1
            if socketsByInode[s.inode] == nil { mismatches.append("unix socket \(s.inode) \(s.path): no descriptor in Osprey's view") }
        }
    }

    /// The same comparison through `osprey ps --at SEQ --json`'s output (ProcessSnapshot as
    /// JSON): every process /proc lists with its fds, maps and command line.
    static func checkJSON(_ json: Data, against guest: ProcSnapshot) -> [String] {
        guard let root = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
              let list = root["processes"] as? [[String: Any]]
        else { return ["ps --json output is not an object with processes"] }
        var problems: [String] = []
        let byPID = Dictionary(list.compactMap { p in (p["pid"] as? Int).map { ($0, p) } }, uniquingKeysWith: { a, _ in a })
        let excluded = guest.dumperTree
        for (pid, g) in guest.processes where !excluded.contains(pid) && !g.maps.isEmpty {
            guard let p = byPID[pid] else {
                problems.append("ps --json lacks pid \(pid)")
                continue
            }
            for key in ["pid", "ppid", "tgid", "comm", "cmdline", "exe", "state", "uid", "fds", "maps"] where p[key] == nil {
                problems.append("ps --json pid \(pid) lacks \(key)")
            }
            let fds = ((p["fds"] as? [[String: Any]]) ?? []).compactMap { d -> (Int, String)? in
                guard let fd = d["fd"] as? Int, let path = d["path"] as? String else { return nil }
                return (fd, path)
            }
            if Dictionary(fds, uniquingKeysWith: { a, _ in a }) != g.fds { problems.append("ps --json pid \(pid): fds differ from /proc") }
            let maps = ((p["maps"] as? [[String: Any]]) ?? []).map { m in
                "\(m["start"] ?? "")-\(m["end"] ?? "") \(m["perms"] ?? "") \(m["offset"] ?? "") \(m["path"] ?? "")"
            }
            let theirs = g.maps.filter { $0.path != "[vsyscall]" }.map {
                "0x\(String($0.start, radix: 16))-0x\(String($0.end, radix: 16)) \($0.perms) 0x\(String($0.offset, radix: 16)) \($0.path)"
            }
            if maps != theirs { problems.append("ps --json pid \(pid): maps differ from /proc: \(maps) vs \(theirs)") }
            if (p["cmdline"] as? String) != g.commandLine.joined(separator: " ") {
                problems.append("ps --json pid \(pid): cmdline \(p["cmdline"] ?? "null") vs /proc \(g.commandLine)")
            }
        }
        return problems
    }

    mutating func compareDescriptors(pid: Int, guest g: ProcSnapshot.Process, osprey o: SystemState.Process) {
        for fd in Set(g.fds.keys).union(o.files.keys).sorted() {
            counts.descriptors += 1
            let theirs = g.fds[fd], ours = o.files[fd]?.path.lossyString
            if theirs != ours { mismatches.append("pid \(pid) \(g.comm) fd \(fd): \(ours ?? "none") vs /proc \(theirs ?? "none")") }
        }
    }

    mutating func compareRegions(pid: Int, guest g: ProcSnapshot.Process, osprey o: SystemState.Process) {
        // The x86-64 vsyscall page is a fixed gate area /proc appends, not a region of the mm.
        let theirs = g.maps.filter { $0.path != "[vsyscall]" }
        let ours = o.regions.values.sorted { $0.start < $1.start }.map {
            ProcSnapshot.Region(start: $0.start, end: $0.end, perms: $0.perms, offset: $0.offset, inode: $0.inode ?? 0, path: $0.path.lossyString)
        }
        counts.regions += theirs.count
        if ours != theirs {
            let missing = theirs.filter { !ours.contains($0) }.map(\.description)
            let extra = ours.filter { !theirs.contains($0) }.map(\.description)
            mismatches.append("pid \(pid) \(g.comm) maps: only in /proc \(missing), only in Osprey \(extra)")
        }
    }
}
