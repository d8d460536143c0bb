/// The fixed key format: `<prefix>_<env>_<random><checksum>`.
///
/// - `prefix`: the deployment's prefix (default `kw`), lowercase letters and digits.
/// - `env`: the environment tag (`live`, `test`, …), lowercase letters and digits.
/// - `random`: 32 base62 characters from the system CSPRNG (about 190 bits).
/// - `checksum`: CRC-32 (IEEE) of every byte before it, as 6 base62 digits, most significant first.
///
/// The checksum lets anyone recognise a keyward key offline, so a verifier rejects mistyped or
/// invented strings without a lookup and a scanner reports keyward keys with no false positives.
public struct KeyFormat: Sendable, Hashable {
    public static let randomLength = 32
    public static let checksumLength = 6
    /// Longest prefix and environment tag accepted; bounds every key at `maximumLength` bytes.
    public static let maximumTagLength = 16
    public static let maximumLength = maximumTagLength * 2 + 2 + randomLength + checksumLength
    /// Shortest well-formed key: one-letter prefix and tag.
    public static let minimumLength = 1 + 1 + 1 + 1 + randomLength + checksumLength

    public let prefix: String

    /// - Throws: ``KeywardError/invalidArgument`` when the prefix is not 1–16 lowercase letters or digits.
    public init(prefix: String = "kw") throws {
        guard KeyFormat.isValidTag(prefix) else {
            throw KeywardError.invalidArgument("key prefix must be 1-\(KeyFormat.maximumTagLength) lowercase letters or digits, got \"\(prefix.prefix(32))\"")
        }
        self.prefix = prefix
    }

    public static let `default` = try! KeyFormat(prefix: "kw")

    public static func isValidTag(_ tag: String) -> Bool {
        let bytes = tag.utf8
        return (1...maximumTagLength).contains(bytes.count) && bytes.allSatisfy { isTagByte($0) }
    }
    static func isTagByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
    }
}

/// Where the parts of a well-formed key lie within its bytes.
public struct KeyShape: Sendable, Equatable {
    public var prefix: Range<Int>
    public var environment: Range<Int>
    public var random: Range<Int>
    public var checksum: Range<Int>
}

extension KeyFormat {
    /// Checks structure and checksum of a candidate key in any deployment's prefix.
    ///
    /// This is the offline test scanners use: no allocation, no lookup. Returns nil when the
    /// bytes are not exactly one well-formed key with a matching checksum.
    public static func shape(of bytes: UnsafeRawBufferPointer) -> KeyShape? {
        let count = bytes.count
        guard count >= minimumLength, count <= maximumLength else { return nil }
        let tailStart = count - randomLength - checksumLength
        guard bytes[tailStart - 1] == UInt8(ascii: "_") else { return nil }
        // prefix: bytes[0..<p], '_' at p, env: bytes[p+1 ..< tailStart-1]
        var separator = -1
        for index in 0..<(tailStart - 1) {
            let byte = bytes[index]
            if byte == UInt8(ascii: "_") {
                guard separator < 0 else { return nil }
                separator = index
            } else if !isTagByte(byte) {
                return nil
            }
        }
        guard separator >= 1, separator <= maximumTagLength,
              tailStart - 1 - (separator + 1) >= 1, tailStart - 1 - (separator + 1) <= maximumTagLength
        else { return nil }
        // One read of the table for the whole loop: a `static let` read per byte costs a
        // lazy-initialisation check per byte.
        let declared: UInt64? = Base62.values.withUnsafeBufferPointer { values in
            var declared: UInt64 = 0
            for index in tailStart..<count {
                let digit = values[Int(bytes[index])]
                guard digit != 0xFF else { return nil }
                if index >= count - checksumLength { declared = declared * 62 + UInt64(digit) }
            }
            return declared
        }
        guard let declared else { return nil }
        let computed = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<(count - checksumLength)]))
        guard declared == UInt64(computed) else { return nil }
        return KeyShape(
            prefix: 0..<separator,
            environment: (separator + 1)..<(tailStart - 1),
            random: tailStart..<(count - checksumLength),
            checksum: (count - checksumLength)..<count
        )
    }

    public static func shape(of text: String) -> KeyShape? {
        var text = text
        return text.withUTF8 { shape(of: UnsafeRawBufferPointer($0)) }
    }

    /// True when `bytes` are a well-formed key of this deployment's prefix.
    public func accepts(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let shape = KeyFormat.shape(of: bytes) else { return false }
        return prefix.utf8.elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[shape.prefix]))
    }
}
