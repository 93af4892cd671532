import OspreyCore

/// A `libvmi.conf` entry for a Linux guest.
///
/// Syntax (LibVMI's `libvmi/config/lexicon.l` and `grammar.y`): `NAME { key = value; ... }`,
/// numbers in hex (`0x..`) or decimal, strings in double quotes, `#` comments to the end of the
/// line. The Linux driver (`libvmi/os/linux/core.c`) reads five offsets, `linux_tasks`,
/// `linux_mm`, `linux_pid`, `linux_name`, `linux_pgd`, all from the start of their struct,
/// plus `sysmap`, `linux_init_task`, `linux_kaslr` and `kpgd`. The mapping is in
/// `docs/profile-exports.md`.
enum LibVMIConfig {
    /// The keys LibVMI cannot introspect a Linux guest without (`sysmap`: see the warning).
    static let requiredKeys: Set<String> = [
        "ostype", "sysmap", "linux_tasks", "linux_mm", "linux_pid", "linux_name", "linux_pgd",
    ]

    /// Words the configuration lexer turns into keywords: not usable as an entry name.
    static let keywords: Set<String> = [
        "kpgd", "linux_tasks", "linux_mm", "linux_name", "linux_pid", "linux_pgd", "linux_addr",
        "linux_init_task", "linux_kaslr", "win_ntoskrnl", "win_ntoskrnl_va", "win_tasks", "win_pdbase",
        "win_pid", "win_pname", "win_kdvb", "win_kdbg", "win_kpcr", "win_sysproc", "freebsd_name",
        "freebsd_pid", "freebsd_vmspace", "freebsd_pmap", "freebsd_pgd", "sysmap", "rekall_profile",
        "volatility_ist", "ostype", "pagemode", "aarch64_ttbr0_va_width", "aarch64_ttbr0_granule_size",
        "aarch64_ttbr1_va_width", "aarch64_ttbr1_granule_size",
    ]

    static func document(for profile: KernelProfile, name: String?) -> ExportDocument {
        let facts = BannerFacts(profile.kernel)
        let entry = entryName(name ?? ProfileExport.defaultName(for: profile, format: .libvmi))
        let release = facts.release ?? "RELEASE"
        var b = ExportBuilder(profile: profile, requiredKeys: requiredKeys)

        b.value("ostype", "\"Linux\"")
        b.unfilled(
            "sysmap",
            "not in the profile (Osprey learns no symbols), but LibVMI's Linux driver needs the kernel's System.map: it looks init_task up there, also when linux_init_task is given (to work out the KASLR offset). Add sysmap = \"/path/to/System.map-\(release)\"; (Debian ships it in the linux-image-\(release) package as /boot/System.map-\(release))")
        let offsets: [(key: String, field: String)] = [
            ("linux_tasks", "task_struct.tasks"),
            ("linux_mm", "task_struct.mm"),
            ("linux_pid", "task_struct.pid"),
            ("linux_name", "task_struct.comm"),
            ("linux_pgd", "mm_struct.pgd"),
        ]
        for (key, field) in offsets {
            if let v = b.offset(field) {
                b.value(key, exportHex(v), note: "\(field) (\(v))")
            } else {
                b.unfilled(key, b.absence([field]))
            }
        }
        b.unfilled(
            "linux_init_task",
            "optional: LibVMI takes init_task from System.map and finds the KASLR slide itself; set it only to init_task's address in the running guest",
            warn: false)
        b.unfilled("linux_kaslr", "optional: LibVMI works the KASLR offset out itself", warn: false)
        b.unfilled(
            "kpgd",
            "optional: LibVMI reads the kernel page-table root from vCPU 0 (CR3 or TTBR1_EL1) of a live VM, and searches a memory file for it",
            warn: false)
        if profile.kernel.architecture == .aarch64 {
            b.unfilled(
                "pagemode",
                "optional, for memory files only: \"VMI_PM_AARCH64\", with aarch64_ttbr1_va_width and aarch64_ttbr1_granule_size (the kernel's virtual-address bits and page size, which the profile does not record); on a live VM LibVMI reads the translation setup from the vCPU",
                warn: false)
        }
        if let mm = b.offset("task_struct.mm"), let active = b.offset("task_struct.active_mm"), active != mm + 8 {
            b.notice("linux_mm: LibVMI reads a kernel thread's address space at task_struct.mm + 8 (taking it for active_mm), but this kernel has task_struct.active_mm at \(active) (mm at \(mm)): LibVMI's pid-to-pgd lookups of kernel threads will be wrong")
        }

        var lines = [
            "# LibVMI configuration entry for a Linux guest, written by `osprey profile export`",
            "# from an Osprey profile learned without symbols.",
            "# Kernel: \(oneLine(facts.banner ?? "(banner unknown)"))",
            "# LibVMI picks the entry named like the VM (or the memory file): rename \(entry) to that name",
            "# and put the entry in ./libvmi.conf, ~/etc/libvmi.conf or /etc/libvmi.conf.",
            "# Offsets are in bytes from the start of the struct named in the comment above each key.",
            "",
            "\(entry) {",
        ]
        for item in b.items {
            switch item {
            case .comment(let text): lines.append("    # " + oneLine(text))
            case .blank: lines.append("")
            case .value(let key, let value, let note):
                if let note { lines.append("    # " + oneLine(note)) }
                lines.append("    \(key) = \(value);")
            case .unfilled(let key, let reason, let required, _):
                lines.append("    # \(key): " + oneLine(reason) + (required ? " [required]" : ""))
            }
        }
        lines.append("}")
        let warnings = b.warnings(requiredSuffix: " (LibVMI cannot introspect the guest without it)")
        return ExportDocument(name: entry, text: lines.joined(separator: "\n") + "\n", warnings: warnings)
    }

    /// An entry name the configuration lexer reads as one word: `[A-Za-z0-9][A-Za-z0-9._-]+`,
    /// not a keyword.
    static func entryName(_ raw: String) -> String {
        let allowed: (Character) -> Bool = { ch in
            guard let a = ch.asciiValue else { return false }
            return (a >= 0x30 && a <= 0x39) || (a >= 0x41 && a <= 0x5a) || (a >= 0x61 && a <= 0x7a)
                || ch == "." || ch == "_" || ch == "-"
        }
        var name = String(raw.map { allowed($0) ? $0 : "-" })
        while let first = name.first, first == "." || first == "_" || first == "-" { name.removeFirst() }
        if name.count < 2 || keywords.contains(name) { name = "osprey-" + name }
        return name
    }

    static func oneLine(_ s: String) -> String { PandaKernelInfo.oneLine(s) }
}
