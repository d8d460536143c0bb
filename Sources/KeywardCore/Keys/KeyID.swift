/// A key's public, non-secret identifier: `key_` followed by 22 base62 digits of 128 random bits.
///
/// Stored as a number so the verify index carries 16 bytes per key instead of a heap string,
/// and written out digit by digit when a response needs it.
public struct KeyID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public static let textPrefix = "key_"
    static let digitCount = 22

    public let value: UInt128

    public init(value: UInt128) { self.value = value }

    public static func random() -> KeyID {
        var generator = SystemRandomNumberGenerator()
        return KeyID(value: UInt128(generator.next() as UInt64) << 64 | UInt128(generator.next() as UInt64))
    }

    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 4 + KeyID.digitCount, bytes.starts(with: KeyID.textPrefix.utf8),
              let value = Base62.decode(bytes[4...], as: UInt128.self)
        else { return nil }
        self.value = value
    }

    public static func < (lhs: KeyID, rhs: KeyID) -> Bool { lhs.value < rhs.value }
    public func write(into bytes: inout [UInt8]) {
        bytes.append(contentsOf: KeyID.textPrefix.utf8)
        Base62.encode(value, width: KeyID.digitCount, into: &bytes)
    }

    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(26)
        write(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = KeyID(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a key id (expected key_ and 22 base62 characters)")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
