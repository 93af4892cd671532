import OspreyCore

/// One process's open handles (file descriptors) as a trace shows them: the name each was
/// opened with and whether it closes on `execve`.
///
/// A table only knows what the trace showed. A number it never saw opened has no entry and
/// reads as `?`; so does a number the process was seen using (it was open, but nobody saw by
/// what). The kernel hands out the lowest free number, so a call that returns handle 5 also
/// shows that 0...4 were open at that moment: ``allocated(_:name:closeOnExec:minimum:)``
/// records them as `?`, which keeps ``lowestFree(_:minimum:)`` close to the kernel's choice
/// for the calls whose new numbers the trace does not hold (`pipe`, `socketpair`).
public struct HandleTable: Sendable, Equatable {
    public struct Handle: Sendable, Equatable {
        public var name: GuestText
        public var closeOnExec: Bool

        public init(name: GuestText, closeOnExec: Bool) {
            self.name = name
            self.closeOnExec = closeOnExec
        }
    }

    /// The name of a handle the trace never showed being opened.
    public static let unknownName: GuestText = "?"

    /// Gaps wider than this are not filled with `?` entries (a number from `F_DUPFD` far above
    /// the rest says nothing useful about the numbers in between).
    static let largestGapFilled = 4096

    public private(set) var handles: [Int: Handle] = [:]

    public init() {}

    public subscript(_ handle: Int) -> Handle? { handles[handle] }

    /// The handle's name, `?` when the table does not know it.
    public func name(of handle: Int) -> GuestText { handles[handle]?.name ?? Self.unknownName }

    /// `handle` now refers to a new open object called `name` (replacing whatever it held).
    public mutating func open(_ handle: Int, name: GuestText, closeOnExec: Bool) {
        guard handle >= 0 else { return }
        handles[handle] = Handle(name: name, closeOnExec: closeOnExec)
    }

    /// `handle` was returned by a call that takes the lowest free number at or above `minimum`
    /// (open, socket, dup, F_DUPFD...): it is recorded, and every number in
    /// `minimum..<handle` the table does not know is recorded as open with name `?`.
    public mutating func allocated(_ handle: Int, name: GuestText, closeOnExec: Bool, minimum: Int = 0) {
        guard handle >= 0 else { return }
        let low = max(0, minimum)
        if handle > low && handle - low <= Self.largestGapFilled {
            for n in low..<handle where handles[n] == nil {
                handles[n] = Handle(name: Self.unknownName, closeOnExec: false)
            }
        }
        open(handle, name: name, closeOnExec: closeOnExec)
    }

    /// A call used `handle` successfully, so it is open: recorded as `?` when not known.
    public mutating func noteInUse(_ handle: Int) {
        if handle >= 0 && handles[handle] == nil {
            handles[handle] = Handle(name: Self.unknownName, closeOnExec: false)
        }
    }

    /// Removes `handle`; returns what it held, if known.
    @discardableResult
    public mutating func close(_ handle: Int) -> Handle? {
        handles.removeValue(forKey: handle)
    }

    public mutating func setCloseOnExec(_ handle: Int, _ on: Bool) {
        if handles[handle] == nil { noteInUse(handle) }
        handles[handle]?.closeOnExec = on
    }

    /// `dup2`/`dup3`/`dup`: `new` refers to what `old` refers to, closing `new` first.
    /// Returns the handle `new` held before (nil when none is known, or when `new == old`).
    @discardableResult
    public mutating func duplicate(_ old: Int, to new: Int, closeOnExec: Bool) -> Handle? {
        noteInUse(old)
        guard new != old, new >= 0 else { return nil }
        let replaced = handles[new]
        handles[new] = Handle(name: name(of: old), closeOnExec: closeOnExec)
        return replaced
    }

    /// The `count` lowest numbers at or above `minimum` the table holds no entry for: the ones
    /// the kernel would hand out next if the table is complete.
    public func lowestFree(_ count: Int, minimum: Int = 0) -> [Int] {
        var result: [Int] = []
        var n = max(0, minimum)
        while result.count < count {
            if handles[n] == nil { result.append(n) }
            n += 1
        }
        return result
    }

    /// A successful `execve`: close-on-exec handles are closed.
    public mutating func exec() {
        handles = handles.filter { !$0.value.closeOnExec }
    }
}
