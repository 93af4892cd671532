/// A declarative graph of profile tests. Order is the traversal order: a test comes after
/// the tests that find the fields it needs.
public struct ProfileGraph<Facts>: Sendable {
    public var tests: [ProfileTest<Facts>]
    /// Groups of alternatives: a kernel has one of the options (each a set of fields), e.g.
    /// `[["mm_struct.mm_mt", "maple_tree.ma_root"], ["mm_struct.mmap", "vm_area_struct.vm_next"]]`.
    /// A group counts as one requirement, met when every field of one option is found.
    public var alternatives: [[[String]]]

    public init(tests: [ProfileTest<Facts>], alternatives: [[[String]]] = []) {
        self.tests = tests
        self.alternatives = alternatives
    }

    /// Every field some test enumerates, in graph order, without duplicates.
    public var fields: [String] {
        var seen = Set<String>()
        var out: [String] = []
        for test in tests {
            for field in test.fields where seen.insert(field.key).inserted { out.append(field.key) }
        }
        return out
    }
}
