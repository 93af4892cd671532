import Foundation

extension BTFOracle {
    /// Struct layouts as printed by `pahole -F btf -C NAME FILE` (dwarves), reduced to a map
    /// from member name to byte offset from the start of the named struct.
    ///
    /// pahole prints a member of an anonymous struct or union with its offset from the start of
    /// the outermost struct, not from the anonymous aggregate: in `struct sock_common` (6.1) the
    /// third anonymous union sits at byte 12 and pahole prints its `skc_dport` at 12 and
    /// `skc_num` at 14, where offsets relative to the union would be 0 and 2. So members of
    /// anonymous aggregates are merged into the outer map as printed. A member whose type is an
    /// inline struct or union with a name (`struct { ... } name;`) counts as one member, `name`,
    /// at the offset printed on its closing line; what is inside it is not a member of the outer
    /// struct and is dropped.
    final class PaholeLayouts: @unchecked Sendable {
        let btfFile: URL
        let workDirectory: URL
        private let lock = NSLock()
        private var cache: [String: [String: Int]?] = [:]

        init(btfFile: URL, workDirectory: URL) {
            self.btfFile = btfFile
            self.workDirectory = workDirectory
        }

        /// Member offsets of struct or union `name`, or nil when pahole does not know the type.
        func layout(of name: String) throws -> [String: Int]? {
            if let cached = lock.withLock({ cache[name] }) { return cached }
            guard let pahole = Tool.locate("pahole") else {
                throw Failure("pahole is not installed (Debian package dwarves; scripts/setup.sh installs it)")
            }
            let output = workDirectory.appendingPathComponent("pahole-\(UUID().uuidString.prefix(8)).txt")
            defer { try? FileManager.default.removeItem(at: output) }
            let result = try Tool.run(pahole, ["-F", "btf", "-C", name, btfFile.path], input: nil, output: output)
            guard result.status == 0 else {
                throw Failure("pahole -C \(name) failed with status \(result.status): \(result.standardError)")
            }
            let text = try String(contentsOf: output, encoding: .utf8)
            let layout = try Self.parse(text, typeName: name)
            lock.withLock { cache[name] = .some(layout) }
            return layout
        }

        /// Parses pahole's C-like output for `typeName`; nil when the output has no such type.
        static func parse(_ text: String, typeName: String) throws -> [String: Int]? {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard let start = lines.firstIndex(where: { $0 == "struct \(typeName) {" || $0 == "union \(typeName) {" }) else {
                return nil
            }
            // One frame per open aggregate: the members collected in it so far.
            var frames: [[(name: String, offset: Int)]] = [[]]
            for line in lines[(start + 1)...] {
                let (code, comment) = split(line)
                if code.isEmpty { continue }
                if code.hasSuffix("{") {
                    frames.append([])
                    continue
                }
                if code.hasPrefix("}") {
                    let closed = frames.removeLast()
                    if frames.isEmpty {
                        return Dictionary(closed.map { ($0.name, $0.offset) }, uniquingKeysWith: { first, _ in first })
                    }
                    // `};` or `} __attribute__((__aligned__(64)));` close an anonymous aggregate.
                    let name = declaredName(String(code.dropFirst()))
                    if name.isEmpty {
                        frames[frames.count - 1] += closed
                    } else {
                        guard let offset = firstNumber(comment) else { throw Failure("pahole line without an offset: \(line)") }
                        frames[frames.count - 1].append((name, offset))
                    }
                    continue
                }
                guard code.hasSuffix(";") else { continue }
                let name = declaredName(code)
                // pahole prints an unnamed zero-width bitfield (`unsigned int :0;`) without an offset.
                if name.isEmpty { continue }
                guard let offset = firstNumber(comment) else { throw Failure("pahole line without an offset: \(line)") }
                frames[frames.count - 1].append((name, offset))
            }
            throw Failure("pahole output for \(typeName) ends inside the struct")
        }

        /// The code of a line (trimmed) and the text of its trailing `/* ... */` comment.
        private static func split(_ line: String) -> (code: String, comment: String) {
            guard let open = line.range(of: "/*") else { return (line.trimmingCharacters(in: .whitespaces), "") }
            let code = line[..<open.lowerBound].trimmingCharacters(in: .whitespaces)
            let rest = line[open.upperBound...]
            let comment = rest.range(of: "*/").map { String(rest[..<$0.lowerBound]) } ?? String(rest)
            return (code, comment)
        }

        /// The leading decimal number of a pahole offset comment (`    19: 0  1 ` gives 19).
        private static func firstNumber(_ comment: String) -> Int? {
            Int(comment.trimmingCharacters(in: .whitespaces).prefix { $0.isNumber })
        }

        /// The declared name in a C declaration such as `unsigned char  skc_reuse:4;`,
        /// `char comm[16];`, `void (*fn)(struct x *);` or `struct s stats __attribute__((...));`.
        static func declaredName(_ declaration: String) -> String {
            var text = declaration.trimmingCharacters(in: .whitespaces)
            if text.hasSuffix(";") { text.removeLast() }
            while let attribute = text.range(of: "__attribute__") {
                // Drop `__attribute__((...))` with its balanced parentheses.
                var depth = 0
                var end = attribute.upperBound
                while end < text.endIndex {
                    if text[end] == "(" { depth += 1 }
                    if text[end] == ")" {
                        depth -= 1
                        if depth == 0 {
                            end = text.index(after: end)
                            break
                        }
                    }
                    end = text.index(after: end)
                }
                text.removeSubrange(attribute.lowerBound..<end)
            }
            if let pointer = text.range(of: "(*") {
                let rest = text[pointer.upperBound...]
                return String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
            }
            text = text.trimmingCharacters(in: .whitespaces)
            if let colon = text.lastIndex(of: ":") {
                // pahole writes a bitfield as `name:width`; a blank before the colon means an
                // unnamed bitfield (`unsigned int :0`), which has no name to return.
                guard colon > text.startIndex, !text[text.index(before: colon)].isWhitespace else { return "" }
                text = String(text[..<colon])
            }
            while text.hasSuffix("]"), let bracket = text.lastIndex(of: "[") {
                text = String(text[..<bracket]).trimmingCharacters(in: .whitespaces)
            }
            return String(text.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed())
        }
    }
}
