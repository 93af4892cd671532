/// The key of something a ``Probe`` caches for one stop: which object (a small tag the graph
/// defines) and the words it was read through (offsets of the fields tried, an address).
///
/// A plain value so that looking up a cached read on the enumeration's hot path builds no
/// string and allocates nothing (profile tests call these lookups at every step).
public struct ProbeCacheKey: Hashable, Sendable {
    public var tag: UInt8
    public var a: Int64, b: Int64, c: Int64

    public init(tag: UInt8, _ a: Int64 = 0, _ b: Int64 = 0, _ c: Int64 = 0) {
        self.tag = tag
        self.a = a
        self.b = b
        self.c = c
    }

    /// A key over offsets that may be unknown (nil reads as `Int64.min`, no offset's value).
    public init(tag: UInt8, offsets a: Int?, _ b: Int? = nil, _ c: Int? = nil) {
        self.init(tag: tag, a.map(Int64.init) ?? .min, b.map(Int64.init) ?? .min, c.map(Int64.init) ?? .min)
    }
}
