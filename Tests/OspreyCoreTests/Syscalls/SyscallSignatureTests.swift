import OspreyCore
import Testing

/// The generated signatures (scripts/gen-syscall-signatures.py) cover the name tables and are
/// self-consistent.
@Suite("Syscall signatures from the kernel's prototypes")
struct SyscallSignatureTests {
    @Test(arguments: [SyscallABI.x86_64, .aarch64])
    func everyNamedCallHasASignature(_ abi: SyscallABI) {
        let table = abi == .x86_64 ? LinuxSyscallNames.x86_64 : LinuxSyscallNames.aarch64
        let missing = table.map(\.name).filter { LinuxSyscallSignatures.parameters(of: $0, abi: abi) == nil }
        #expect(missing.isEmpty, "no signature: \(missing)")
    }

    @Test(arguments: [SyscallABI.x86_64, .aarch64])
    func argumentReferencesPointInsideTheCall(_ abi: SyscallABI) {
        let table = abi == .x86_64 ? LinuxSyscallNames.x86_64 : LinuxSyscallNames.aarch64
        for (_, name) in table {
            guard let params = LinuxSyscallSignatures.parameters(of: name, abi: abi) else { continue }
            #expect(params.count <= 6, "\(name) has \(params.count) parameters")
            for p in params {
                let reference: Int? = switch p.kind {
                case .bufferIn(let i), .bufferOut(let i), .sockaddrIn(let i), .sockaddrOut(let i), .pollfds(let i): i
                case .iovec(let i, _): i
                default: nil
                }
                if let reference { #expect(reference >= 0 && reference < params.count, "\(name).\(p.name) refers to argument \(reference)") }
            }
        }
    }

    @Test func theCallsStraceUsersReadMostHaveTheKindsTheirManualPagesGive() {
        func kinds(_ name: String, _ abi: SyscallABI = .x86_64) -> [SyscallArgumentKind] {
            LinuxSyscallSignatures.parameters(of: name, abi: abi)?.map(\.kind) ?? []
        }
        #expect(kinds("openat") == [.dirfd, .path, .flags(.open), .mode])
        #expect(kinds("openat", .aarch64) == [.dirfd, .path, .flags(.open), .mode])
        #expect(kinds("read") == [.fd, .bufferOut(length: 2), .unsigned])
        #expect(kinds("write") == [.fd, .bufferIn(length: 2), .unsigned])
        #expect(kinds("connect") == [.fd, .sockaddrIn(length: 2), .signed])
        #expect(kinds("execve") == [.path, .stringArray, .stringArray])
        #expect(kinds("mmap") == [.pointer, .unsigned, .flags(.prot), .flags(.map), .fd, .unsigned])
        #expect(kinds("newfstatat") == [.dirfd, .path, .structOut(.stat), .flags(.at)])
        #expect(kinds("fstat").first == .fd)
        #expect(kinds("pipe2") == [.fdPairOut, .flags(.open)])
        #expect(kinds("kill") == [.pid, .signal])
        #expect(LinuxSyscallSignatures.parameters(of: "open", abi: .aarch64) == nil)  // AArch64 has openat only
    }
}
