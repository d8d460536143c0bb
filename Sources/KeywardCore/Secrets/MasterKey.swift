import Crypto
import Foundation

/// A deployment's master key: 32 random bytes that seal the secrets keyward must store to use
/// later (webhook signing secrets) and from which it derives the ones it need not store
/// (dashboard CSRF tokens). It lives in a file of its own (`master_key_file`), never in the
/// database, so a copy of the database alone yields no usable secret.
public struct MasterKey: Sendable {
    let key: SymmetricKey
    /// Eight hex digits naming the key without revealing it: recorded with every value sealed
    /// under it, so a rotation can tell values sealed under the old key from the new.
    public let id: String

    /// The size of a key in bytes (AES-256).
    public static let byteCount = 32

    public init(bytes: some ContiguousBytes) throws(MasterKeyError) {
        let count = bytes.withUnsafeBytes { $0.count }
        guard count == Self.byteCount else { throw MasterKeyError("a master key is \(Self.byteCount) bytes, base64; this one is \(count)") }
        key = SymmetricKey(data: bytes)
        let digest = key.withUnsafeBytes { SHA256.hash(data: Array("keyward master key id\u{0}".utf8) + Array($0)) }
        id = Hex.encode(Array(digest.prefix(4)))
    }

    /// A key from its file form: base64 of 32 bytes (surrounding white space ignored).
    public init(base64 text: some StringProtocol) throws(MasterKeyError) {
        guard let bytes = Data(base64Encoded: String(text).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw MasterKeyError("a master key is 32 random bytes in base64 (as `openssl rand -base64 32` writes them)")
        }
        try self.init(bytes: bytes)
    }

    /// A new random key and its file form.
    public static func generate() -> (key: MasterKey, base64: String) {
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() }
        // 32 bytes from SymmetricKey(size: .bits256): the length check cannot fail.
        return (try! MasterKey(bytes: key.withUnsafeBytes { Data($0) }), text)
    }
}

/// A master key that cannot be used, with what to do about it.
public struct MasterKeyError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
