import Foundation

/// Encodes a value and reads it back as a JSON object, to check field names as consumers see them.
enum JSONTestCoding {
    static func object(_ value: some Encodable) throws -> [String: Any] {
        let data = try JSONEncoder().encode(value)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}

/// Decodes a rendered JSON report back into its model.
enum JSONDecoderForTests {
    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
