import Testing
@testable import OspreyCore

@Suite("Blocks shared between mappings")
struct SharedTranslationTests {
    // Values seen on the 6.1 amd64 guest: the program counter read at a `syscall` holds the
    // block's start; a block of ld.so translated for strace ran in getconf at another base.
    @Test func anUnsharedBlockKeepsItsTranslatedAddress() {
        #expect(SharedTranslation.runningAddress(translated: 0x4a_980b, programCounter: 0x4a_9776) == 0x4a_980b)
        #expect(SharedTranslation.runningAddress(translated: 0x7f81_2133_5606, programCounter: 0x7f81_2133_55b0) == 0x7f81_2133_5606)
        #expect(SharedTranslation.runningAddress(translated: 0x4000, programCounter: 0x4000) == 0x4000)
    }

    @Test func aSharedBlockRunsAtTheSamePageOffsetOfTheCurrentMapping() {
        // Translated at 0x7f8121464f35 for one process, running in another at 0x7eff61c15xxx.
        #expect(SharedTranslation.runningAddress(translated: 0x7f81_2146_4f35, programCounter: 0x7eff_61c1_5f00) == 0x7eff_61c1_5f35)
        // A mapping above the translated one, and a block whose start is on the previous page.
        #expect(SharedTranslation.runningAddress(translated: 0x7000_0010, programCounter: 0x9000_0ff0 - 0x2000) == 0x8fff_f010)
        #expect(SharedTranslation.runningAddress(translated: 0x5555_0004, programCounter: 0x7777_0ffc) == 0x7777_1004)
    }
}
