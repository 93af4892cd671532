/// Names and traits of every system call of one ABI, indexed by number for the hot path.
public struct SyscallTable: Sendable {
    public let abi: SyscallABI
    private let names: [String?]
    private let traits: [SyscallTraits]
    private let paths: [[Int]]
    /// The number of `restart_syscall` in this ABI, if it has one.
    public let restartNumber: Int64?

    public init(abi: SyscallABI, entries: [(number: Int, name: String)]) {
        self.abi = abi
        let size = (entries.map(\.number).max() ?? -1) + 1
        var names = [String?](repeating: nil, count: size)
        var traits = [SyscallTraits](repeating: [], count: size)
        var paths = [[Int]](repeating: [], count: size)
        var restart: Int64?
        for (number, name) in entries where number >= 0 {
            names[number] = name
            traits[number] = SyscallTraits.of(name: name)
            paths[number] = PathArguments.of(name: name)
            if name == "restart_syscall" { restart = Int64(number) }
        }
        self.names = names
        self.traits = traits
        self.paths = paths
        self.restartNumber = restart
    }

    /// The table generated from linux-libc-dev for `abi`.
    public static func linux(_ abi: SyscallABI) -> SyscallTable {
        switch abi {
        case .x86_64: linuxX86_64
        case .i386: linuxI386
        case .aarch64: linuxAArch64
        }
    }

    private static let linuxX86_64 = SyscallTable(abi: .x86_64, entries: LinuxSyscallNames.x86_64)
    private static let linuxI386 = SyscallTable(abi: .i386, entries: LinuxSyscallNames.i386)
    private static let linuxAArch64 = SyscallTable(abi: .aarch64, entries: LinuxSyscallNames.aarch64)

    /// The call's name, or nil for a number this ABI does not define.
    @inlinable public func name(of number: Int64) -> String? {
        guard number >= 0, number < Int64(count) else { return nil }
        return nameAt(Int(number))
    }

    /// One more than the highest call number the table knows.
    public var count: Int { names.count }
    @usableFromInline func nameAt(_ i: Int) -> String? { names[i] }

    /// The call's traits (empty for unknown numbers).
    public func traits(of number: Int64) -> SyscallTraits {
        guard number >= 0, number < Int64(traits.count) else { return [] }
        return traits[Int(number)]
    }

    /// Indices of arguments that are path names.
    public func pathArguments(of number: Int64) -> [Int] {
        guard number >= 0, number < Int64(paths.count) else { return [] }
        return paths[Int(number)]
    }

    /// The number of the call named `name`, if this ABI has it.
    public func number(of name: String) -> Int64? {
        names.firstIndex(of: name).map { Int64($0) }
    }
}
