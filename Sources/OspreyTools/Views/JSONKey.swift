import OspreyCore

/// A JSON object key known at run time, for views whose JSON output holds guest text.
struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedEncodingContainer where Key == JSONKey {
    /// Guest text losslessly, by the trace's rule: a string under `name` when its bytes are
    /// UTF-8, hex digits under `name_hex` when they are not; `null` under `name` for nil
    /// when `nullWhenAbsent`, nothing otherwise.
    mutating func encode(text: GuestText?, forKey name: String, nullWhenAbsent: Bool = false) throws {
        guard let text else {
            if nullWhenAbsent { try encodeNil(forKey: JSONKey(name)) }
            return
        }
        if let string = text.utf8String {
            try encode(string, forKey: JSONKey(name))
        } else {
            try encode(HexBytes.encode(text.bytes), forKey: JSONKey(name + "_hex"))
        }
    }

    /// A list of guest texts: strings under `name`, or, if any is not UTF-8, all as hex
    /// under `name_hex`.
    mutating func encode(texts: [GuestText], forKey name: String) throws {
        let strings = texts.compactMap(\.utf8String)
        if strings.count == texts.count {
            try encode(strings, forKey: JSONKey(name))
        } else {
            try encode(texts.map { HexBytes.encode($0.bytes) }, forKey: JSONKey(name + "_hex"))
        }
    }

    mutating func encode<T: Encodable>(_ value: T, forKey name: String) throws {
        try encode(value, forKey: JSONKey(name))
    }

    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey name: String) throws {
        try encodeIfPresent(value, forKey: JSONKey(name))
    }
}

/// Coding keys of a view's JSON whose guest-text fields have a `_hex` twin.
protocol TextCodingKey: CodingKey {
    /// The `NAME_hex` key of a text field, nil for other fields.
    var hexKey: Self? { get }
}

extension KeyedEncodingContainer where Key: TextCodingKey {
    /// Guest text losslessly under `key` (UTF-8) or its `hexKey` (hex of other bytes); nothing for nil.
    mutating func encode(text: GuestText?, forKey key: Key) throws {
        guard let text else { return }
        if let string = text.utf8String {
            try encode(string, forKey: key)
        } else if let hex = key.hexKey {
            try encode(HexBytes.encode(text.bytes), forKey: hex)
        }
    }
}

extension KeyedDecodingContainer where Key: TextCodingKey {
    /// The guest text under `key` or its `hexKey`, nil when neither is there.
    func decodeText(_ key: Key) throws -> GuestText? {
        if let string = try decodeIfPresent(String.self, forKey: key) { return GuestText(string) }
        guard let hexKey = key.hexKey, let hex = try decodeIfPresent(String.self, forKey: hexKey) else { return nil }
        guard let bytes = HexBytes.decode(hex) else {
            throw DecodingError.dataCorruptedError(forKey: hexKey, in: self, debugDescription: "not hex digits")
        }
        return GuestText(bytes: bytes)
    }
}
