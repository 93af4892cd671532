import Foundation
import Testing

/// Checks the BTF oracle itself on the cached Debian 6.1 kernels: every profile key that exists
/// on 6.1 has an offset (and both readings, the oracle's BTF parser and pahole, agree, or
/// `offset` throws), and offsets obey layout facts that follow from the kernel's declarations.
@Suite("BTF oracle")
struct BTFOracleTests {
    static let amd64Package = "linux-image-6.1.0-56-amd64"
    static let arm64Package = "linux-image-6.1.0-56-arm64"

    /// Profile keys whose members do not exist on 6.1: `state` became `__state` in 5.14, the
    /// VMA list (`mmap`, `vm_next`) gave way to the maple tree in 6.1.
    static let absentOn61: Set<String> = ["task_struct.state", "mm_struct.mmap", "vm_area_struct.vm_next"]

    /// The cache root the guest kit uses: `$OSPREY_CACHE`, else `$XDG_CACHE_HOME/osprey`, else `~/.cache/osprey`.
    static var cacheRoot: URL {
        let environment = ProcessInfo.processInfo.environment
        if let root = environment["OSPREY_CACHE"], !root.isEmpty { return URL(fileURLWithPath: root) }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("osprey")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/osprey")
    }

    /// The `boot/vmlinuz-*` of a kernel package the guest kit has extracted into
    /// `kernels/<package>_<version>_<arch>/`, or nil when it is not cached.
    static func vmlinuz(of package: String) -> URL? {
        let kernels = cacheRoot.appendingPathComponent("kernels")
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: kernels.path) else { return nil }
        for entry in entries.sorted().reversed() where entry.hasPrefix(package + "_") {
            let boot = kernels.appendingPathComponent(entry).appendingPathComponent("boot")
            let files = (try? fm.contentsOfDirectory(atPath: boot.path)) ?? []
            if let name = files.sorted().first(where: { $0.hasPrefix("vmlinuz-") }) {
                return boot.appendingPathComponent(name)
            }
        }
        return nil
    }

    /// Where extracted BTF blobs are cached between runs.
    static var workDirectory: URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("osprey-tests/btf-oracle")
    }

    @Test("6.1 amd64: all 6.1 keys, layout facts, per-CPU current_task matches the kernel's export table",
          .enabled(if: vmlinuz(of: amd64Package) != nil,
                   "linux-image-6.1.0-56-amd64 is not in the guest kit's kernel cache (build a guest with it first)"))
    func amd64() throws {
        let started = Date()
        let file = try #require(Self.vmlinuz(of: Self.amd64Package))
        let oracle = try BTFOracle(vmlinuz: file, workDirectory: Self.workDirectory)
        try checkKeysAndLayout(oracle, label: "6.1 amd64")

        let current = try #require(try oracle.perCPUCurrentTaskOffset(), "amd64 6.1 has the per-cpu variable current_task")
        print("[BTF oracle] 6.1 amd64 per-CPU current_task offset: \(current) (0x\(String(current, radix: 16)))")
        // An independent source: x86 exports `current_task` (EXPORT_PER_CPU_SYMBOL), and the
        // kernel's own export table holds its per-CPU address.
        let image = try BTFOracle.KernelImage.decompress(vmlinuz: file, workDirectory: Self.workDirectory)
        let exported = try #require(try Self.exportedSymbolValue("current_task", in: image))
        #expect(UInt64(current) == exported)
        print("[BTF oracle] 6.1 amd64 took \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    @Test("6.1 arm64: all 6.1 keys, layout facts, no per-CPU current task",
          .enabled(if: vmlinuz(of: arm64Package) != nil,
                   "linux-image-6.1.0-56-arm64 is not in the guest kit's kernel cache (build a guest with it first)"))
    func arm64() throws {
        let started = Date()
        let file = try #require(Self.vmlinuz(of: Self.arm64Package))
        let oracle = try BTFOracle(vmlinuz: file, workDirectory: Self.workDirectory)
        try checkKeysAndLayout(oracle, label: "6.1 arm64")
        // arm64 keeps `current` in SP_EL0; the BTF still has a .data..percpu DATASEC.
        #expect(oracle.types.variables(inDataSection: ".data..percpu")?.isEmpty == false)
        #expect(try oracle.perCPUCurrentTaskOffset() == nil)
        print("[BTF oracle] 6.1 arm64 took \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    @Test("pahole output: anonymous members merged at printed offsets, named inline aggregates kept whole")
    func paholeParser() throws {
        let text = """
            struct demo {
            \tstruct {
            \t\tint                z;                    /*     0     4 */
            \t} __attribute__((__aligned__(4)));                /*     0     4 */
            \tint                        a;                    /*     0     4 */
            \tunion {
            \t\tint                b;                    /*     4     4 */
            \t\tstruct {
            \t\t\tshort      c;                    /*     4     2 */
            \t\t\tshort      d;                    /*     6     2 */
            \t\t};                                       /*     4     4 */
            \t};                                               /*     4     4 */
            \tstruct {
            \t\tint                inner;                /*     8     4 */
            \t} named;                                         /*     8     4 */

            \t/* XXX 4 bytes hole, try to pack */

            \tvoid                       (*fn)(struct demo *, int); /*    16     8 */
            \tchar                       comm[16];             /*    24    16 */
            \tunsigned char              bits:4;               /*    40: 0  1 */
            \tunsigned int               :0;
            \tstruct big                 stats __attribute__((__aligned__(64))); /*    64    64 */

            \t/* size: 128, cachelines: 2, members: 8 */
            };
            """
        let layout = try #require(try BTFOracle.PaholeLayouts.parse(text, typeName: "demo"))
        #expect(layout == ["z": 0, "a": 0, "b": 4, "c": 4, "d": 6, "named": 8, "fn": 16, "comm": 24, "bits": 40, "stats": 64])
        #expect(try BTFOracle.PaholeLayouts.parse(text, typeName: "other") == nil)
    }

    /// Checks presence of every profile key and layout facts that follow from the 6.1
    /// declarations (adjacent members of known sizes), prints the table, returns the offsets.
    @discardableResult
    private func checkKeysAndLayout(_ oracle: BTFOracle, label: String) throws -> [String: Int] {
        var offsets: [String: Int] = [:]
        var lines: [String] = []
        for key in BTFOracle.profileKeys {
            let offset = try oracle.offset(key: key)
            if Self.absentOn61.contains(key) {
                #expect(offset == nil, "\(key) does not exist on 6.1")
            } else {
                #expect(offset != nil, "\(key) exists on 6.1")
            }
            if let offset { offsets[key] = offset }
            let padded = key.padding(toLength: 30, withPad: " ", startingAt: 0)
            lines.append("  \(padded) \(offset.map { "\($0) (0x\(String($0, radix: 16)))" } ?? "absent")")
        }
        print("[BTF oracle] \(label) offsets from \(oracle.vmlinuz.lastPathComponent):\n" + lines.joined(separator: "\n"))

        func value(_ key: String) -> Int { offsets[key] ?? Int.min / 2 }
        // pid_t pid; pid_t tgid;
        #expect(value("task_struct.tgid") == value("task_struct.pid") + 4)
        // struct task_struct __rcu *real_parent; struct task_struct __rcu *parent;
        #expect(value("task_struct.parent") == value("task_struct.real_parent") + 8)
        // const struct cred __rcu *real_cred; const struct cred __rcu *cred;
        #expect(value("task_struct.cred") == value("task_struct.real_cred") + 8)
        // kuid_t uid; kgid_t gid; kuid_t suid; kgid_t sgid; kuid_t euid; kgid_t egid;
        #expect(value("cred.gid") == value("cred.uid") + 4)
        #expect(value("cred.euid") == value("cred.uid") + 16)
        #expect(value("cred.egid") == value("cred.uid") + 20)
        // unsigned long start_brk, brk, start_stack; unsigned long arg_start, arg_end, env_start, env_end;
        // (inside the anonymous struct that wraps most of mm_struct on 6.1)
        for (earlier, later) in [("start_brk", "brk"), ("brk", "start_stack"), ("start_stack", "arg_start"),
                                 ("arg_start", "arg_end"), ("arg_end", "env_start"), ("env_start", "env_end")] {
            #expect(value("mm_struct.\(later)") == value("mm_struct.\(earlier)") + 8, "mm_struct.\(earlier) then \(later)")
        }
        #expect(value("mm_struct.pgd") > value("mm_struct.mm_mt"))
        // unsigned long vm_start; unsigned long vm_end;
        #expect(value("vm_area_struct.vm_end") == value("vm_area_struct.vm_start") + 8)
        // struct vfsmount *mnt; struct dentry *dentry;
        #expect(value("path.dentry") == value("path.mnt") + 8)
        // struct path root, pwd;
        #expect(value("fs_struct.pwd") == value("fs_struct.root") + 16)
        // struct mount *mnt_parent; struct dentry *mnt_mountpoint; struct vfsmount mnt;
        #expect(value("mount.mnt_mountpoint") == value("mount.mnt_parent") + 8)
        #expect(value("mount.mnt") == value("mount.mnt_mountpoint") + 8)
        // union { struct { u32 hash; u32 len; }; u64 hash_len; }; const unsigned char *name;
        #expect(value("qstr.len") == value("qstr.name") - 4)
        // union { __addrpair skc_addrpair; struct { __be32 skc_daddr; __be32 skc_rcv_saddr; }; };
        #expect(value("sock_common.skc_rcv_saddr") == value("sock_common.skc_daddr") + 4)
        // union { __portpair skc_portpair; struct { __be16 skc_dport; __u16 skc_num; }; };
        // unsigned short skc_family;  -- the union is at a non-zero offset, and skc_family follows
        // it directly, so this only holds if offsets inside it are from the start of sock_common.
        #expect(value("sock_common.skc_num") == value("sock_common.skc_dport") + 2)
        #expect(value("sock_common.skc_family") == value("sock_common.skc_dport") + 4)
        #expect(try oracle.offset("sock_common", "skc_portpair") == value("sock_common.skc_dport"))
        #expect(value("sock_common.skc_dport") > 0)
        // unsigned short skc_family; volatile unsigned char skc_state; unsigned char skc_reuse:4;
        // unsigned char skc_reuseport:1;  -- bitfields (BTF kind_flag encoding) give their byte.
        #expect(try oracle.offset("sock_common", "skc_reuseport") == value("sock_common.skc_family") + 3)
        return offsets
    }

    /// The value of exported symbol `name` in the export table (`__ksymtab`, `__ksymtab_gpl`) of
    /// an ELF vmlinux built with PREL32 relocations (x86-64): entries of three 32-bit fields
    /// (`value_offset`, `name_offset`, `namespace_offset`), each relative to its own address.
    static func exportedSymbolValue(_ name: String, in image: [UInt8]) throws -> UInt64? {
        let elf = try BTFOracle.ELFSections(image)
        for tableName in ["__ksymtab", "__ksymtab_gpl"] {
            guard let table = elf.section(named: tableName) else { continue }
            guard table.fileRange.count % 12 == 0 else { throw BTFOracle.Failure("\(tableName) is not made of 12-byte entries") }
            for entry in stride(from: 0, to: table.fileRange.count, by: 12) {
                let at = table.fileRange.lowerBound + entry
                let address = table.address &+ UInt64(entry)
                let nameOffset = Int32(bitPattern: BTFOracle.LittleEndian.u32(image, at + 4))
                let nameAddress = address &+ 4 &+ UInt64(bitPattern: Int64(nameOffset))
                guard let nameAt = elf.fileOffset(ofAddress: nameAddress) else {
                    throw BTFOracle.Failure("\(tableName) entry \(entry / 12) names an address outside the image")
                }
                var end = nameAt
                while end < image.count && image[end] != 0 { end += 1 }
                guard String(decoding: image[nameAt..<end], as: UTF8.self) == name else { continue }
                let valueOffset = Int32(bitPattern: BTFOracle.LittleEndian.u32(image, at))
                return address &+ UInt64(bitPattern: Int64(valueOffset))
            }
        }
        return nil
    }
}
