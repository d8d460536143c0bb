extension KeyFormat {
    /// Issues a new key for `environment` (which must be a valid tag).
    public func generate<G: RandomNumberGenerator>(environment: String, using generator: inout G) -> PlaintextKey {
        precondition(KeyFormat.isValidTag(environment), "environment tag must be validated before issuing")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(prefix.utf8.count + environment.utf8.count + 2 + KeyFormat.randomLength + KeyFormat.checksumLength)
        bytes.append(contentsOf: prefix.utf8)
        bytes.append(UInt8(ascii: "_"))
        bytes.append(contentsOf: environment.utf8)
        bytes.append(UInt8(ascii: "_"))
        var produced = 0
        while produced < KeyFormat.randomLength {
            var word = generator.next()
            for _ in 0..<8 where produced < KeyFormat.randomLength {
                let byte = UInt8(truncatingIfNeeded: word)
                word >>= 8
                // 248 = 4 × 62: rejecting 248…255 keeps every digit equally likely.
                guard byte < 248 else { continue }
                bytes.append(Base62.alphabet[Int(byte % 62)])
                produced += 1
            }
        }
        Base62.encode(CRC32.checksum(bytes), width: KeyFormat.checksumLength, into: &bytes)
        return PlaintextKey(unchecked: String(decoding: bytes, as: UTF8.self))
    }

    public func generate(environment: String) -> PlaintextKey {
        var generator = SystemRandomNumberGenerator()
        return generate(environment: environment, using: &generator)
    }
}
