import KeywardCore

/// Offline checksum checks: a candidate that passes is a real key format with near certainty
/// (one random string in 2^32 passes by chance), so it is reported with high confidence.
enum ChecksumValidator {
    /// `secret` is the whole token; `bodyStart` is where the random part begins (after the anchor).
    static func validates(_ kind: RuleDefinition.Checksum, secret: UnsafeRawBufferPointer, bodyStart: Int) -> Bool {
        switch kind {
        case .keyward:
            return KeyFormat.shape(of: secret) != nil
        case .crc32Base62Tail:
            let tail = KeyFormat.checksumLength
            guard secret.count - bodyStart > tail else { return false }
            let body = UnsafeRawBufferPointer(rebasing: secret[bodyStart..<(secret.count - tail)])
            guard let declared = Base62.decode(secret[(secret.count - tail)...], as: UInt64.self) else { return false }
            return declared == UInt64(CRC32.checksum(body))
        case .bech32:
            return Bech32.validates(secret)
        }
    }
}

/// BIP 173 bech32: a human-readable part, the separator `1` (the last one), and data characters
/// whose last six are a BCH checksum over everything. One case throughout (age writes secret keys
/// in upper case); the checksum is computed on the lower-case form.
enum Bech32 {
    private static let alphabet = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
    private static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (value, byte) in alphabet.enumerated() {
            table[Int(byte)] = Int8(value)
            table[Int(byte.asciiUppercased)] = Int8(value)
        }
        return table
    }()

    static func validates(_ text: UnsafeRawBufferPointer) -> Bool {
        guard text.count >= 8, text.count <= 4096,
              let separator = text.lastIndex(of: UInt8(ascii: "1")), separator >= 1, text.count - separator - 1 >= 6
        else { return false }
        let hasLower = text.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
        let hasUpper = text.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
        guard !(hasLower && hasUpper) else { return false }
        var checksum: UInt32 = 1
        let prefix = text[..<separator].map(\.asciiLowercased)
        for byte in prefix {
            guard byte >= 33, byte <= 126 else { return false }
            checksum = polymod(checksum, UInt32(byte >> 5))
        }
        checksum = polymod(checksum, 0)
        for byte in prefix { checksum = polymod(checksum, UInt32(byte & 31)) }
        for byte in text[(separator + 1)...] {
            let value = values[Int(byte)]
            guard value >= 0 else { return false }
            checksum = polymod(checksum, UInt32(value))
        }
        return checksum == 1
    }

    private static let generators: [UInt32] = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]

    private static func polymod(_ checksum: UInt32, _ value: UInt32) -> UInt32 {
        let top = checksum >> 25
        var next = (checksum & 0x1FFFFFF) << 5 ^ value
        for (bit, generator) in generators.enumerated() where (top >> bit) & 1 == 1 {
            next ^= generator
        }
        return next
    }
}
