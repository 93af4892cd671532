extension DataFlowGraph {
    /// Graphviz DOT: processes as boxes labelled `pid comm`, files as ellipses, pipes as
    /// diamonds, sockets as hexagons, connections inside the guest as double octagons, other
    /// objects (`anon_inode:[eventfd]`...) as dashed ellipses; each edge labelled with the bytes
    /// moved (and the number of calls when more than one).
    public func dot() -> String {
        var text = "digraph flow {\n  rankdir=LR;\n  node [fontname=\"monospace\", fontsize=10];\n  edge [fontname=\"monospace\", fontsize=9];\n"
        for n in nodes {
            text += "  \(Self.quoted(n.id)) [\(Self.style(n.kind)), label=\(Self.quoted(n.label))];\n"
        }
        for e in edges {
            let label = "\(e.bytes) bytes" + (e.calls > 1 ? " in \(e.calls) calls" : "")
            text += "  \(Self.quoted(e.from)) -> \(Self.quoted(e.to)) [label=\(Self.quoted(label))];\n"
        }
        return text + "}\n"
    }

    static func style(_ kind: Kind) -> String {
        switch kind {
        case .process: return "shape=box, style=bold"
        case .file: return "shape=ellipse"
        case .pipe: return "shape=diamond"
        case .socket: return "shape=hexagon"
        case .channel: return "shape=doubleoctagon"
        case .other: return "shape=ellipse, style=dashed"
        }
    }

    /// A DOT double-quoted string: quotes and backslashes escaped, line breaks as `\n`, other
    /// control characters dropped.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where u.value < 0x20 || u.value == 0x7F: continue
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
