/// Descriptors, sockets, pipes, memory regions and modules of the current process.
extension ObjectMonitor {
    /// Re-reads the descriptor table of the task in `context` and reports what changed.
    func refreshFiles(context: Context, inherited: Bool, call: MonitoredCall? = nil, out: inout [MonitorEvent]) {
        let task = context.task
        guard var process = processes[task.pid] else { return }
        guard let table = context.reader.openFiles(of: task.address) else {
            if !task.isKernelThread { problem("a descriptor table could not be read") }
            return
        }
        var now: [Int: OpenFile] = [:]
        for file in table { now[file.fd] = file }
        var opened: [OpenFile] = []
        for (fd, old) in process.files.sorted(by: { $0.key < $1.key }) where now[fd]?.file != old.file {
            process.files[fd] = nil
            process.sockets[fd] = nil
            out.append(event("file", "close", task, vcpu: context.vcpu, [.init("fd", .int(Int64(fd))), .init("path", .text(old.path))]))
        }
        for file in table where process.files[file.fd]?.file != file.file {
            process.files[file.fd] = file
            var fields = Self.fields(of: file)
            if inherited { fields.append(.init("inherited", .bool(true))) }
            if file.kind == .socket, let endpoint = context.reader.socket(ofFile: file.file) {
                process.sockets[file.fd] = endpoint
                fields += Self.fields(of: endpoint)
            }
            out.append(event("file", "open", task, vcpu: context.vcpu, fields))
            opened.append(file)
        }
        processes[task.pid] = process
        if let call, call.name == "pipe" || call.name == "pipe2" || call.name == "socketpair" {
            pairs(opened, call: call, context: context, out: &out)
        }
    }

    static func fields(of file: OpenFile) -> [MonitorEvent.Field] {
        var fields: [MonitorEvent.Field] = [.init("fd", .int(Int64(file.fd))), .init("path", .text(file.path)), .init("kind", .string(file.kind.rawValue))]
        if let inode = file.inode { fields.append(.init("inode", .int(Int64(truncatingIfNeeded: inode)))) }
        if let flags = file.flags { fields.append(.init("flags", .int(Int64(flags)))) }
        if let position = file.position { fields.append(.init("pos", .int(Int64(truncatingIfNeeded: position)))) }
        return fields
    }

    static func fields(of endpoint: SocketEndpoint) -> [MonitorEvent.Field] {
        var fields: [MonitorEvent.Field] = [.init("family", .int(Int64(endpoint.family)))]
        if endpoint.family == SocketEndpoint.inet {
            fields.append(.init("local", .string(endpoint.local)))
            fields.append(.init("remote", .string(endpoint.remote)))
        }
        return fields
    }

    /// `pipe`/`pipe2`/`socketpair`: one event with both ends.
    func pairs(_ opened: [OpenFile], call: MonitoredCall, context: Context, out: inout [MonitorEvent]) {
        let ends = opened.filter { $0.kind == (call.name == "socketpair" ? .socket : .pipe) }
        guard ends.count == 2 else { return }
        if call.name == "socketpair" {
            out.append(event("socket", "pair", context.task, vcpu: context.vcpu, [
                .init("fds", .strings(ends.map { String($0.fd) })),
                .init("inodes", .strings(ends.map { $0.inode.map(String.init) ?? "?" })),
            ]))
            return
        }
        // The read end was opened O_RDONLY, the write end O_WRONLY.
        let read = ends.first { ($0.flags ?? 0) & 3 == 0 } ?? ends[0]
        let write = ends.first { $0.fd != read.fd } ?? ends[1]
        var fields: [MonitorEvent.Field] = [.init("read_fd", .int(Int64(read.fd))), .init("write_fd", .int(Int64(write.fd)))]
        if let inode = read.inode { fields.append(.init("inode", .int(Int64(truncatingIfNeeded: inode)))) }
        out.append(event("pipe", "create", context.task, vcpu: context.vcpu, fields))
    }

    /// `socket`, `bind`, `listen`, `connect`, `accept`: the socket's addresses as the kernel
    /// now has them.
    func socketCall(_ call: MonitoredCall, context: Context, out: inout [MonitorEvent]) {
        let fd: Int
        let name: String
        switch call.name {
        case "socket": (fd, name) = (Int(call.result), "create")
        case "accept", "accept4": (fd, name) = (Int(call.result), "accept")
        default: (fd, name) = (Int(truncatingIfNeeded: call.args[0]), call.name)
        }
        guard fd >= 0, fd < LinuxObjectReader.fdLimit, var process = processes[context.task.pid] else { return }
        guard let file = process.files[fd] ?? context.reader.openFiles(of: context.task.address)?.first(where: { $0.fd == fd }),
              file.kind == .socket
        else { return }
        var fields: [MonitorEvent.Field] = [.init("fd", .int(Int64(fd)))]
        if let inode = file.inode { fields.append(.init("inode", .int(Int64(truncatingIfNeeded: inode)))) }
        if call.name == "socket" {
            fields.append(.init("socket_type", .int(Int64(truncatingIfNeeded: call.args[1] & 0xF))))
        }
        if let endpoint = context.reader.socket(ofFile: file.file) {
            process.sockets[fd] = endpoint
            fields += Self.fields(of: endpoint)
        } else {
            fields.append(.init("family", .int(Int64(truncatingIfNeeded: call.name == "socket" ? call.args[0] : 0))))
        }
        processes[context.task.pid] = process
        out.append(event("socket", name, context.task, vcpu: context.vcpu, fields))
    }

    /// Re-reads the memory map of the task in `context` and reports regions unmapped and
    /// mapped, and modules (mapped files) loaded and unloaded.
    func refreshRegions(context: Context, inherited: Bool, out: inout [MonitorEvent]) {
        let task = context.task
        guard !task.isKernelThread, var process = processes[task.pid] else { return }
        guard let list = context.reader.regions(mm: task.mm, known: process.regions) else {
            problem("a memory map could not be read")
            return
        }
        var now: [UInt64: MemoryRegion] = [:]
        for (vma, region) in list { now[vma] = region }
        var modulesBefore = process.modules
        for (vma, old) in process.regions.sorted(by: { $0.value.start < $1.value.start }) where now[vma] != old {
            process.regions[vma] = nil
            out.append(event("region", "unmap", task, vcpu: context.vcpu, [.init("start", .hex(old.start)), .init("end", .hex(old.end))]))
            if old.isFileBacked { process.modules[old.path, default: 1] -= 1 }
        }
        for (vma, region) in list where process.regions[vma] != region {
            process.regions[vma] = region
            var fields: [MonitorEvent.Field] = [
                .init("start", .hex(region.start)), .init("end", .hex(region.end)), .init("perms", .string(region.permissions)),
                .init("offset", .hex(region.offset)), .init("path", .text(region.path)),
            ]
            if region.inode != 0 { fields.append(.init("inode", .int(Int64(truncatingIfNeeded: region.inode)))) }
            if inherited { fields.append(.init("inherited", .bool(true))) }
            out.append(event("region", "map", task, vcpu: context.vcpu, fields))
            if region.isFileBacked { process.modules[region.path, default: 0] += 1 }
        }
        // Modules: a file's first region appearing, its last one going.
        for (path, count) in process.modules.sorted(by: { $0.key < $1.key }) {
            let before = modulesBefore.removeValue(forKey: path) ?? 0
            if count > 0 && before == 0 {
                let base = process.regions.values.filter { $0.path == path }.map(\.start).min() ?? 0
                out.append(event("module", "load", task, vcpu: context.vcpu, [.init("path", .text(path)), .init("base", .hex(base))]))
            } else if count <= 0 && before > 0 {
                out.append(event("module", "unload", task, vcpu: context.vcpu, [.init("path", .text(path))]))
            }
            if count <= 0 { process.modules[path] = nil }
        }
        processes[task.pid] = process
    }
}
