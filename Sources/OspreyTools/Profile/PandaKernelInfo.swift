import OspreyCore

/// PANDA's `kernelinfo.conf` section for `osi_linux`.
///
/// The file is a GLib key file: `[group]` lines, `key = value` lines, `#` comment lines. The
/// reader (`panda/plugins/osi_linux/utils/kernelinfo/kernelinfo_read.c`) takes integers in
/// decimal (offsets may be negative) and addresses as unsigned decimal, and refuses the whole
/// section when any key it requires is absent. Offsets are from the start of the struct the
/// key's prefix names, except where a note says otherwise. The mapping, key by key, is in
/// `docs/profile-exports.md`.
enum PandaKernelInfo {
    /// Every key PANDA's reader requires for a kernel newer than 2.4 (the others are optional).
    static let requiredKeys: Set<String> = [
        "name", "version.a", "version.b", "version.c",
        "task.init_addr", "task.size", "task.tasks_offset", "task.per_cpu_offsets_addr",
        "task.per_cpu_offset_0_addr", "task.current_task_addr", "task.group_leader_offset",
        "task.stack_offset", "task.real_cred_offset", "task.cred_offset", "task.real_parent_offset",
        "task.parent_offset", "task.pid_offset", "task.tgid_offset", "task.mm_offset",
        "task.comm_offset", "task.comm_size", "task.files_offset",
        "cred.uid_offset", "cred.gid_offset", "cred.euid_offset", "cred.egid_offset",
        "fs.f_path_dentry_offset", "fs.f_path_mnt_offset", "fs.fdt_offset", "fs.fdtab_offset",
        "fs.f_pos_offset", "fs.fd_offset",
        "mm.size", "mm.pgd_offset", "mm.arg_start_offset", "mm.start_brk_offset", "mm.brk_offset",
        "mm.start_stack_offset",
        "vma.size", "vma.vm_mm_offset", "vma.vm_start_offset", "vma.vm_end_offset", "vma.vm_file_offset",
        "vma.vm_flags_offset",
        "qstr.size", "qstr.name_offset",
        "path.d_name_offset", "path.d_iname_offset", "path.d_parent_offset", "path.d_op_offset",
        "path.d_dname_offset", "path.mnt_root_offset", "path.mnt_parent_offset", "path.mnt_mountpoint_offset",
    ]

    /// Bytes in a pointer: both architectures Osprey supports are 64-bit.
    static let pointerSize = 8
    /// `TASK_COMM_LEN`, the size of `task_struct.comm`; 16 in every Linux version.
    static let taskCommLength = 16

    static func document(for profile: KernelProfile, name: String?) -> ExportDocument {
        let facts = BannerFacts(profile.kernel)
        let group = groupName(name ?? ProfileExport.defaultName(for: profile, format: .panda))
        var b = ExportBuilder(profile: profile, requiredKeys: requiredKeys)
        let dec: (Int) -> String = { String($0) }
        let release = facts.release ?? "RELEASE"
        let systemMap = "System.map-\(release)"
        let arch = profile.kernel.architecture

        // Header: the name is uname's release|version|machine, as PANDA's generators write it.
        if let r = facts.release, let v = facts.utsVersion {
            b.value("name", escaped("\(r)|\(v)|\(facts.machine)"))
        } else {
            b.unfilled("name", "the profile has no kernel banner to take uname's release and version from")
        }
        if let (major, minor, patch) = facts.releaseTriple {
            b.value("version.a", dec(major))
            b.value("version.b", dec(minor))
            b.value("version.c", dec(patch), note: "from the release \(release), as PANDA's generators do (the sublevel inside a distribution's release is often 0)")
        } else {
            for key in ["version.a", "version.b", "version.c"] {
                b.unfilled(key, "the profile has no kernel release to take the version from")
            }
        }
        b.comment("arch = \(facts.machine)")

        // task_struct and how osi_linux finds the current task.
        b.blank()
        b.comment("task_struct")
        switch arch {
        case .x86_64:
            b.unfilled(
                "task.per_cpu_offsets_addr",
                "not known without symbols: the address of __per_cpu_offset (Osprey profiles hold no addresses). Take __per_cpu_offset from \(systemMap) and boot the guest with nokaslr; osi_linux then reads CPU 0's per-CPU base from it when it starts")
            b.unfilled(
                "task.per_cpu_offset_0_addr",
                "not known from a profile: CPU 0's per-CPU base (__per_cpu_offset[0], the kernel GS base), set at boot. With task.per_cpu_offsets_addr filled, osi_linux replaces this value at start (write 0); otherwise write CPU 0's kernel GS base")
            if case .perCPU(_, let offset)? = profile.currentTask {
                b.value(
                    "task.current_task_addr", String(UInt64(bitPattern: Int64(offset))),
                    note: "current task pointer at per-CPU base + \(offset) (Osprey's current_task offset); osi_linux reads it at task.per_cpu_offset_0_addr + this value, so this is the per-CPU symbol's own value (current_task, or pcpu_hot on 6.2+)")
            } else {
                b.unfilled("task.current_task_addr", "the profile does not know where the current task pointer is kept (no per-CPU current_task location)")
            }
        case .aarch64:
            b.value("task.per_cpu_offsets_addr", "0", note: "0 on AArch64, as PANDA's generators write: osi_linux does not use per-CPU data there")
            b.value("task.per_cpu_offset_0_addr", "0", note: "0 on AArch64, as PANDA's generators write")
            b.value(
                "task.current_task_addr", "0",
                note: "unused on AArch64: osi_linux takes the current task from SP_EL0 (Linux 4.10 and later), as Osprey does; PANDA's generators put init_task's address here")
            if let current = profile.currentTask, current != .register("sp_el0") {
                b.notice("task.current_task_addr: PANDA takes the current task from SP_EL0 on AArch64, but this profile locates it differently (\(current))")
            }
        }
        b.unfilled(
            "task.init_addr",
            "not known without symbols: the address of init_task, which KASLR moves. Take init_task from \(systemMap) and boot the guest with nokaslr. osi_linux starts its process walk there only when built with OSI_LINUX_LIST_FROM_INIT")
        b.unfilled(
            "task.switch_task_hook_addr",
            "optional: an address to hook for task-switch notifications (finish_task_switch in \(systemMap), guest booted with nokaslr)",
            warn: false)
        b.unfilled("task.size", "not learned: Osprey does not measure struct sizes (sizeof(struct task_struct)). osi_linux never uses the value, so any number satisfies its reader")
        b.direct("task.tasks_offset", "task_struct.tasks", format: dec)
        b.direct("task.pid_offset", "task_struct.pid", format: dec)
        b.direct("task.tgid_offset", "task_struct.tgid", format: dec)
        b.direct("task.group_leader_offset", "task_struct.group_leader", format: dec)
        if b.offset("task_struct.thread_group") != nil {
            b.direct("task.thread_group_offset", "task_struct.thread_group", format: dec)
        } else if b.offset("task_struct.thread_node") != nil {
            b.unfilled(
                "task.thread_group_offset",
                "optional, and gone from this kernel: task_struct.thread_group was removed in Linux 6.7; task_struct.thread_node links threads through signal_struct.thread_head, not the task ring osi_linux walks (PANDA's gdb generator also omits the key from 6.7)",
                warn: false)
        } else {
            b.unfilled("task.thread_group_offset", b.absence(["task_struct.thread_group"]))
        }
        b.direct("task.real_parent_offset", "task_struct.real_parent", format: dec)
        b.direct("task.parent_offset", "task_struct.parent", format: dec)
        b.direct("task.mm_offset", "task_struct.mm", format: dec)
        b.unfilled("task.stack_offset", "not learned: Osprey does not locate task_struct.stack. osi_linux never uses the value, so any number satisfies its reader")
        b.direct("task.real_cred_offset", "task_struct.real_cred", format: dec)
        b.direct("task.cred_offset", "task_struct.cred", format: dec)
        b.direct("task.comm_offset", "task_struct.comm", format: dec)
        b.value("task.comm_size", dec(taskCommLength), note: "TASK_COMM_LEN, the size of task_struct.comm, 16 in every Linux version")
        b.direct("task.files_offset", "task_struct.files", format: dec)
        b.direct("task.start_time_offset", "task_struct.start_time", format: dec)

        b.blank()
        b.comment("cred")
        for member in ["uid", "gid", "euid", "egid"] {
            b.direct("cred.\(member)_offset", "cred.\(member)", format: dec)
        }

        b.blank()
        b.comment("mm_struct")
        b.unfilled("mm.size", "not learned: Osprey does not measure struct sizes (sizeof(struct mm_struct)). osi_linux never uses the value, so any number satisfies its reader")
        let mapleTree = profile.vmaContainer == .mapleTree
            || (profile.vmaContainer == nil && b.offset("mm_struct.mm_mt") != nil && b.offset("mm_struct.mmap") == nil)
        if mapleTree {
            b.unfilled(
                "mm.mmap_offset",
                "optional, and gone from this kernel: mm_struct.mmap was replaced by the maple tree mm_struct.mm_mt in Linux 6.1. osi_linux walks memory mappings as the mmap/vm_next list only, so PANDA cannot list this kernel's mappings")
        } else {
            b.direct("mm.mmap_offset", "mm_struct.mmap", format: dec)
        }
        b.direct("mm.pgd_offset", "mm_struct.pgd", format: dec)
        b.direct("mm.arg_start_offset", "mm_struct.arg_start", format: dec)
        b.direct("mm.start_brk_offset", "mm_struct.start_brk", format: dec)
        b.direct("mm.brk_offset", "mm_struct.brk", format: dec)
        b.direct("mm.start_stack_offset", "mm_struct.start_stack", format: dec)

        b.blank()
        b.comment("vm_area_struct")
        b.unfilled("vma.size", "not learned: Osprey does not measure struct sizes (sizeof(struct vm_area_struct)). osi_linux never uses the value, so any number satisfies its reader")
        vmMM(&b, format: dec)
        b.direct("vma.vm_start_offset", "vm_area_struct.vm_start", format: dec)
        b.direct("vma.vm_end_offset", "vm_area_struct.vm_end", format: dec)
        if mapleTree || (b.offset("vm_area_struct.vm_next") == nil && b.offset("mm_struct.mm_mt") != nil) {
            b.unfilled(
                "vma.vm_next_offset",
                "optional, and gone from this kernel: vm_area_struct.vm_next was removed with the maple tree (Linux 6.1)",
                warn: false)
        } else {
            b.direct("vma.vm_next_offset", "vm_area_struct.vm_next", format: dec)
        }
        b.direct("vma.vm_flags_offset", "vm_area_struct.vm_flags", format: dec)
        b.direct("vma.vm_file_offset", "vm_area_struct.vm_file", format: dec)
        if let file = b.offset("vm_area_struct.vm_file"), let pgoff = b.offset("vm_area_struct.vm_pgoff"),
            pgoff != file - pointerSize
        {
            b.notice("vma.vm_file_offset: osi_linux reads a mapping's page offset at vm_file - 8, but this kernel has vm_area_struct.vm_pgoff at \(pgoff) (vm_file at \(file)): PANDA's mapping offsets will be wrong")
        }

        b.blank()
        b.comment("files: struct file, files_struct, fdtable")
        b.derived(
            "fs.f_path_dentry_offset", from: ["file.f_path", "path.dentry"], format: dec,
            note: { "file.f_path (\($0[0])) + path.dentry (\($0[1])): counted from the start of struct file, through its embedded struct path" },
            { $0[0] + $0[1] })
        b.derived(
            "fs.f_path_mnt_offset", from: ["file.f_path", "path.mnt"], format: dec,
            note: { "file.f_path (\($0[0])) + path.mnt (\($0[1])): counted from the start of struct file, through its embedded struct path" },
            { $0[0] + $0[1] })
        b.direct("fs.f_pos_offset", "file.f_pos", format: dec)
        b.direct("fs.fdt_offset", "files_struct.fdt", format: dec)
        b.derived(
            "fs.fdtab_offset", from: ["files_struct.fdt"], format: dec,
            note: { "files_struct.fdt (\($0[0])) + 8: the embedded struct fdtable fdtab directly follows the fdt pointer in every kernel since 2.6.14; osi_linux never uses this key" },
            { $0[0] + pointerSize })
        b.direct("fs.fd_offset", "fdtable.fd", format: dec)

        b.blank()
        b.comment("qstr")
        b.derived(
            "qstr.size", from: ["qstr.name"], format: dec,
            note: { "qstr.name (\($0[0])) + 8: the name pointer is the last member of struct qstr" },
            { $0[0] + pointerSize })
        b.direct("qstr.name_offset", "qstr.name", format: dec)

        b.blank()
        b.comment("path: dentry, dentry_operations, vfsmount, mount")
        b.direct("path.d_name_offset", "dentry.d_name", format: dec)
        b.derived(
            "path.d_iname_offset", from: ["dentry.d_inode"], format: dec,
            note: { "dentry.d_inode (\($0[0])) + 8: the inline name array follows the d_inode pointer (d_iname, d_shortname in later kernels); osi_linux never uses this key" },
            { $0[0] + pointerSize })
        b.direct("path.d_parent_offset", "dentry.d_parent", format: dec)
        b.unfilled("path.d_op_offset", "not learned: Osprey does not locate dentry.d_op. osi_linux reads it (with path.d_dname_offset) but ignores the result when building names, so any number satisfies its reader")
        b.unfilled("path.d_dname_offset", "not learned: a slot of the dentry_operations function table, which Osprey does not read. osi_linux reads it (with path.d_op_offset) but ignores the result when building names, so any number satisfies its reader")
        b.direct("path.mnt_root_offset", "vfsmount.mnt_root", format: dec)
        b.derived(
            "path.mnt_parent_offset", from: ["mount.mnt_parent", "mount.mnt"], format: dec,
            note: { "mount.mnt_parent (\($0[0])) - mount.mnt (\($0[1])): counted from the vfsmount embedded in struct mount, which is what osi_linux holds (negative when the field comes first)" },
            { $0[0] - $0[1] })
        b.derived(
            "path.mnt_mountpoint_offset", from: ["mount.mnt_mountpoint", "mount.mnt"], format: dec,
            note: { "mount.mnt_mountpoint (\($0[0])) - mount.mnt (\($0[1])): counted from the vfsmount embedded in struct mount" },
            { $0[0] - $0[1] })

        let missingRequired = b.items.filter {
            if case .unfilled(_, _, true, _) = $0 { return true }
            return false
        }.count
        var lines = [
            "# PANDA osi_linux kernel information (one kernelinfo.conf section), written by `osprey profile export`",
            "# from an Osprey profile learned without symbols.",
            "# Kernel: \(oneLine(facts.banner ?? "(banner unknown)"))",
            "# Use: append to kernelinfo.conf; select with osi_linux:kconf_file=FILE,kconf_group=\(group)",
            "# (or PANDA's -os linux-64-VARIANT, which makes osi_linux look for the group VARIANT:64).",
            "# Values are decimal. Offsets count bytes from the start of the struct the key names,",
            "# except where a note above the key says otherwise.",
        ]
        if missingRequired > 0 {
            lines.append("# \(missingRequired) key(s) that PANDA's reader requires are commented out below, each with what to add:")
            lines.append("# osi_linux refuses this section until they are filled in.")
        }
        lines.append("")
        lines.append("[\(group)]")
        lines += render(b.items)
        let warnings = b.warnings(requiredSuffix: " (PANDA's kernelinfo reader refuses the section without it)")
        return ExportDocument(name: group, text: lines.joined(separator: "\n") + "\n", warnings: warnings)
    }

    /// `vma.vm_mm_offset`: the profile does not learn vm_area_struct.vm_mm, but in every kernel
    /// from 2.6 to 6.12 the members `vm_mm`, `vm_page_prot`, `vm_flags` follow each other.
    private static func vmMM(_ b: inout ExportBuilder, format: (Int) -> String) {
        if let mm = b.offset("vm_area_struct.vm_mm") {
            b.value("vma.vm_mm_offset", format(mm))
        } else if let flags = b.offset("vm_area_struct.vm_flags"), flags - 2 * pointerSize >= (b.offset("vm_area_struct.vm_end") ?? 0) + pointerSize {
            b.value(
                "vma.vm_mm_offset", format(flags - 2 * pointerSize),
                note: "vm_area_struct.vm_flags (\(flags)) - 16: vm_mm and vm_page_prot (8 bytes each) precede vm_flags in every kernel from 2.6 to 6.12")
        } else {
            b.unfilled("vma.vm_mm_offset", b.absence(["vm_area_struct.vm_mm"]))
        }
    }

    /// The items as key-file lines.
    static func render(_ items: [ExportItem]) -> [String] {
        var lines: [String] = []
        for item in items {
            switch item {
            case .comment(let text): lines.append("# " + oneLine(text))
            case .blank: lines.append("")
            case .value(let key, let value, let note):
                if let note { lines.append("# " + oneLine(note)) }
                lines.append("\(key) = \(value)")
            case .unfilled(let key, let reason, let required, _):
                lines.append("# \(key): " + oneLine(reason) + (required ? " [required by PANDA's reader]" : ""))
            }
        }
        return lines
    }

    /// A group name GLib accepts: no brackets, no control characters.
    static func groupName(_ raw: String) -> String {
        let cleaned = String(raw.map { $0 == "[" || $0 == "]" || $0.isNewline || ($0.asciiValue.map { $0 < 0x20 } ?? false) ? "_" : $0 })
        return cleaned.isEmpty ? "osprey" : cleaned
    }

    /// A GLib key-file string value: backslash escapes for `\`, newlines, tabs, a leading space.
    static func escaped(_ s: String) -> String {
        var out = ""
        for (i, ch) in s.enumerated() {
            switch ch {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case " " where i == 0: out += "\\s"
            default: out.append(ch)
            }
        }
        return out
    }

    /// `s` for a comment line: line breaks as spaces, other control characters escaped.
    static func oneLine(_ s: String) -> String {
        TerminalText.safe(String(s.map { $0.isNewline ? " " : $0 }))
    }
}
