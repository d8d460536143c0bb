import KeywardCore
import Testing

/// The three-part ``StableIdentifier`` (own SHA-256, for finding ids) must give exactly the ids
/// the general one gives through swift-crypto: stored findings keep their ids across versions.
@Suite struct ShortSHA256Tests {
    @Test func threePartIdentifiersEqualSwiftCryptos() {
        // Every total length up to several blocks, across the padding boundaries (55/56/64 bytes).
        for length in 0..<300 {
            let text = String((0..<length).map { Character(UnicodeScalar(UInt8(33 + ($0 * 7 + length) % 90))) })
            let cut = text.index(text.startIndex, offsetBy: length / 3)
            let (first, second, third) = (String(text[..<cut]), "key", String(text[cut...]))
            #expect(StableIdentifier.make(prefix: "", first, second, third, length: 64)
                    == StableIdentifier.make(prefix: "", parts: [first, second, third], length: 64), "length \(length)")
        }
        #expect(StableIdentifier.make(prefix: "fnd_", "rule-é", "external_key", "inv_ÉLODIE")
                == StableIdentifier.make(prefix: "fnd_", parts: ["rule-é", "external_key", "inv_ÉLODIE"]))
    }

    @Test func findingIDsAreThoseOfEarlierVersions() {
        // Computed with `printf 'r\0key\0key_1' | sha256sum` (the first 24 hex digits).
        let subject = FindingSubject(kind: .key, id: "key_1", provider: .keyward)
        #expect(Finding.fingerprint(rule: "r", subject: subject) == "fnd_84e6683b528df081643fccce")
    }
}
