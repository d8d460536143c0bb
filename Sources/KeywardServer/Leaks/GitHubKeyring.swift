import Crypto
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// GitHub's secret-scanning public keys, read from a file in the format of
/// `GET https://api.github.com/meta/public_keys/secret_scanning`:
/// `{"public_keys":[{"key_identifier":"…","key":"-----BEGIN PUBLIC KEY-----…","is_current":true}]}`.
///
/// The file is checked with one `stat` per request and parsed again only when its size,
/// modification time or inode changed, so refreshing it (a cron job with `curl`, `mv` into
/// place) takes effect on the next alert without a restart. A file that becomes unreadable or
/// invalid keeps the keys loaded before (and logs why); with no good version at all, alerts are
/// answered 503.
///
/// Every key in the document verifies, not only the one marked current: during a rotation
/// GitHub signs with the key it names in `Github-Public-Key-Identifier`.
final class GitHubKeyring: Sendable {
    static let maximumFileBytes = 1 << 20

    struct Stamp: Equatable {
        var size: Int64, seconds: Int64, nanoseconds: Int64, inode: UInt64
    }

    struct Loaded: Sendable {
        /// The version of the file these keys came from or, after a bad version, that bad
        /// version (nil: the file is gone), so a bad file is reported once, not on every alert.
        var stamp: Stamp?
        var keys: [String: P256.Signing.PublicKey]
    }

    enum Failure: Error, CustomStringConvertible {
        case unavailable(String)
        case rejected(String)

        var description: String {
            switch self {
            case .unavailable(let message), .rejected(let message): return message
            }
        }
    }

    let path: String
    private let loaded = Mutex<Loaded?>(nil)
    private let logger: Logger

    init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
    }

    /// The keys in force, re-read first if the file changed.
    func keys() throws(Failure) -> [String: P256.Signing.PublicKey] {
        let stamp = Self.stamp(path)
        if let current = loaded.withLock({ $0 }), current.stamp == stamp { return current.keys }
        do {
            guard let stamp else { throw Failure.unavailable("cannot read the GitHub public keys file \(path)") }
            let keys = try Self.parse(path: path)
            loaded.withLock { $0 = Loaded(stamp: stamp, keys: keys) }
            logger.info("GitHub secret-scanning public keys loaded", metadata: ["file": .string(path), "keys": .stringConvertible(keys.count)])
            return keys
        } catch let failure as Failure {
            guard let previous = loaded.withLock({ $0 }) else {
                logger.error("GitHub secret-scanning public keys unusable", metadata: ["file": .string(path), "error": .string(failure.description)])
                throw .unavailable("the GitHub public keys file of this server is unusable; see the server log")
            }
            logger.warning("GitHub public keys file changed but is unusable; keeping the keys loaded before",
                           metadata: ["file": .string(path), "error": .string(failure.description)])
            // Remember the bad version so it is not parsed (and logged) again on every request.
            loaded.withLock { $0 = Loaded(stamp: stamp, keys: previous.keys) }
            return previous.keys
        } catch {
            throw .unavailable("the GitHub public keys file of this server is unusable; see the server log")
        }
    }

    /// Checks `Github-Public-Key-Signature` (base64 DER ECDSA P-256 over SHA-256 of the raw
    /// body) with the key named by `Github-Public-Key-Identifier`.
    func verify(_ body: [UInt8], identifier: String?, signature: String?) throws(Failure) {
        guard let identifier, let signature, !identifier.isEmpty, !signature.isEmpty else {
            throw .rejected("the request is not signed: GitHub sends Github-Public-Key-Identifier and Github-Public-Key-Signature")
        }
        guard identifier.utf8.count <= 256, signature.utf8.count <= 512 else { throw .rejected("signature headers are too long") }
        guard let key = try keys()[identifier] else {
            throw .rejected("unknown Github-Public-Key-Identifier; refresh the public keys file if GitHub rotated its keys")
        }
        guard let der = Data(base64Encoded: signature), let parsed = try? P256.Signing.ECDSASignature(derRepresentation: der) else {
            throw .rejected("Github-Public-Key-Signature is not a base64 DER ECDSA signature")
        }
        guard key.isValidSignature(parsed, for: body) else { throw .rejected("Github-Public-Key-Signature does not verify over the body") }
    }

    static func stamp(_ path: String) -> Stamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Stamp(size: Int64(info.st_size), seconds: Int64(info.st_mtim.tv_sec), nanoseconds: Int64(info.st_mtim.tv_nsec), inode: UInt64(info.st_ino))
    }

    static func parse(path: String) throws(Failure) -> [String: P256.Signing.PublicKey] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unavailable("cannot open \(path)") }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: maximumFileBytes + 1) else { throw .unavailable("cannot read \(path)") }
        guard data.count <= maximumFileBytes else { throw .unavailable("\(path) is larger than \(maximumFileBytes) bytes") }
        return try parse(document: data)
    }

    /// Parses the public-keys document; every entry must be well formed.
    static func parse(document data: Data) throws(Failure) -> [String: P256.Signing.PublicKey] {
        guard let object = try? JSONSerialization.jsonObject(with: data), let root = object as? [String: Any],
              let entries = root["public_keys"] as? [[String: Any]] else {
            throw .unavailable("not a GitHub public-keys document: expected {\"public_keys\":[{\"key_identifier\",\"key\",\"is_current\"}]}")
        }
        var keys: [String: P256.Signing.PublicKey] = [:]
        for (index, entry) in entries.enumerated() {
            guard let identifier = entry["key_identifier"] as? String, !identifier.isEmpty, let pem = entry["key"] as? String else {
                throw .unavailable("public_keys[\(index)] needs key_identifier and key")
            }
            guard let key = try? P256.Signing.PublicKey(pemRepresentation: pem) else {
                throw .unavailable("public_keys[\(index)] (\(identifier.prefix(80))) is not a PEM P-256 public key")
            }
            keys[identifier] = key
        }
        guard !keys.isEmpty else { throw .unavailable("the document lists no public keys") }
        return keys
    }
}
