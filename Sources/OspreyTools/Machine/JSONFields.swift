import OspreyCore

/// The members of one JSON object from a file someone handed over, read strictly: every
/// member is read with its expected type and bounds, a member given twice or one nobody asked
/// for is an error (``finish()``), and each error names the field as a path
/// (`machine.drives[0].file`). `null` counts as absent.
struct JSONFields {
    /// This object's own field path ("" for the document).
    let path: String
    private let members: [(String, JSONValue)]
    private var asked: Set<String> = []

    init(_ value: JSONValue, at path: String) throws(MachineProblem) {
        guard case .object(let members) = value else { throw MachineProblem(field: path, reason: "is not a JSON object") }
        var seen: Set<String> = []
        for (key, _) in members where !seen.insert(key).inserted {
            throw MachineProblem(field: Self.join(path, key), reason: "is given twice")
        }
        self.path = path
        self.members = members
    }

    /// The path of member `key`.
    func field(_ key: String) -> String { Self.join(path, key) }

    static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? TextEscaping.token(key) : "\(path).\(TextEscaping.token(key))"
    }

    /// Member `key`, or nil when absent or null.
    mutating func value(_ key: String) -> JSONValue? {
        asked.insert(key)
        guard let value = members.first(where: { $0.0 == key })?.1, value != .null else { return nil }
        return value
    }

    /// A string that must be present.
    mutating func requiredString(_ key: String, maxBytes: Int = 1024) throws(MachineProblem) -> String {
        guard let text = try string(key, maxBytes: maxBytes) else { throw MachineProblem(field: field(key), reason: "is missing") }
        return text
    }

    mutating func string(_ key: String, maxBytes: Int = 1024) throws(MachineProblem) -> String? {
        guard let value = value(key) else { return nil }
        return try Self.string(value, at: field(key), maxBytes: maxBytes)
    }

    static func string(_ value: JSONValue, at field: String, maxBytes: Int = 1024) throws(MachineProblem) -> String {
        guard case .string(let text) = value else { throw MachineProblem(field: field, reason: "is not a string") }
        guard text.utf8.count <= maxBytes else { throw MachineProblem(field: field, reason: "is longer than \(maxBytes) bytes") }
        return text
    }

    /// A string that must name one of `E`'s cases.
    mutating func choice<E: RawRepresentable & CaseIterable>(_ key: String, of type: E.Type) throws(MachineProblem) -> E?
    where E.RawValue == String {
        guard let value = value(key) else { return nil }
        return try Self.choice(value, at: field(key), of: type)
    }

    static func choice<E: RawRepresentable & CaseIterable>(_ value: JSONValue, at field: String, of type: E.Type) throws(MachineProblem) -> E
    where E.RawValue == String {
        let text = try string(value, at: field, maxBytes: 64)
        guard let known = E(rawValue: text) else {
            throw MachineProblem(field: field, reason: "\(TextEscaping.token(text)) is not one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return known
    }

    mutating func int(_ key: String, in range: ClosedRange<Int>) throws(MachineProblem) -> Int? {
        guard let value = value(key) else { return nil }
        guard case .int(let number) = value else { throw MachineProblem(field: field(key), reason: "is not a whole number") }
        guard range.contains(number) else {
            throw MachineProblem(field: field(key), reason: "\(number) is not from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    mutating func number(_ key: String, in range: ClosedRange<Double>) throws(MachineProblem) -> Double? {
        let number: Double
        switch value(key) {
        case nil: return nil
        case .int(let i)?: number = Double(i)
        case .double(let d)?: number = d
        default: throw MachineProblem(field: field(key), reason: "is not a number")
        }
        guard range.contains(number) else { throw MachineProblem(field: field(key), reason: "\(number) is out of range") }
        return number
    }

    mutating func bool(_ key: String) throws(MachineProblem) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else { throw MachineProblem(field: field(key), reason: "is not true or false") }
        return flag
    }

    /// An array's elements with their field paths (`drives[0]`); empty when absent.
    mutating func array(_ key: String, max: Int) throws(MachineProblem) -> [(field: String, value: JSONValue)] {
        guard let value = value(key) else { return [] }
        guard case .array(let items) = value else { throw MachineProblem(field: field(key), reason: "is not an array") }
        guard items.count <= max else { throw MachineProblem(field: field(key), reason: "has more than \(max) elements") }
        return items.enumerated().map { ("\(field(key))[\($0.offset)]", $0.element) }
    }

    /// An array of strings; empty when absent.
    mutating func strings(_ key: String, max: Int, maxBytes: Int = 256) throws(MachineProblem) -> [String] {
        var result: [String] = []
        for (field, value) in try array(key, max: max) { result.append(try Self.string(value, at: field, maxBytes: maxBytes)) }
        return result
    }

    mutating func object(_ key: String) throws(MachineProblem) -> JSONFields? {
        guard let value = value(key) else { return nil }
        return try JSONFields(value, at: field(key))
    }

    /// An object of string values, in order, as QEMU settings (`{"cache": "unsafe"}`).
    mutating func settings(_ key: String) throws(MachineProblem) -> QemuKeyValues {
        guard let value = value(key) else { return QemuKeyValues(pairs: []) }
        let object = try JSONFields(value, at: field(key))
        guard object.members.count <= 64 else { throw MachineProblem(field: field(key), reason: "has more than 64 members") }
        var pairs: [(key: String, value: String)] = []
        for (name, item) in object.members {
            pairs.append((name, try Self.string(item, at: object.field(name), maxBytes: 256)))
        }
        return QemuKeyValues(pairs: pairs)
    }

    /// Throws for the first member that was not asked for.
    func finish() throws(MachineProblem) {
        if let unknown = members.first(where: { !asked.contains($0.0) }) {
            throw MachineProblem(field: field(unknown.0), reason: "is not a field of this format")
        }
    }
}
