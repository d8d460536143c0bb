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
        }
    }
}
