import Foundation
import KeywardCore

/// JSON text for the list and map columns of the governance tables.
///
/// Written by hand with sorted keys, so an unchanged value is byte-identical, and read by hand
/// for the two shapes these columns hold (`["a","b"]`, `{"k":"v"}`): an import or an evaluation
/// reads and writes millions of them, where Foundation's coders cost microseconds each. Anything
/// the fast reader does not expect falls back to `JSONDecoder`.
enum ColumnJSON {
    static func text(_ strings: [String]) -> String {
        if strings.isEmpty { return "[]" }
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (index, value) in strings.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONValue.writeString(value, into: &out)
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    static func text(_ map: [String: String]) -> String {
        if map.isEmpty { return "{}" }
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (index, key) in map.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONValue.writeString(key, into: &out)
            out.append(UInt8(ascii: ":"))
            JSONValue.writeString(map[key]!, into: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    static func text(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    static func strings(_ text: String, column: String) throws -> [String] {
        if text == "[]" { return [] }
        var reader = Reader(Array(text.utf8))
        if let values = reader.stringArray() { return values }
        return try decode([String].self, text, column: column)
    }

    static func stringMap(_ text: String, column: String) throws -> [String: String] {
        if text == "{}" { return [:] }
        var reader = Reader(Array(text.utf8))
        if let values = reader.stringMap() { return values }
        return try decode([String: String].self, text, column: column)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String, column: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw StoreError.corrupt("column \(column) holds \"\(text.prefix(60))\", which is not the expected JSON")
        }
    }

    /// A `LIKE` pattern (used with `ESCAPE '\'`) that finds `value` as a whole string element of
    /// a JSON list column.
    static func containsElement(_ value: String) -> String {
        "%" + likeEscaped(text([value]).dropFirst().dropLast()) + "%"
    }

    /// Like ``containsElement(_:)`` for elements that start with `prefix` (`"OWASP-NHI-2025:`).
    static func containsElementPrefix(_ prefix: String) -> String {
        "%" + likeEscaped(text([prefix]).dropFirst().dropLast().dropLast()) + "%"
    }

    private static func likeEscaped(_ text: Substring) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    /// Reads the JSON that ``text(_:)`` writes; returns nil on anything else.
    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func stringArray() -> [String]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var values: [String] = []
            if take(UInt8(ascii: "]")) { return position == bytes.count ? values : nil }
            repeat {
                guard let value = string() else { return nil }
                values.append(value)
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]")) && position == bytes.count ? values : nil
        }

        mutating func stringMap() -> [String: String]? {
            guard take(UInt8(ascii: "{")) else { return nil }
            var values: [String: String] = [:]
            if take(UInt8(ascii: "}")) { return position == bytes.count ? values : nil }
            repeat {
                guard let key = string(), take(UInt8(ascii: ":")), let value = string() else { return nil }
                values[key] = value
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "}")) && position == bytes.count ? values : nil
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        /// A string literal with the escapes `JSONValue.writeString` produces.
        private mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            var out: [UInt8] = []
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                switch byte {
                case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard position < bytes.count else { return nil }
                    let escape = bytes[position]
                    position += 1
                    if let decoded = JSONEscape.byte(for: escape) {
                        out.append(decoded)
                        continue
                    }
                    switch escape {
                    case UInt8(ascii: "u"):
                        // Only the control characters writeString escapes (\u00XX); others fall back.
                        guard position + 4 <= bytes.count, bytes[position] == UInt8(ascii: "0"), bytes[position + 1] == UInt8(ascii: "0"),
                              let high = Hex.nibble(bytes[position + 2]), let low = Hex.nibble(bytes[position + 3]) else { return nil }
                        out.append(high << 4 | low)
                        position += 4
                    default: return nil
                    }
                default: out.append(byte)
                }
            }
            return nil
        }
    }
}
