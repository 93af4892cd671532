import Foundation

/// The `.modinfo` section of a Linux kernel module: NUL-separated `key=value` strings that
/// the kernel build writes into every `.ko` (`name=`, `depends=`, `softdep=`, `alias=`,
/// `vermagic=`, `license=`, ...). Debian's kernel packages ship no `modules.dep`, so this is
/// where a module's dependencies are read from.
struct ModuleInfo: Equatable {
    /// `name=`: the module's name as the kernel knows it, when present.
    var name: String?
    /// `depends=`: the modules that export symbols this one uses, normalized
    /// (``KernelModuleName/normalize(_:)``), in file order. Only modules appear here, never
    /// code built into the kernel.
    var depends: [String]
    /// The names in `softdep=` (`pre: a b post: c`): modules or aliases that modprobe loads
    /// around this one. Aliases such as `crypto-crc32c` are not module names.
    var softDependencies: [String]
    /// `vermagic=`: the kernel release and build options the module was built for.
    var vermagic: String?

    /// Parses the bytes of a `.modinfo` section. Unknown keys are ignored; a repeated
    /// `depends=` adds to the list.
    init(modinfo: some Sequence<UInt8>) {
        name = nil
        depends = []
        softDependencies = []
        vermagic = nil
        for field in modinfo.split(separator: 0, omittingEmptySubsequences: true) {
            let text = String(decoding: field, as: UTF8.self)
            guard let equals = text.firstIndex(of: "=") else { continue }
            let key = text[..<equals]
            let value = String(text[text.index(after: equals)...])
            switch key {
            case "name": name = value
            case "depends":
                depends += value.split(separator: ",").map { KernelModuleName.normalize(String($0)) }
            case "softdep":
                softDependencies += value.split(separator: " ").map(String.init).filter { $0 != "pre:" && $0 != "post:" }
            case "vermagic": vermagic = value
            default: break
            }
        }
    }

    /// Reads the `.modinfo` section of a module file's (uncompressed) bytes; `file` labels
    /// errors.
    init(moduleData data: Data, file: String) throws {
        let sections = try ELFSections(data: data, name: file)
        guard let modinfo = sections.contents(of: ".modinfo") else {
            throw GuestKitError.malformed(file: file, reason: "no .modinfo section: not a kernel module")
        }
        self.init(modinfo: modinfo)
    }
}

/// Kernel module names. The kernel treats `-` and `_` in them as the same character
/// (`crc32c-intel.ko` is the module `crc32c_intel`); the guest kit spells them with `_`.
enum KernelModuleName {
    /// `crc32c-intel` -> `crc32c_intel`.
    static func normalize(_ name: String) -> String {
        name.replacingOccurrences(of: "-", with: "_")
    }

    /// The module name of a file name: `virtio_blk.ko`, `ext4.ko.xz`, `crc32c-intel.ko.zst`
    /// -> `virtio_blk`, `ext4`, `crc32c_intel`; nil for other files.
    static func fromFileName(_ fileName: String) -> String? {
        for suffix in KernelModuleFile.suffixes where fileName.hasSuffix(suffix) && fileName.count > suffix.count {
            return normalize(String(fileName.dropLast(suffix.count)))
        }
        return nil
    }

    /// True for names that are safe to write into the boot init script and a file name:
    /// letters, digits and `_` only (after ``normalize(_:)``).
    static func isPlain(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x5F }
    }
}
