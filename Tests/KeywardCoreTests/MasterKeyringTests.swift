import Foundation
import KeywardCore
import Testing

/// Sealing under the master key: AES-GCM bound to its row, key ids, key files.
@Suite("Master keyring")
struct MasterKeyringTests {
    @Test("seal and open round-trip; the sealed form names the key and hides the value")
    func roundTrip() throws {
        let ring = MasterKeyring(current: MasterKey.generate().key)
        let sealed = ring.seal("whsec_c2VjcmV0", context: "webhook:whk_1")
        #expect(sealed.hasPrefix("sealed:v1:\(ring.current.id):") && !sealed.contains("c2VjcmV0"))
        #expect(try ring.open(sealed, context: "webhook:whk_1") == "whsec_c2VjcmV0")
        #expect(ring.seal("whsec_c2VjcmV0", context: "webhook:whk_1") != sealed, "a fresh nonce every time")
    }

    @Test("a sealed value opens for its own row only, under its own key only")
    func bindings() throws {
        let ring = MasterKeyring(current: MasterKey.generate().key)
        let sealed = ring.seal("whsec_x", context: "webhook:whk_1")
        #expect(throws: SealedSecretError.self) { try ring.open(sealed, context: "webhook:whk_2") }
        let other = MasterKeyring(current: MasterKey.generate().key)
        #expect(throws: SealedSecretError.self) { try other.open(sealed, context: "webhook:whk_1") }
        #expect(throws: SealedSecretError.self) { try ring.open("whsec_x", context: "webhook:whk_1") }
        #expect(throws: SealedSecretError.self) { try ring.open("sealed:v1:\(ring.current.id):AAAA", context: "webhook:whk_1") }
        let tampered = String(sealed.dropLast(4)) + (sealed.hasSuffix("AAA=") ? "BBB=" : "AAA=")
        #expect(throws: SealedSecretError.self) { try ring.open(tampered, context: "webhook:whk_1") }
    }

    @Test("a key file lists keys newest first: the first seals, every one opens")
    func keyFile() throws {
        let (old, oldText) = MasterKey.generate()
        let (new, newText) = MasterKey.generate()
        let before = MasterKeyring(current: old)
        let sealedOld = before.seal("a", context: "c")
        let file = try MasterKeyring(file: "# rotated 2026-12-04\n\(newText)\n\n\(oldText)\n")
        #expect(file.current.id == new.id && file.previous.map(\.id) == [old.id])
        #expect(try file.open(sealedOld, context: "c") == "a")
        #expect(file.seal("b", context: "c").contains(":\(new.id):"))
        #expect(old.id != new.id && old.id.count == 8)
        #expect(throws: MasterKeyError.self) { try MasterKeyring(file: "\n# nothing\n") }
        #expect(throws: MasterKeyError.self) { try MasterKeyring(file: Data(repeating: 1, count: 16).base64EncodedString()) }
        #expect(throws: MasterKeyError.self) { try MasterKeyring(file: "not base64!") }
    }
}
