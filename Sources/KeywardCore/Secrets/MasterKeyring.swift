import Crypto
import Foundation

/// The master keys a node holds: the first seals, every one opens. A key file lists them one per
/// line, newest first, so a rotation can hand nodes the new key while values sealed under the
/// old one are still being re-sealed (``SealedSecret``).
///
/// ```swift
/// let ring = try MasterKeyring(file: contents)
/// let stored = ring.seal("whsec_…", context: "webhook:whk_1")
/// let secret = try ring.open(stored, context: "webhook:whk_1")
/// ```
public struct MasterKeyring: Sendable {
    /// Seals new values.
    public let current: MasterKey
    /// Accepted for opening only.
    public let previous: [MasterKey]

    public init(current: MasterKey, previous: [MasterKey] = []) {
        self.current = current
        self.previous = previous.filter { $0.id != current.id }
    }

    /// The keys of a key file: one base64 key per line, the first the current one; blank lines
    /// and `#` comments are skipped.
    public init(file contents: String) throws(MasterKeyError) {
        var keys: [MasterKey] = []
        for line in contents.split(whereSeparator: \.isNewline) {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, !text.hasPrefix("#") else { continue }
            keys.append(try MasterKey(base64: text))
        }
        guard let first = keys.first else { throw MasterKeyError("the master key file holds no key") }
        self.init(current: first, previous: Array(keys.dropFirst()))
    }

    /// A key of this process only, for stores opened without a key file (tests and benchmarks
    /// that never reopen their database elsewhere). A deployment is always given its file.
    public static let ephemeral = MasterKeyring(current: MasterKey.generate().key)

    /// Every key, current first.
    public var keys: [MasterKey] { [current] + previous }

    /// `plaintext` sealed under the current key. `context` (a column and row id) is
    /// authenticated with it, so a sealed value copied to another row does not open there.
    public func seal(_ plaintext: String, context: String) -> String {
        SealedSecret.seal(plaintext, under: current, context: context)
    }

    /// The plaintext of a sealed value, under whichever of the keys sealed it.
    public func open(_ stored: String, context: String) throws(SealedSecretError) -> String {
        let sealed = try SealedSecret(stored)
        guard let key = keys.first(where: { $0.id == sealed.keyID }) else {
            throw SealedSecretError(
                "sealed under master key \(sealed.keyID), which this node was not given (it has \(keys.map(\.id).joined(separator: ", "))); "
                    + "give it that key's file as KEYWARD_MASTER_KEY_FILE")
        }
        return try sealed.open(with: key, context: context)
    }

    /// A key for `purpose` derived from the current key (HKDF-SHA256), for secrets that need not
    /// be stored because they can be computed again: a dashboard session's CSRF token is the
    /// HMAC of its session under the key derived for "dashboard csrf".
    public func derivedKey(purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: current.key, salt: Array("keyward".utf8), info: Array(purpose.utf8), outputByteCount: 32)
    }
}

/// A value sealed with AES-256-GCM as stored: `sealed:v1:<key id>:<base64 of nonce, ciphertext
/// and tag>`. The key id says which master key opens it.
public struct SealedSecret: Sendable, Equatable {
    public static let prefix = "sealed:v1:"
    public let keyID: String
    let box: Data

    public init(_ stored: String) throws(SealedSecretError) {
        guard stored.hasPrefix(Self.prefix) else { throw SealedSecretError("the stored value is not sealed") }
        let parts = stored.dropFirst(Self.prefix.count).split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0].utf8.count == 8, let box = Data(base64Encoded: String(parts[1])) else {
            throw SealedSecretError("the stored sealed value is damaged")
        }
        keyID = String(parts[0])
        self.box = box
    }

    public static func isSealed(_ stored: String) -> Bool { stored.hasPrefix(prefix) }

    static func seal(_ plaintext: String, under key: MasterKey, context: String) -> String {
        // AES-GCM with a random 96-bit nonce cannot fail for inputs this small.
        let box = try! AES.GCM.seal(Array(plaintext.utf8), using: key.key, authenticating: Array(context.utf8))
        return prefix + key.id + ":" + box.combined!.base64EncodedString()
    }

    func open(with key: MasterKey, context: String) throws(SealedSecretError) -> String {
        do {
            let plaintext = try AES.GCM.open(try AES.GCM.SealedBox(combined: box), using: key.key, authenticating: Array(context.utf8))
            return String(decoding: plaintext, as: UTF8.self)
        } catch {
            throw SealedSecretError("the sealed value does not open under master key \(keyID): damaged, or moved from another row")
        }
    }
}

/// A stored secret that cannot be opened, and why (never the value).
public struct SealedSecretError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
