import Foundation

/// Ground truth for profile tests: struct member offsets read by `pahole` from the BTF of a Debian kernel.
///
/// Test-only code: the product never reads BTF (DESIGN.md section 7). The oracle
/// 1. takes the BTF blob out of the kernel image (decompressing a bzImage's payload, or using
///    a raw arm64 `Image`; see `KernelImage`) and caches it as a file in the work directory;
/// 2. reads each offset twice, independently: with its own parser of the BTF type section
///    (`TypeTable`, which adds the offsets of anonymous structs and unions on the way down)
///    and from `pahole -F btf -C STRUCT` (`PaholeLayouts`), and throws if the two disagree;
/// 3. reads per-CPU variable offsets from the `.data..percpu` DATASEC, which pahole does not print.
struct BTFOracle: Sendable {
    /// A failure to produce ground truth: the test using the oracle must fail, not skip.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// The kernel file the oracle was built from.
    let vmlinuz: URL
    /// The raw BTF blob, cached in the work directory.
    let btfFile: URL
    /// The parsed blob.
    let types: TypeTable
    private let pahole: PaholeLayouts

    /// `vmlinuz`: path to the kernel image file (Debian's /boot/vmlinuz-* from linux-image-* packages, amd64 bzImage or arm64 gzip-compressed Image).
    /// (bookworm's arm64 `vmlinuz` is in fact an uncompressed `Image`; both forms are read, and
    /// an EFI zboot image too).
    ///
    /// The BTF blob is cached in `workDirectory` under a name made of the file's name, size and
    /// modification time, and re-used (after validation) by later oracles for the same file.
    init(vmlinuz: URL, workDirectory: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        let attributes = try fm.attributesOfItem(atPath: vmlinuz.path)
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        let modified = Int((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        let btfFile = workDirectory.appendingPathComponent("\(vmlinuz.lastPathComponent)-\(size)-\(modified).btf")

        var table: TypeTable?
        if let cached = try? Data(contentsOf: btfFile) {
            table = try? TypeTable(blob: [UInt8](cached))
        }
        if table == nil {
            let image = try KernelImage.decompress(vmlinuz: vmlinuz, workDirectory: workDirectory)
            let blob = try KernelImage.btfBlob(in: image)
            table = try TypeTable(blob: blob)
            try Data(blob).write(to: btfFile, options: .atomic)
        }
        self.vmlinuz = vmlinuz
        self.btfFile = btfFile
        self.types = table!
        self.pahole = PaholeLayouts(btfFile: btfFile, workDirectory: workDirectory)
    }

    /// Byte offset of `member` from the start of `structName` ("task_struct", "pid"), also when the member sits inside anonymous structs/unions (offset from the start of the OUTER named struct). nil if absent.
    ///
    /// A bitfield gives the byte holding its first bit. When the BTF has several structs of that
    /// name (local definitions in different files), they must agree. Throws when the oracle's
    /// own BTF reading and pahole's disagree.
    func offset(_ structName: String, _ member: String) throws -> Int? {
        let fromBTF = try btfOffset(structName, member)
        let fromPahole = try pahole.layout(of: structName)?[member]
        guard fromBTF == fromPahole else {
            throw Failure("\(structName).\(member): the BTF type section gives \(fromBTF.map(String.init) ?? "nothing"), pahole gives \(fromPahole.map(String.init) ?? "nothing")")
        }
        return fromBTF
    }

    /// For keys like "task_struct.pid".
    func offset(key: String) throws -> Int? {
        let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw Failure("\(key) is not of the form struct.member") }
        return try offset(parts[0], parts[1])
    }

    /// The per-CPU offset of the current task pointer: on kernels with the per-cpu variable `current_task` (x86-64 <= 6.1) its offset in the .data..percpu DATASEC; on kernels with `pcpu_hot` (6.2+), offset of pcpu_hot var + offset of member current_task in struct pcpu_hot. nil if neither (e.g. arm64, which keeps current in SP_EL0).
    func perCPUCurrentTaskOffset() throws -> Int? {
        guard let variables = types.variables(inDataSection: ".data..percpu") else { return nil }
        if let variable = variables.first(where: { $0.name == "current_task" }) {
            return variable.offset
        }
        if let variable = variables.first(where: { $0.name == "pcpu_hot" }) {
            let structID = types.resolved(variable.type)
            let structName = types.name(of: structID)
            guard types.types[structID].kind == .structure, !structName.isEmpty,
                  let member = try offset(structName, "current_task") else {
                throw Failure("per-cpu variable pcpu_hot is not a struct with a current_task member")
            }
            return variable.offset + member
        }
        return nil
    }

    /// The offset from the oracle's own reading of the BTF type section.
    private func btfOffset(_ structName: String, _ member: String) throws -> Int? {
        var ids = types.ids(named: structName, kinds: [.structure])
        if ids.isEmpty { ids = types.ids(named: structName, kinds: [.union]) }
        let offsets = Set(ids.map { types.memberBitOffset(in: $0, named: member) })
        guard offsets.count <= 1 else {
            throw Failure("\(ids.count) BTF types are called \(structName) and disagree on \(member): \(offsets)")
        }
        return offsets.first.flatMap { $0 }.map { $0 / 8 }
    }
}

extension BTFOracle {
    /// Every key an Osprey profile may contain, for a comparison table.
    static let profileKeys: [String] = [
        "task_struct.pid", "task_struct.tgid", "task_struct.comm", "task_struct.tasks",
        "task_struct.real_parent", "task_struct.parent", "task_struct.group_leader",
        "task_struct.thread_group", "task_struct.thread_node", "task_struct.mm", "task_struct.active_mm",
        "task_struct.files", "task_struct.fs", "task_struct.__state", "task_struct.state",
        "task_struct.exit_state", "task_struct.exit_code", "task_struct.cred", "task_struct.real_cred",
        "task_struct.start_time",
        "cred.uid", "cred.gid", "cred.euid", "cred.egid",
        "mm_struct.pgd", "mm_struct.mm_mt", "mm_struct.mmap", "mm_struct.arg_start", "mm_struct.arg_end",
        "mm_struct.env_start", "mm_struct.env_end", "mm_struct.start_brk", "mm_struct.brk",
        "mm_struct.start_stack", "mm_struct.exe_file",
        "maple_tree.ma_root",
        "vm_area_struct.vm_start", "vm_area_struct.vm_end", "vm_area_struct.vm_flags",
        "vm_area_struct.vm_file", "vm_area_struct.vm_pgoff", "vm_area_struct.vm_next",
        "files_struct.fdt",
        "fdtable.fd", "fdtable.max_fds",
        "file.f_path", "file.f_pos", "file.f_inode", "file.f_flags", "file.f_mode", "file.private_data",
        "path.mnt", "path.dentry",
        "dentry.d_name", "dentry.d_parent", "dentry.d_inode",
        "qstr.name", "qstr.len",
        "mount.mnt", "mount.mnt_parent", "mount.mnt_mountpoint",
        "vfsmount.mnt_root",
        "fs_struct.root", "fs_struct.pwd",
        "socket.sk",
        "sock_common.skc_family", "sock_common.skc_num", "sock_common.skc_dport",
        "sock_common.skc_rcv_saddr", "sock_common.skc_daddr",
        "inode.i_ino", "inode.i_mode",
    ]
}
