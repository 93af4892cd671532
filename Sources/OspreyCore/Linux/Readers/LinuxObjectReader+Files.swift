/// Open files, paths across mounts and sockets.
extension LinuxObjectReader {
    /// `S_IFMT` and the types `/proc` names specially (include/uapi/linux/stat.h).
    static let typeMask: UInt32 = 0o170000, socketType: UInt32 = 0o140000, fifoType: UInt32 = 0o010000

    /// The open descriptors of `task`, in descriptor order; nil if the table is unreadable.
    public func openFiles(of task: UInt64) -> [OpenFile]? {
        guard let files = pointer(task, layout.files), let table = pointer(files, layout.fdt),
              let array = pointer(table, layout.fdArray), let max = u32(table, layout.maxFDs)
        else { return nil }
        let count = Int(min(max, UInt32(Self.fdLimit)))
        guard let raw = memory.bytes(at: array, count: count * 8) else { return nil }
        var out: [OpenFile] = []
        for fd in 0..<count {
            var file: UInt64 = 0
            for i in stride(from: 7, through: 0, by: -1) { file = file << 8 | UInt64(raw[fd * 8 + i]) }
            guard file != 0, isKernelPointer(file) else { continue }
            out.append(openFile(fd: fd, file: file))
        }
        return out
    }

    /// Descriptor `fd` refers to `file`: its name, kind, inode, flags and position.
    public func openFile(fd: Int, file: UInt64) -> OpenFile {
        let name = name(ofFile: file)
        return OpenFile(
            fd: fd, file: file, path: name?.path ?? "?", kind: name?.kind ?? .other, inode: name?.inode,
            flags: u32(file, layout.fFlags), position: u64(file, layout.fPos))
    }

    /// The name `/proc` gives an open file, its kind and its inode number.
    public func name(ofFile file: UInt64) -> (path: GuestText, kind: OpenFileKind, inode: UInt64?)? {
        guard let pathOffset = layout.fPath, let dentry = pointer(file, pathOffset + (layout.pathDentry ?? 8)),
              let mount = pointer(file, pathOffset + (layout.pathMnt ?? 0))
        else { return nil }
        var inode: UInt64?
        var mode: UInt32?
        if let node = pointer(file, layout.fInode) {
            inode = u64(node, layout.iIno)
            mode = layout.iMode.flatMap { memory.u16(at(node, $0)) }.map(UInt32.init)
        }
        guard let walked = path(dentry: dentry, vfsmount: mount) else { return nil }
        if walked.attached { return (walked.path, .file, inode) }
        // A file of a pseudo file system mounted nowhere: /proc names it by type.
        let ino = inode.map(String.init) ?? "?"
        switch (mode ?? 0) & Self.typeMask {
        case Self.socketType: return (GuestText("socket:[\(ino)]"), .socket, inode)
        case Self.fifoType: return (GuestText("pipe:[\(ino)]"), .pipe, inode)
        default:
            let base = dentryName(dentry) ?? ""
            return base.hasPrefix("[") ? ("anon_inode:" + base, .anonymous, inode) : (walked.path, .other, inode)
        }
    }

    /// The name of a dentry (`d_name.name`), at most 255 bytes.
    public func dentryName(_ dentry: UInt64) -> GuestText? {
        guard let dName = layout.dName, let name = pointer(dentry, dName + (layout.qstrName ?? 8)),
              let bytes = memory.cString(at: name, limit: 256)
        else { return nil }
        return GuestText(bytes: bytes)
    }

    /// The absolute path of `dentry` under `vfsmount`, crossing mount points up to the root
    /// mount (`d_path` without chroot). `attached` is false when the walk ends in a mount
    /// that is not the root file system's (pipefs, sockfs, anon_inodefs).
    public func path(dentry: UInt64, vfsmount: UInt64) -> (path: GuestText, attached: Bool)? {
        guard let mountMnt = layout.mountMnt, let mountParent = layout.mountParent,
              let mountpointOffset = layout.mountMountpoint, let dParent = layout.dParent
        else { return nil }
        var parts: [GuestText] = []
        var d = dentry
        var mount = at(vfsmount, -mountMnt)
        for _ in 0..<Self.pathDepth {
            let root = pointer(at(mount, mountMnt), layout.mntRoot ?? 0)
            if d == root {
                guard let parent = pointer(mount, mountParent) else { return nil }
                if parent == mount {
                    let attached = isRootMount(mount)
                    return (Self.absolutePath(parts.reversed()), attached)
                }
                guard let mountpoint = pointer(mount, mountpointOffset) else { return nil }
                d = mountpoint
                mount = parent
                continue
            }
            guard let parent = pointer(d, dParent) else { return nil }
            if parent == d {
                // The root of a file system that is not a mount's root: a detached tree.
                return (Self.absolutePath(parts.reversed()), false)
            }
            guard let name = dentryName(d) else { return nil }
            parts.append(name)
            d = parent
        }
        return nil
    }

    /// `/a/b/c` from the names `a`, `b`, `c` (`/` from none).
    static func absolutePath<S: Sequence<GuestText>>(_ names: S) -> GuestText {
        var bytes: [UInt8] = []
        for name in names { bytes.append(UInt8(ascii: "/")); bytes += name.bytes }
        return GuestText(bytes: bytes.isEmpty ? [UInt8(ascii: "/")] : bytes)
    }

    /// Whether `mount` is the root mount of the current task's file system tree.
    func isRootMount(_ mount: UInt64) -> Bool {
        guard let task = currentTask(), let fs = pointer(task, layout.fs), let rootOffset = layout.fsRoot,
              let rootMount = pointer(fs, rootOffset + (layout.pathMnt ?? 0)), let mountMnt = layout.mountMnt
        else { return true }
        var m = at(rootMount, -mountMnt)
        // The task's root may itself be mounted somewhere (chroot into a mount): climb to the top.
        for _ in 0..<Self.pathDepth {
            guard let parent = pointer(m, layout.mountParent), parent != m else { break }
            m = parent
        }
        return m == mount
    }

    /// The addresses of the socket an open file is, if it is an IPv4 or Unix socket.
    public func socket(ofFile file: UInt64) -> SocketEndpoint? {
        guard let socket = pointer(file, layout.privateData), let sk = pointer(socket, layout.socketSK),
              let family = layout.skcFamily.flatMap({ memory.u16(at(sk, $0)) })
        else { return nil }
        var endpoint = SocketEndpoint(family: Int(family))
        if Int(family) == SocketEndpoint.inet {
            endpoint.localAddress = u32(sk, layout.skcRcvSaddr) ?? 0
            endpoint.remoteAddress = u32(sk, layout.skcDaddr) ?? 0
            endpoint.localPort = Int(layout.skcNum.flatMap { memory.u16(at(sk, $0)) } ?? 0)
            endpoint.remotePort = Int((layout.skcDport.flatMap { memory.u16(at(sk, $0)) } ?? 0).byteSwapped)
        }
        return endpoint
    }
}
