/// Walks a circular kernel list: objects linked through the `list_head` at `link` inside
/// each (`task_struct.tasks`, `thread_group`), starting from the object at `start`.
enum KernelList {
    /// The objects in list order, `start` first. Empty when the list is broken: `next` cannot
    /// read a link (a pointer into nowhere), or the walk does not come back to `start` within
    /// `limit` steps (a loop that misses it, or garbage).
    static func elements(from start: UInt64, link: Int, limit: Int, next: (UInt64) -> UInt64?) -> [UInt64] {
        let offset = UInt64(bitPattern: Int64(link))
        var out: [UInt64] = [start]
        var node = start &+ offset
        for _ in 0..<limit {
            guard let following = next(node) else { return [] }
            let element = following &- offset
            if element == start { return out }
            out.append(element)
            node = following
        }
        return []
    }
}
