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
    /// The 22 base62 digits as ASCII, packed into three words (the last two bytes are zero).
    /// The verify index keeps this form: writing an id into a response is then a copy, where
    /// computing base62 digits of a 128-bit number costs two 128-bit divisions per digit.
    public var packedDigits: PackedDigits {
        var digits: [UInt8] = []
        digits.reserveCapacity(KeyID.digitCount)
        Base62.encode(value, width: KeyID.digitCount, into: &digits)
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &words) { raw in
            for (index, digit) in digits.enumerated() { raw[index] = digit }
        }
        return PackedDigits(words: words)
    }

    public struct PackedDigits: Sendable {
        var words: (UInt64, UInt64, UInt64)

        /// Calls `body` with the id's text (`key_` and the digits) as bytes.
        public func withText<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T {
            var text: (UInt64, UInt64, UInt64, UInt32) = (0, 0, 0, 0)
            return withUnsafeMutableBytes(of: &text) { raw in
                raw.copyBytes(from: KeyID.textPrefix.utf8)
                withUnsafeBytes(of: words) { digits in
                    UnsafeMutableRawBufferPointer(rebasing: raw[4..<(4 + KeyID.digitCount)]).copyMemory(from: UnsafeRawBufferPointer(rebasing: digits[0..<KeyID.digitCount]))
                }
                return body(UnsafeRawBufferPointer(rebasing: raw[0..<(4 + KeyID.digitCount)]))
            }
        }

        public var keyID: KeyID {
            withText { KeyID(String(decoding: $0, as: UTF8.self))! }
        }
    }

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
