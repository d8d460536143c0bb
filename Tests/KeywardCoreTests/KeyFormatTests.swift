import KeywardCore
import Testing

@Suite("Key format")
struct KeyFormatTests {
    @Test("CRC-32 matches the IEEE check value")
    func crcCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum(Array("kw_live_abcdefghijklmnopqrstuvwxyz012345".utf8)) == 0x0F33_D19D)
    }

    @Test("base62 round-trips and pads")
    func base62() {
        #expect(Base62.encode(UInt32(0), width: 6) == "000000")
        #expect(Base62.encode(UInt32(61), width: 6) == "00000z")
        #expect(Base62.encode(UInt32(62), width: 6) == "000010")
        #expect(Base62.encode(UInt32.max, width: 6) == "4gfFC3")
        #expect(Base62.decode(Array("4gfFC3".utf8), as: UInt32.self) == UInt32.max)
        #expect(Base62.decode(Array("4gfFC4".utf8), as: UInt32.self) == nil, "overflow is rejected")
        #expect(Base62.decode(Array("ab-c".utf8), as: UInt64.self) == nil)
    }

    @Test("generated keys have the fixed layout and a valid checksum")
    func generatedKeysAreWellFormed() throws {
        let format = try KeyFormat(prefix: "kw")
        for environment in ["live", "test"] {
            for _ in 0..<200 {
                let key = format.generate(environment: environment).reveal()
                #expect(key.hasPrefix("kw_\(environment)_"))
                #expect(key.utf8.count == 3 + environment.count + 1 + 38)
                let shape = try #require(KeyFormat.shape(of: key))
                #expect(shape.random.count == 32)
                #expect(shape.checksum.count == 6)
                let body = Array(key.utf8.dropLast(6))
                #expect(Base62.encode(CRC32.checksum(body), width: 6) == String(key.suffix(6)))
            }
        }
    }

    @Test("a known key checks out and any single-character change breaks it")
    func singleCharacterChangesAreDetected() throws {
        let body = "kw_live_abcdefghijklmnopqrstuvwxyz012345"
        let key = body + Base62.encode(UInt32(0x0F33_D19D), width: 6)
        #expect(KeyFormat.shape(of: key) != nil)
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_".utf8)
        var bytes = Array(key.utf8)
        for position in bytes.indices {
            let original = bytes[position]
            for replacement in alphabet where replacement != original {
                bytes[position] = replacement
                let changed = String(decoding: bytes, as: UTF8.self)
                #expect(KeyFormat.shape(of: changed) == nil, "\(changed) should not validate")
            }
            bytes[position] = original
        }
    }

    @Test("structure rules", arguments: [
        "", "kw_live_", "kw_live_short", "KW_live_abcdefghijklmnopqrstuvwxyz012345000000",
        "kw__abcdefghijklmnopqrstuvwxyz012345000000", "_live_abcdefghijklmnopqrstuvwxyz012345000000",
        "kw_li_ve_abcdefghijklmnopqrstuvwxyz012345000000", "kw_live_abcdefghijklmnopqrstuvwxyz0123-5000000",
        "abcdefghijklmnopq_live_abcdefghijklmnopqrstuvwxyz012345000000",
    ])
    func structureRules(candidate: String) {
        #expect(KeyFormat.shape(of: candidate) == nil)
    }

    @Test("prefixes are validated")
    func prefixValidation() {
        #expect(throws: KeywardError.self) { try KeyFormat(prefix: "") }
        #expect(throws: KeywardError.self) { try KeyFormat(prefix: "Acme") }
        #expect(throws: KeywardError.self) { try KeyFormat(prefix: "a_b") }
        #expect(throws: KeywardError.self) { try KeyFormat(prefix: String(repeating: "a", count: 17)) }
        #expect((try? KeyFormat(prefix: "acme1")) != nil)
    }

    @Test("a deployment accepts only its own prefix")
    func acceptsOwnPrefix() throws {
        let acme = try KeyFormat(prefix: "acme")
        var key = acme.generate(environment: "live").reveal()
        var other = KeyFormat.default.generate(environment: "live").reveal()
        #expect(key.withUTF8 { acme.accepts(UnsafeRawBufferPointer($0)) })
        #expect(!other.withUTF8 { acme.accepts(UnsafeRawBufferPointer($0)) })
    }

    @Test("random strings of key length almost never pass the checksum")
    func randomStringsFail() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        var passed = 0
        for _ in 0..<20_000 {
            let random = (0..<38).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] }
            if KeyFormat.shape(of: "kw_live_" + String(decoding: random, as: UTF8.self)) != nil { passed += 1 }
        }
        #expect(passed == 0)
    }

    @Test("plaintext never shows in descriptions")
    func plaintextIsRedacted() throws {
        let key = KeyFormat.default.generate(environment: "live")
        let secret = key.reveal()
        var dumped = ""
        dump(key, to: &dumped)
        for text in ["\(key)", String(describing: key), String(reflecting: key), key.debugDescription, dumped, "\([key])"] {
            #expect(!text.contains(secret))
            #expect(!text.contains(String(secret.suffix(20))))
        }
        #expect(key.redacted.hasPrefix(String(secret.prefix(12))))
        #expect(PlaintextKey(secret) == key)
        #expect(PlaintextKey("kw_live_nope") == nil)
    }

    @Test("key hash is SHA-256 hex and key ids round-trip")
    func hashesAndIDs() throws {
        #expect(KeyHash(of: "abc").hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let hash = KeyHash(of: "kw_live_x")
        #expect(KeyHash(hex: hash.hex) == hash)
        #expect(KeyHash(hex: "zz") == nil)
        for _ in 0..<100 {
            let id = KeyID.random()
            #expect(id.description.count == 26)
            #expect(KeyID(id.description) == id)
        }
        #expect(KeyID("key_short") == nil)
        #expect(KeyID("kex_0000000000000000000000") == nil)
        #expect(KeyID("key_zzzzzzzzzzzzzzzzzzzzzz") == nil, "beyond 128 bits")
    }
}
