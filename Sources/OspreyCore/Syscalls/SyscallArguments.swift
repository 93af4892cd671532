/// The six raw argument registers of a system call, stored inline (no allocation).
public struct SyscallArguments: Sendable, Equatable {
    public var a0: UInt64 = 0, a1: UInt64 = 0, a2: UInt64 = 0, a3: UInt64 = 0, a4: UInt64 = 0, a5: UInt64 = 0

    public init() {}

    public init(_ values: [UInt64]) {
        for (i, v) in values.prefix(6).enumerated() { self[i] = v }
    }

    public static let count = 6

    public subscript(index: Int) -> UInt64 {
        get {
            switch index {
            case 0: a0
            case 1: a1
            case 2: a2
            case 3: a3
            case 4: a4
            default: a5
            }
        }
        set {
            switch index {
            case 0: a0 = newValue
            case 1: a1 = newValue
            case 2: a2 = newValue
            case 3: a3 = newValue
            case 4: a4 = newValue
            default: a5 = newValue
            }
        }
    }
}
