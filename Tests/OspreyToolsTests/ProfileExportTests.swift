import OspreyCore
import Testing
@testable import OspreyTools

/// The offsets below are made up (plausible for the kernels named, not measured): the tests
/// check the mapping to PANDA's and LibVMI's keys, not any kernel.
@Suite("Profile export")
struct ProfileExportTests {
    // MARK: Fixtures

    static let debian61Banner =
        "Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-01-12)"
    static let debian510ArmBanner =
        "Linux version 5.10.0-35-arm64 (debian-kernel@lists.debian.org) (gcc-10 (Debian 10.2.1-6) 10.2.1 20210110, GNU ld (GNU Binutils for Debian) 2.35.2) #1 SMP Debian 5.10.237-1 (2025-05-19)"
    static let debian612Banner =
        "Linux version 6.12.38+deb13-amd64 (debian-kernel@lists.debian.org) (x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0, GNU ld (GNU Binutils for Debian) 2.44) #1 SMP PREEMPT_DYNAMIC Debian 6.12.38-1 (2025-07-16)"

    /// Offsets shared by the fixtures (everything but the VMA container and thread links).
    static let common: [String: Int] = [
        "task_struct.__state": 24, "task_struct.tasks": 2264, "task_struct.mm": 2344,
        "task_struct.active_mm": 2352, "task_struct.exit_state": 2392, "task_struct.exit_code": 2396,
        "task_struct.pid": 2456, "task_struct.tgid": 2460, "task_struct.real_parent": 2472,
        "task_struct.parent": 2480, "task_struct.group_leader": 2520, "task_struct.start_time": 2728,
        "task_struct.real_cred": 2984, "task_struct.cred": 2992, "task_struct.comm": 3008,
        "task_struct.fs": 3064, "task_struct.files": 3072,
        "cred.uid": 4, "cred.gid": 8, "cred.euid": 20, "cred.egid": 24,
        "mm_struct.pgd": 80, "mm_struct.start_brk": 264, "mm_struct.brk": 272, "mm_struct.start_stack": 280,
        "mm_struct.arg_start": 296, "mm_struct.arg_end": 304, "mm_struct.env_start": 312,
        "mm_struct.env_end": 320, "mm_struct.exe_file": 888,
        "vm_area_struct.vm_start": 0, "vm_area_struct.vm_end": 8, "vm_area_struct.vm_flags": 32,
        "vm_area_struct.vm_pgoff": 136, "vm_area_struct.vm_file": 144,
        "files_struct.fdt": 32, "fdtable.max_fds": 0, "fdtable.fd": 8,
        "file.f_path": 16, "file.f_inode": 32, "file.f_flags": 60, "file.f_mode": 64, "file.f_pos": 104,
        "file.private_data": 200,
        "path.mnt": 0, "path.dentry": 8,
        "dentry.d_parent": 24, "dentry.d_name": 32, "dentry.d_inode": 48,
        "qstr.len": 4, "qstr.name": 8,
        "mount.mnt_parent": 16, "mount.mnt_mountpoint": 24, "mount.mnt": 32, "vfsmount.mnt_root": 0,
        "fs_struct.root": 24, "fs_struct.pwd": 40, "socket.sk": 24, "inode.i_mode": 0, "inode.i_ino": 64,
    ]

    /// x86-64, Debian 12 (6.1): maple tree, thread_group still present.
    static func x86Profile() -> KernelProfile {
        var offsets = common
        offsets["mm_struct.mm_mt"] = 0
        offsets["maple_tree.ma_root"] = 8
        offsets["task_struct.thread_group"] = 2600
        return KernelProfile(
            kernel: KernelIdentity(banner: debian61Banner, architecture: .x86_64), offsets: offsets,
            currentTask: .perCPU(baseRegister: "gs_base", offset: 0x32bc0), vmaContainer: .mapleTree)
    }

    /// arm64, Debian 11 (5.10): VMAs in a list, current task in SP_EL0.
    static func armProfile() -> KernelProfile {
        var offsets = common
        offsets["mm_struct.mmap"] = 0
        offsets["task_struct.thread_group"] = 1888
        offsets["vm_area_struct.vm_next"] = 16
        offsets["vm_area_struct.vm_flags"] = 80
        offsets["vm_area_struct.vm_pgoff"] = 152
        offsets["vm_area_struct.vm_file"] = 160
        return KernelProfile(
            kernel: KernelIdentity(banner: debian510ArmBanner, architecture: .aarch64), offsets: offsets,
            currentTask: .register("sp_el0"), vmaContainer: .list)
    }

    /// x86-64, Debian 13 (6.12): thread_node instead of thread_group.
    static func x86Profile612() -> KernelProfile {
        var offsets = common
        offsets["mm_struct.mm_mt"] = 64
        offsets["task_struct.thread_node"] = 2616
        return KernelProfile(
            kernel: KernelIdentity(banner: debian612Banner, architecture: .x86_64), offsets: offsets,
            currentTask: .perCPU(baseRegister: "gs_base", offset: 0x2c000), vmaContainer: .mapleTree)
    }

    // MARK: Tiny parsers of the two syntaxes

    struct KeyFile {
        var groups: [String: [String: String]] = [:]
        var groupOrder: [String] = []
        var comments: [String] = []
        /// Keys written as `# key: reason`.
        var commentedKeys: Set<String> {
            Set(comments.compactMap { c in
                guard let colon = c.firstIndex(of: ":") else { return nil }
                let key = c[..<colon]
                return key.contains(" ") || key.isEmpty ? nil : String(key)
            })
        }
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    /// GLib key-file syntax: `# comment`, `[group]`, `key = value`, blank lines; nothing else.
    static func parseKeyFile(_ text: String) throws -> KeyFile {
        var file = KeyFile()
        var group: String?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmed(" \t")
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                file.comments.append(String(line.dropFirst()).trimmed(" "))
                continue
            }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw ParseError(description: "bad group line: \(line)") }
                let name = String(line.dropFirst().dropLast())
                guard !name.contains("["), !name.contains("]"), file.groups[name] == nil else {
                    throw ParseError(description: "bad or repeated group \(name)")
                }
                file.groups[name] = [:]
                file.groupOrder.append(name)
                group = name
                continue
            }
            guard let g = group else { throw ParseError(description: "key before any group: \(line)") }
            guard let eq = line.firstIndex(of: "=") else { throw ParseError(description: "not key = value: \(line)") }
            let key = line[..<eq].trimmed(" ")
            let value = line[line.index(after: eq)...].trimmed(" ")
            guard !key.isEmpty, !key.contains(" ") else { throw ParseError(description: "bad key: \(line)") }
            guard file.groups[g]![key] == nil else { throw ParseError(description: "repeated key \(key)") }
            file.groups[g]![key] = value
        }
        return file
    }

    struct LibVMIEntry {
        var name: String
        var values: [String: String] = [:]
        var comments: [String] = []
        var commentedKeys: Set<String> {
            Set(comments.compactMap { c in
                guard let colon = c.firstIndex(of: ":") else { return nil }
                let key = c[..<colon]
                return key.contains(" ") || key.isEmpty ? nil : String(key)
            })
        }
    }

    /// LibVMI's syntax: `NAME { key = value; ... }`, `#` to end of line is a comment, numbers
    /// `0x[0-9a-fA-F]+` or `[0-9]+`, strings in double quotes, words `[A-Za-z0-9][A-Za-z0-9._-]+`.
    static func parseLibVMI(_ text: String) throws -> [LibVMIEntry] {
        enum Token: Equatable { case word(String), string(String), open, close, semicolon, equals }
        var tokens: [Token] = []
        var comments: [(index: Int, text: String)] = []
        let chars = Array(text)
        var i = 0
        func isWordChar(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-" || c == "/" || c == "@") }
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" { i += 1; continue }
            if c == "#" {
                var j = i
                while j < chars.count, chars[j] != "\n" { j += 1 }
                guard j < chars.count else { throw ParseError(description: "comment without a newline (LibVMI's lexer needs one)") }
                comments.append((tokens.count, String(chars[(i + 1)..<j]).trimmed(" ")))
                i = j + 1
                continue
            }
            switch c {
            case "{": tokens.append(.open); i += 1
            case "}": tokens.append(.close); i += 1
            case ";": tokens.append(.semicolon); i += 1
            case "=": tokens.append(.equals); i += 1
            case "\"":
                var j = i + 1
                while j < chars.count, chars[j] != "\"" { j += 1 }
                guard j < chars.count else { throw ParseError(description: "unterminated string") }
                tokens.append(.string(String(chars[(i + 1)..<j])))
                i = j + 1
            default:
                guard isWordChar(c) else { throw ParseError(description: "unexpected character \(c)") }
                var j = i
                while j < chars.count, isWordChar(chars[j]) { j += 1 }
                tokens.append(.word(String(chars[i..<j])))
                i = j
            }
        }
        var entries: [LibVMIEntry] = []
        var t = 0
        var current: LibVMIEntry?
        var entryStart = 0
        while t < tokens.count {
            if current == nil {
                guard case .word(let name) = tokens[t], t + 1 < tokens.count, tokens[t + 1] == .open else {
                    throw ParseError(description: "expected NAME {")
                }
                guard name.wholeMatch(of: /[a-zA-Z0-9][a-zA-Z0-9._-]+/) != nil else {
                    throw ParseError(description: "entry name \(name) is not a lexer word")
                }
                current = LibVMIEntry(name: name)
                entryStart = t
                t += 2
                continue
            }
            if tokens[t] == .close {
                current!.comments = comments.filter { $0.index > entryStart && $0.index <= t }.map(\.text)
                entries.append(current!)
                current = nil
                t += 1
                continue
            }
            guard t + 3 < tokens.count, case .word(let key) = tokens[t], tokens[t + 1] == .equals,
                tokens[t + 3] == .semicolon
            else { throw ParseError(description: "expected key = value;") }
            switch tokens[t + 2] {
            case .string(let s): current!.values[key] = "\"\(s)\""
            case .word(let w):
                guard w.wholeMatch(of: /0x[0-9a-fA-F]+|[0-9]+/) != nil else {
                    throw ParseError(description: "\(key): \(w) is not a LibVMI number")
                }
                current!.values[key] = w
            default: throw ParseError(description: "bad value for \(key)")
            }
            t += 4
        }
        guard current == nil else { throw ParseError(description: "unterminated entry") }
        return entries
    }

    static func hex(_ s: String?) -> Int? {
        guard let s, s.hasPrefix("0x") else { return nil }
        return Int(s.dropFirst(2), radix: 16)
    }

    // MARK: PANDA

    @Test func pandaX86MapsEveryKeyFromTheProfile() throws {
        let export = ProfileExport(profile: Self.x86Profile(), format: .panda)
        let file = try Self.parseKeyFile(export.text)
        #expect(file.groupOrder == ["debian:6.1.0-56-amd64:64"])
        #expect(export.name == "debian:6.1.0-56-amd64:64")
        let g = try #require(file.groups["debian:6.1.0-56-amd64:64"])

        #expect(g["name"] == "6.1.0-56-amd64|#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-01-12)|x86_64")
        #expect(g["version.a"] == "6")
        #expect(g["version.b"] == "1")
        #expect(g["version.c"] == "0")
        let expected: [String: Int] = [
            "task.current_task_addr": 0x32bc0,
            "task.tasks_offset": 2264, "task.pid_offset": 2456, "task.tgid_offset": 2460,
            "task.group_leader_offset": 2520, "task.thread_group_offset": 2600,
            "task.real_parent_offset": 2472, "task.parent_offset": 2480, "task.mm_offset": 2344,
            "task.real_cred_offset": 2984, "task.cred_offset": 2992, "task.comm_offset": 3008,
            "task.comm_size": 16, "task.files_offset": 3072, "task.start_time_offset": 2728,
            "cred.uid_offset": 4, "cred.gid_offset": 8, "cred.euid_offset": 20, "cred.egid_offset": 24,
            "mm.pgd_offset": 80, "mm.arg_start_offset": 296, "mm.start_brk_offset": 264,
            "mm.brk_offset": 272, "mm.start_stack_offset": 280,
            // vm_flags (32) - 16
            "vma.vm_mm_offset": 16, "vma.vm_start_offset": 0, "vma.vm_end_offset": 8,
            "vma.vm_flags_offset": 32, "vma.vm_file_offset": 144,
            // file.f_path (16) + path.dentry (8) / path.mnt (0)
            "fs.f_path_dentry_offset": 24, "fs.f_path_mnt_offset": 16, "fs.f_pos_offset": 104,
            "fs.fdt_offset": 32, "fs.fdtab_offset": 40, "fs.fd_offset": 8,
            "qstr.size": 16, "qstr.name_offset": 8,
            "path.d_name_offset": 32, "path.d_iname_offset": 56, "path.d_parent_offset": 24,
            "path.mnt_root_offset": 0,
            // counted from the vfsmount embedded at mount.mnt (32)
            "path.mnt_parent_offset": -16, "path.mnt_mountpoint_offset": -8,
        ]
        for (key, value) in expected {
            #expect(g[key].flatMap { Int($0) } == value, "\(key)")
        }
        // Decimal only: GLib's integer reader takes no hex.
        for (key, value) in g where key != "name" {
            #expect(Int(value) != nil || UInt64(value) != nil, "\(key) = \(value) is not decimal")
        }

        // Unknowable keys: commented out, with a warning each.
        let unfilled: Set<String> = [
            "task.per_cpu_offsets_addr", "task.per_cpu_offset_0_addr", "task.init_addr", "task.size",
            "task.stack_offset", "mm.size", "mm.mmap_offset", "vma.size", "path.d_op_offset",
            "path.d_dname_offset",
        ]
        for key in unfilled {
            #expect(g[key] == nil, "\(key) should not be set")
            #expect(file.commentedKeys.contains(key), "\(key) should be a comment")
            #expect(export.warnings.contains { $0.hasPrefix(key + ":") }, "\(key) should be warned about")
        }
        #expect(export.warnings.count == unfilled.count, "\(export.warnings)")
        // Optional, and not a problem: commented without a warning.
        for key in ["task.switch_task_hook_addr", "vma.vm_next_offset"] {
            #expect(g[key] == nil)
            #expect(file.commentedKeys.contains(key))
            #expect(!export.warnings.contains { $0.hasPrefix(key + ":") })
        }
        #expect(export.text.contains("# task.init_addr: not known without symbols"))
    }

    @Test func pandaCoversEveryKeyItsReaderRequires() throws {
        for profile in [Self.x86Profile(), Self.armProfile(), Self.x86Profile612()] {
            let export = ProfileExport(profile: profile, format: .panda)
            let file = try Self.parseKeyFile(export.text)
            let g = try #require(file.groups[export.name])
            for key in PandaKernelInfo.requiredKeys {
                #expect(g[key] != nil || file.commentedKeys.contains(key), "\(key) is neither set nor explained")
            }
            // Every unfilled required key says so, and is in the warnings.
            for key in PandaKernelInfo.requiredKeys where g[key] == nil {
                #expect(file.comments.contains { $0.hasPrefix(key + ":") && $0.hasSuffix("[required by PANDA's reader]") })
                #expect(export.warnings.contains { $0.hasPrefix(key + ":") && $0.contains("refuses the section") })
            }
        }
    }

    @Test func pandaArm64UsesSPEL0AndTheVMAList() throws {
        let export = ProfileExport(profile: Self.armProfile(), format: .panda)
        let file = try Self.parseKeyFile(export.text)
        #expect(export.name == "debian:5.10.0-35-arm64:64")
        let g = try #require(file.groups[export.name])
        #expect(g["name"] == "5.10.0-35-arm64|#1 SMP Debian 5.10.237-1 (2025-05-19)|aarch64")
        #expect(g["version.a"] == "5" && g["version.b"] == "10" && g["version.c"] == "0")
        #expect(g["task.per_cpu_offsets_addr"] == "0")
        #expect(g["task.per_cpu_offset_0_addr"] == "0")
        #expect(g["task.current_task_addr"] == "0")
        #expect(g["mm.mmap_offset"] == "0")
        #expect(g["vma.vm_next_offset"] == "16")
        #expect(g["vma.vm_mm_offset"] == "64")  // vm_flags (80) - 16
        #expect(g["vma.vm_file_offset"] == "160")
        #expect(g["task.thread_group_offset"] == "1888")
        let unfilled: Set<String> = [
            "task.init_addr", "task.size", "task.stack_offset", "mm.size", "vma.size", "path.d_op_offset",
            "path.d_dname_offset",
        ]
        #expect(Set(export.warnings.map { String($0.prefix(while: { $0 != ":" })) }) == unfilled)
    }

    @Test func pandaOn612LeavesThreadGroupOutQuietly() throws {
        let export = ProfileExport(profile: Self.x86Profile612(), format: .panda)
        let file = try Self.parseKeyFile(export.text)
        #expect(export.name == "debian:6.12.38+deb13-amd64:64")
        let g = try #require(file.groups[export.name])
        #expect(g["version.a"] == "6" && g["version.b"] == "12" && g["version.c"] == "38")
        #expect(g["task.thread_group_offset"] == nil)
        #expect(file.commentedKeys.contains("task.thread_group_offset"))
        #expect(!export.warnings.contains { $0.hasPrefix("task.thread_group_offset") })
        #expect(g["task.current_task_addr"] == String(0x2c000))
        #expect(g["mm.mmap_offset"] == nil)
        // LibVMI's lexer takes no "+" in an entry name.
        let libvmi = ProfileExport(profile: Self.x86Profile612(), format: .libvmi)
        #expect(libvmi.name == "debian-6.12.38-deb13-amd64")
        #expect(try Self.parseLibVMI(libvmi.text).map(\.name) == ["debian-6.12.38-deb13-amd64"])
    }

    @Test func missingProfileFieldsBecomeCommentsAndWarnings() throws {
        var profile = Self.x86Profile()
        profile.offsets["file.f_pos"] = nil
        profile.offsets["mount.mnt"] = nil
        profile.offsets["task_struct.tasks"] = nil
        profile.currentTask = nil
        profile.missing = [MissingField(field: "file.f_pos", reason: "no lseek stop")]

        let panda = ProfileExport(profile: profile, format: .panda)
        let file = try Self.parseKeyFile(panda.text)
        let g = try #require(file.groups[panda.name])
        for key in [
            "fs.f_pos_offset", "path.mnt_parent_offset", "path.mnt_mountpoint_offset", "task.tasks_offset",
            "task.current_task_addr",
        ] {
            #expect(g[key] == nil, "\(key)")
            #expect(file.commentedKeys.contains(key), "\(key)")
            #expect(panda.warnings.contains { $0.hasPrefix(key + ":") }, "\(key)")
        }
        #expect(panda.warnings.contains { $0.hasPrefix("fs.f_pos_offset: the profile has no file.f_pos (not found: no lseek stop)") })
        #expect(panda.warnings.contains { $0.hasPrefix("path.mnt_parent_offset: the profile has no mount.mnt") })

        let libvmi = ProfileExport(profile: profile, format: .libvmi)
        let entry = try #require(try Self.parseLibVMI(libvmi.text).first)
        #expect(entry.values["linux_tasks"] == nil)
        #expect(entry.commentedKeys.contains("linux_tasks"))
        #expect(libvmi.warnings.contains { $0.hasPrefix("linux_tasks: the profile has no task_struct.tasks") })
    }

    @Test func pandaFlagsAVMAWhosePageOffsetIsNotBeforeTheFile() {
        var profile = Self.x86Profile()
        profile.offsets["vm_area_struct.vm_pgoff"] = 120
        let export = ProfileExport(profile: profile, format: .panda)
        #expect(export.warnings.contains { $0.contains("vm_pgoff at 120") })
    }

    @Test func namesAreSanitisedForEachSyntax() throws {
        let panda = ProfileExport(profile: Self.x86Profile(), format: .panda, name: "my [kernel]")
        #expect(panda.name == "my _kernel_")
        #expect(try Self.parseKeyFile(panda.text).groupOrder == ["my _kernel_"])

        let libvmi = ProfileExport(profile: Self.x86Profile(), format: .libvmi, name: "my vm/1")
        #expect(libvmi.name == "my-vm-1")
        #expect(try Self.parseLibVMI(libvmi.text).map(\.name) == ["my-vm-1"])
        #expect(ProfileExport(profile: Self.x86Profile(), format: .libvmi, name: "sysmap").name == "osprey-sysmap")

        var unknown = Self.x86Profile()
        unknown.kernel.banner = nil
        let noBanner = ProfileExport(profile: unknown, format: .panda)
        #expect(noBanner.name == "linux:unknown:64")
        let g = try #require(try Self.parseKeyFile(noBanner.text).groups[noBanner.name])
        #expect(g["name"] == nil && g["version.a"] == nil)
        #expect(noBanner.warnings.contains { $0.hasPrefix("name:") })
    }

    // MARK: LibVMI

    @Test func libvmiX86Entry() throws {
        let export = ProfileExport(profile: Self.x86Profile(), format: .libvmi)
        let entries = try Self.parseLibVMI(export.text)
        #expect(entries.count == 1)
        let e = try #require(entries.first)
        #expect(e.name == "debian-6.1.0-56-amd64")
        #expect(export.name == e.name)
        #expect(e.values["ostype"] == "\"Linux\"")
        #expect(Self.hex(e.values["linux_tasks"]) == 2264)
        #expect(Self.hex(e.values["linux_mm"]) == 2344)
        #expect(Self.hex(e.values["linux_pid"]) == 2456)
        #expect(Self.hex(e.values["linux_name"]) == 3008)
        #expect(Self.hex(e.values["linux_pgd"]) == 80)
        #expect(Set(e.values.keys) == ["ostype", "linux_tasks", "linux_mm", "linux_pid", "linux_name", "linux_pgd"])
        // System.map is what the user must add; the rest LibVMI finds itself.
        for key in ["sysmap", "linux_init_task", "linux_kaslr", "kpgd"] {
            #expect(e.commentedKeys.contains(key), "\(key)")
        }
        #expect(export.warnings.count == 1)
        #expect(export.warnings.first?.hasPrefix("sysmap:") == true)
        #expect(export.warnings.first?.contains("/boot/System.map-6.1.0-56-amd64") == true)
        #expect(export.text.hasSuffix("}\n"))
    }

    @Test func libvmiArm64Entry() throws {
        let export = ProfileExport(profile: Self.armProfile(), format: .libvmi)
        let e = try #require(try Self.parseLibVMI(export.text).first)
        #expect(e.name == "debian-5.10.0-35-arm64")
        #expect(Self.hex(e.values["linux_tasks"]) == 2264)
        #expect(Self.hex(e.values["linux_pgd"]) == 80)
        #expect(e.commentedKeys.contains("pagemode"))
        #expect(export.warnings.map { String($0.prefix(while: { $0 != ":" })) } == ["sysmap"])
    }

    @Test func libvmiFlagsActiveMMThatDoesNotFollowMM() {
        var profile = Self.x86Profile()
        profile.offsets["task_struct.active_mm"] = 2400
        let export = ProfileExport(profile: profile, format: .libvmi)
        #expect(export.warnings.contains { $0.hasPrefix("linux_mm:") && $0.contains("active_mm at 2400") })
    }

    @Test func everyFormatRenders() throws {
        for format in ProfileExportFormat.allCases {
            for profile in [Self.x86Profile(), Self.armProfile(), Self.x86Profile612()] {
                let export = ProfileExport(profile: profile, format: format)
                #expect(export.text.hasSuffix("\n"))
                #expect(export.name == ProfileExport.defaultName(for: profile, format: format))
            }
        }
    }

    @Test func bannerParsing() {
        #expect(BannerFacts.utsVersion(ofBanner: Self.debian61Banner) == "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-01-12)")
        #expect(BannerFacts.utsVersion(ofBanner: "Linux version 5.4.0 (a@b) (gcc version 9.3.0 (Ubuntu 9.3.0-10ubuntu2)) #46~18.04.1-Ubuntu SMP Fri Jul 10 07:21:24 UTC 2020\n")
            == "#46~18.04.1-Ubuntu SMP Fri Jul 10 07:21:24 UTC 2020")
        #expect(BannerFacts.utsVersion(ofBanner: "not a banner") == nil)
        #expect(BannerFacts.distribution(ofBanner: "Linux version 5.4.0-42-generic (buildd@lgw01-amd64-023) (gcc version 7.5.0 (Ubuntu 7.5.0-3ubuntu1~18.04)) #46~18.04.1-Ubuntu") == "ubuntu")
        #expect(BannerFacts.distribution(ofBanner: "Linux version 6.6.1 (me@host) (gcc 13) #1 SMP") == "linux")
    }
}

extension StringProtocol {
    fileprivate func trimmed(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
