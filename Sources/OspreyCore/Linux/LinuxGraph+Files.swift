/// Tests that find open files, dentries, inodes, mounts and fs_struct.
extension LinuxProfileGraph {
    static let openCalls: Set<String> = ["open", "openat", "creat", "openat2"]

    /// The previous call, if it opened a file by name successfully: (fd, path, call).
    static func opened(_ p: Probe<LinuxFacts>) -> (fd: Int, path: [UInt8], call: ObservedCall)? {
        guard let previous = p.stop.previous, openCalls.contains(previous.name), let result = previous.result,
              result >= 0, result < 65536, let path = previous.path, !path.isEmpty
        else { return nil }
        return (Int(result), path, previous)
    }

    static var fileTests: [Test] {
        [
            Test("open-file", at: "a call after a successful open/openat",
                 fields: [Field(F.files, taskPointerRange, sharesByValue: true), Field(F.fdt, .range(0, 0x48, step: 8)),
                          Field(F.fdArray, .range(0, 0x28, step: 8)), Field(F.fPath, .range(0, 0x80, step: 8)),
                          Field(F.pathDentry, .list([0, 8])), Field(F.dName, .range(0, 0x80, step: 8)), Field(F.qstrName, .list([0, 8]))],
                 needs: [F.currentTask], tieBreak: .lowest(afterStops: 3),
                 applies: { p in
                     guard let (_, path, _) = opened(p), p.currentTask != nil else { return false }
                     let name = LinuxFacts.basename(path)
                     return !name.isEmpty && name != [0x2E] && name != [0x2E, 0x2E] && name != [0x2F]
                 },
                 step: openFileStep),
            Test("qstr.len", at: "a call after a successful open/openat",
                 fields: [Field(F.qstrLen, .range(0, 0x10, step: 4))], needs: [F.files, F.fdt, F.fdArray, F.fPath, F.pathDentry, F.dName, F.qstrName],
                 applies: { opened($0) != nil },
                 step: { p, _, o, _ in
                     guard o[0] / 8 != p.offset(F.qstrName) / 8, let (fd, path, _) = opened(p), let file = p.file(fd: fd),
                           let dentry = p.dentry(ofFile: file), let length = p.memory.u32(p.at(dentry, p.offset(F.dName) + o[0]))
                     else { return .fail }
                     return Int(length) == LinuxFacts.basename(path).count ? .descend : .fail
                 }),
            Test("max_fds", at: "a call after a successful open/openat",
                 fields: [Field(F.maxFDs, .range(0, 0x20, step: 4))], needs: [F.files, F.fdt, F.fdArray],
                 tieBreak: .lowest(afterStops: 3),
                 applies: { opened($0) != nil && $0.currentTask != nil },
                 step: { p, _, o, _ in
                     guard let (fd, _, _) = opened(p), let task = p.currentTask, let files = p.pointer(task, F.files),
                           let table = p.pointer(files, F.fdt), o[0] / 8 != p.offset(F.fdArray) / 8,
                           let v = p.memory.u32(p.at(table, o[0]))
                     else { return .fail }
                     return v > fd && v % 64 == 0 && v <= 1 << 20 ? .descend : .fail
                 }),
            Test("d_parent", at: "a call after opening an absolute path of two or more components",
                 fields: [Field(F.dParent, .range(0, 0x80, step: 8))], needs: [F.files, F.fdt, F.fdArray, F.fPath, F.pathDentry, F.dName, F.qstrName],
                 applies: { p in (opened(p).flatMap { LinuxFacts.components($0.path) }?.count ?? 0) >= 2 },
                 step: { p, _, o, _ in
                     guard let (fd, path, _) = opened(p), let parts = LinuxFacts.components(path), let file = p.file(fd: fd),
                           let dentry = p.dentry(ofFile: file), let parent = p.pointer(at: p.at(dentry, o[0])), parent != dentry,
                           p.dentryName(parent) == parts[parts.count - 2]
                     else { return .fail }
                     return .descend
                 }),
            Test("inode", at: "a call after a successful open/openat",
                 fields: [Field(F.fInode, .range(0, 0x100, step: 8), sharesByValue: true), Field(F.dInode, .range(0, 0x100, step: 8))],
                 needs: [F.files, F.fdt, F.fdArray, F.fPath, F.pathDentry], tieBreak: .lowest(afterStops: 3),
                 applies: { opened($0) != nil },
                 step: { p, level, o, values in
                     guard let (fd, _, _) = opened(p), let file = p.file(fd: fd), let dentry = p.dentry(ofFile: file) else { return .inapplicable }
                     if level == 0 {
                         guard let inode = p.pointer(at: p.at(file, o[0])), inode != dentry, inode != file else { return .fail }
                         values[0] = inode
                         return .descend
                     }
                     return p.memory.u64(p.at(dentry, o[1])) == values[0] ? .descend : .fail
                 }),
            Test("stat", at: "a call after fstat/newfstatat(fd, \"\", AT_EMPTY_PATH)/statx on a descriptor",
                 fields: [Field(F.iMode, .range(0, 0x20, step: 2)), Field(F.iIno, .range(0, 0x100, step: 8))],
                 needs: [F.files, F.fdt, F.fdArray, F.fInode],
                 applies: { statOfDescriptor($0) != nil },
                 step: { p, level, o, _ in
                     guard let (fd, ino, mode) = statOfDescriptor(p), let file = p.file(fd: fd), let inode = p.pointer(file, F.fInode) else { return .inapplicable }
                     if level == 0 { return p.memory.u16(p.at(inode, o[0])).map(UInt32.init) == mode & 0xFFFF ? .descend : .fail }
                     return p.memory.u64(p.at(inode, o[1])) == ino ? .descend : .fail
                 }),
            Test("f_flags", at: "a call after a successful open/openat",
                 fields: [Field(F.fFlags, .range(0, 0x100, step: 4))], needs: [F.files, F.fdt, F.fdArray],
                 tieBreak: .lowest(afterStops: 4),
                 applies: { opened($0) != nil },
                 step: { p, _, o, _ in
                     guard let (fd, _, call) = opened(p), let file = p.file(fd: fd), let v = p.memory.u32(p.at(file, o[0])) else { return .fail }
                     let a = p.architecture
                     let mask = LinuxOpenFlags.accessMode | LinuxOpenFlags.append | LinuxOpenFlags.nonblock | LinuxOpenFlags.directory(a)
                     let flags = LinuxFacts.openFlags(call)
                     return UInt64(v) & mask == flags & mask && UInt64(v) & LinuxOpenFlags.largefile(a) != 0 ? .descend : .fail
                 }),
            Test("f_mode", at: "a call after a successful open/openat",
                 fields: [Field(F.fMode, .range(0, 0x100, step: 4))], needs: [F.files, F.fdt, F.fdArray, F.fFlags],
                 tieBreak: .lowest(afterStops: 4),
                 applies: { opened($0) != nil },
                 step: { p, _, o, _ in
                     guard o[0] != p.offset(F.fFlags), let (fd, _, call) = opened(p), let file = p.file(fd: fd),
                           let v = p.memory.u32(p.at(file, o[0]))
                     else { return .fail }
                     let access = LinuxFacts.openFlags(call) & 3
                     let expected: UInt32 = access == 0 ? 1 : access == 1 ? 2 : 3  // FMODE_READ / FMODE_WRITE
                     return v & 3 == expected && v & 4 != 0 /* FMODE_LSEEK */ ? .descend : .fail
                 }),
            Test("f_pos", at: "a call after read/write on a descriptor whose position is known",
                 fields: [Field(F.fPos, .range(0, 0x100, step: 8))], needs: [F.files, F.fdt, F.fdArray],
                 kind: .heuristic(votes: 3), tieBreak: .lowest(afterStops: 6),
                 applies: { knownPosition($0) != nil },
                 step: { p, _, o, _ in
                     guard let (fd, position) = knownPosition(p), let file = p.file(fd: fd) else { return .inapplicable }
                     return p.memory.u64(p.at(file, o[0])) == position ? .descend : .fail
                 }),
            Test("fs", at: "a call by a process after it chdir'd (or exec'd after a chdir)",
                 fields: [Field(F.fs, taskPointerRange, sharesByValue: true), Field(F.fsPwd, .range(0, 0x100, step: 8))],
                 needs: [F.currentTask, F.pathDentry, F.dName, F.qstrName],
                 // Not after `cd /`: fs_struct.root names `/` too, and both would pass.
                 applies: { p in
                     guard let name = chdirTarget(p), p.currentTask != nil else { return false }
                     return name != [0x2F]
                 },
                 step: { p, level, o, values in
                     if level == 0 {
                         guard let task = p.currentTask, let fs = p.pointer(at: p.at(task, o[0])) else { return .fail }
                         values[0] = fs
                         return .descend
                     }
                     guard let name = chdirTarget(p), let dentry = p.pointer(at: p.at(values[0], o[1] + p.offset(F.pathDentry))) else { return .fail }
                     return p.dentryName(dentry) == name ? .descend : .fail
                 }),
            Test("fs_root", at: "a call by a process whose working directory is not /",
                 fields: [Field(F.fsRoot, .range(0, 0x100, step: 8))], needs: [F.fs, F.fsPwd, F.pathDentry, F.dName, F.qstrName, F.dParent],
                 agreeingStops: 2,
                 applies: { p in
                     guard let task = p.currentTask, let fs = p.pointer(task, F.fs),
                           let pwd = p.pointer(at: p.at(fs, p.offset(F.fsPwd) + p.offset(F.pathDentry))),
                           let parent = p.pointer(pwd, F.dParent)
                     else { return false }
                     return parent != pwd
                 },
                 step: { p, _, o, _ in
                     guard o[0] != p.offset(F.fsPwd), let task = p.currentTask, let fs = p.pointer(task, F.fs),
                           let dentry = p.pointer(at: p.at(fs, o[0] + p.offset(F.pathDentry))),
                           p.pointer(dentry, F.dParent) == dentry, p.dentryName(dentry) == [0x2F]
                     else { return .fail }
                     return .descend
                 }),
            Test("mount", at: "a call after opening an absolute path that crosses a mount point",
                 fields: [Field(F.pathMnt, .list([0, 8])), Field(F.mntRoot, .range(0, 0x20, step: 8)), Field(F.mountMnt, .range(0, 0x48, step: 8)),
                          Field(F.mountMountpoint, .range(0, 0x48, step: 8)), Field(F.mountParent, .range(0, 0x48, step: 8))],
                 needs: [F.files, F.fdt, F.fdArray, F.fPath, F.pathDentry, F.dName, F.qstrName, F.dParent],
                 applies: { mountWalkStart($0) != nil },
                 step: mountStep),
        ]
    }

    @Sendable static func openFileStep(_ p: Probe<LinuxFacts>, _ level: Int, _ o: [Int], _ values: inout [UInt64]) -> TestStep {
        guard let (fd, path, _) = opened(p) else { return .inapplicable }
        switch level {
        case 0:
            guard let task = p.currentTask, let files = p.pointer(at: p.at(task, o[0])) else { return .fail }
            values[0] = files
        case 1:  // a young process's fd table is embedded in its files_struct, after the pointer
            guard let table = p.pointer(at: p.at(values[0], o[1])), table > p.at(values[0], o[1]), table < values[0] + 512 else { return .fail }
            values[1] = table
        case 2:
            guard let array = p.pointer(at: p.at(values[1], o[2])), array >= values[0], array < values[0] + 1024 else { return .fail }
            guard let file = p.pointer(at: array &+ UInt64(fd) * 8) else { return .fail }
            values[2] = file
        case 3:
            values[3] = p.at(values[2], o[3])
        case 4:
            guard let dentry = p.pointer(at: p.at(values[3], o[4])) else { return .fail }
            values[4] = dentry
        case 5:
            values[5] = p.at(values[4], o[5])
        default:
            guard let name = p.pointer(at: p.at(values[5], o[6])) else { return .fail }
            return p.memory.cString(at: name, limit: 256) == LinuxFacts.basename(path) ? .descend : .fail
        }
        return .descend
    }

    /// After fstat(fd) / newfstatat(fd, "", AT_EMPTY_PATH) / statx(fd, "", AT_EMPTY_PATH):
    /// (fd, st_ino, st_mode).
    static func statOfDescriptor(_ p: Probe<LinuxFacts>) -> (Int, UInt64, UInt32)? {
        guard let previous = p.stop.previous, previous.result == 0, previous.statBuffer.count >= 40 else { return nil }
        let b = previous.statBuffer
        func le(_ at: Int, _ n: Int) -> UInt64 { (0..<n).reduce(0) { $0 | UInt64(b[at + $1]) << (8 * UInt64($1)) } }
        let atEmptyPath: UInt64 = 0x1000
        switch previous.name {
        case "fstat":
            break
        case "newfstatat", "fstatat64", "statx":
            guard previous.path == [], previous.args[previous.name == "statx" ? 2 : 3] & atEmptyPath != 0 else { return nil }
        default:
            return nil
        }
        let fd = Int(Int32(truncatingIfNeeded: previous.args[0]))
        guard fd >= 0 else { return nil }
        if previous.name == "statx" { return (fd, le(32, 8), UInt32(le(28, 2))) }
        // struct stat: x86-64 st_ino at 8, st_mode at 24; the generic layout (AArch64) st_mode at 16.
        return (fd, le(8, 8), UInt32(le(p.architecture == .x86_64 ? 24 : 16, 4)))
    }

    /// After read/write on a descriptor whose position the facts follow: (fd, position).
    static func knownPosition(_ p: Probe<LinuxFacts>) -> (Int, UInt64)? {
        guard let previous = p.stop.previous, previous.name == "read" || previous.name == "write",
              let result = previous.result, result > 0
        else { return nil }
        let fd = previous.int(0)
        guard let position = p.facts.image(p.stop).positions[fd], position > 0 else { return nil }
        return (fd, position)
    }

    /// Once the process chdir'd (or exec'd after a chdir): the name its working directory's
    /// dentry has.
    static func chdirTarget(_ p: Probe<LinuxFacts>) -> [UInt8]? {
        p.facts.image(p.stop).workingDirectoryName
    }

    /// For an opened absolute path whose dentry chain ends (at a mount's root) before the
    /// path's first component: (file, remaining components, root dentry of that mount).
    static func mountWalkStart(_ p: Probe<LinuxFacts>) -> (file: UInt64, remaining: [[UInt8]], root: UInt64)? {
        guard let (fd, path, _) = opened(p), var parts = LinuxFacts.components(path), parts.count >= 2,
              let file = p.file(fd: fd), var dentry = p.dentry(ofFile: file)
        else { return nil }
        for _ in 0..<64 {
            guard let name = p.dentryName(dentry), let parent = p.pointer(dentry, F.dParent) else { return nil }
            if parent == dentry { return parts.isEmpty ? nil : (file, parts, dentry) }
            guard name == parts.last else { return nil }
            parts.removeLast()
            dentry = parent
        }
        return nil
    }

    @Sendable static func mountStep(_ p: Probe<LinuxFacts>, _ level: Int, _ o: [Int], _ values: inout [UInt64]) -> TestStep {
        guard let (file, remaining, root) = mountWalkStart(p) else { return .inapplicable }
        switch level {
        case 0:
            guard o[0] != p.offset(F.pathDentry), let vfsmount = p.pointer(at: p.at(file, p.offset(F.fPath) + o[0])) else { return .fail }
            values[0] = vfsmount
            return .descend
        case 1:
            return p.memory.u64(p.at(values[0], o[1])) == root ? .descend : .fail
        case 2:
            values[2] = p.at(values[0], -o[2])
            return .descend
        case 3:
            guard let mountpoint = p.pointer(at: p.at(values[2], o[3])), p.dentryName(mountpoint) == remaining.last else { return .fail }
            return .descend
        default:
            // Walk the whole path up through mounts with these offsets.
            var parts = remaining
            var mount = values[2]
            for _ in 0..<16 {
                guard let mountpoint = p.pointer(at: p.at(mount, o[3])), let parent = p.pointer(at: p.at(mount, o[4])) else { return .fail }
                if parent == mount { return parts.isEmpty ? .descend : .fail }
                var dentry = mountpoint
                for _ in 0..<64 {
                    guard let dparent = p.pointer(dentry, F.dParent) else { return .fail }
                    if dparent == dentry { break }
                    guard let name = p.dentryName(dentry), name == parts.last else { return .fail }
                    parts.removeLast()
                    dentry = dparent
                }
                // `dentry` is the root of the parent mount.
                guard p.memory.u64(p.at(p.at(parent, o[2]), o[1])) == dentry else { return .fail }
                mount = parent
            }
            return .fail
        }
    }
}
