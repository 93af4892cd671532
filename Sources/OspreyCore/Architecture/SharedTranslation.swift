/// Where an instrumented instruction really is.
///
/// QEMU shares a translated block between all virtual addresses that map the same physical
/// code page (position-independent blocks, `CF_PCREL`, used for x86-64 and AArch64 guests):
/// the address an instruction had when its block was translated, which the plugin packs into
/// its callback at translation time, can be another process's mapping of the same library
/// page (`ld.so` and `libc` are shared by every dynamically linked process, each at its own
/// randomised base). Shared blocks keep the page offset: the mappings differ by a whole
/// number of pages.
///
/// At a callback the vCPU's program-counter register holds the running address of the
/// block's start, or of the last point inside the block where QEMU updated it: never after
/// the instruction, and in practice less than a page before it.
public enum SharedTranslation {
    /// The running address of an instruction translated at `translated`, given the
    /// program counter read at its callback.
    public static func runningAddress(translated: UInt64, programCounter: UInt64) -> UInt64 {
        let behind = translated &- programCounter
        if behind < 4096 { return translated }  // not shared, or shared at the same address
        return programCounter &+ (behind & 0xFFF)
    }
}
