import Logging
import NIOCore
import NIOSSL
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The server's certificate chain and private key, read from their files and read again when
/// either file changes.
///
/// Each TLS handshake asks for the current pair (NIOSSL's per-connection context callback) and
/// that looks at both files' modification time, size and inode (two `stat` calls): a certificate
/// renewed in place or by renaming a new file over the old (certbot, cert-manager) is served from
/// the next connection on, with no restart and no signal. Connections already open keep theirs. A
/// pair that cannot be read or does not match is logged and the previous one kept, so a renewal
/// caught half-written never takes the server down.
public final class TLSCertificateFiles: Sendable {
    let certificatePath: String
    let keyPath: String
    let logger: Logger

    struct Pair: Sendable {
        var chain: [NIOSSLCertificate]
        var key: NIOSSLPrivateKey
        var stamps: [Stamp?]
    }

    struct Stamp: Equatable, Sendable {
        var seconds: Int
        var nanoseconds: Int
        var size: Int64
        var inode: UInt64
    }

    let current: Mutex<Pair>

    /// Reads both files; throws a message naming the file that cannot be used.
    public init(certificatePath: String, keyPath: String, logger: Logger) throws {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.logger = logger
        current = Mutex(try Self.read(certificatePath: certificatePath, keyPath: keyPath))
    }

    static func stamp(_ path: String) -> Stamp? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return Stamp(seconds: Int(status.st_mtim.tv_sec), nanoseconds: Int(status.st_mtim.tv_nsec), size: Int64(status.st_size),
                     inode: UInt64(status.st_ino))
    }

    static func read(certificatePath: String, keyPath: String) throws -> Pair {
        let stamps = [stamp(certificatePath), stamp(keyPath)]
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw TLSFileError(description: "tls_cert_file \(certificatePath): not a readable PEM certificate chain (\(error))")
        }
        guard !chain.isEmpty else { throw TLSFileError(description: "tls_cert_file \(certificatePath): holds no certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw TLSFileError(description: "tls_key_file \(keyPath): not a readable PEM private key (\(error))")
        }
        // The key must belong to the certificate: a context built from both says so.
        do {
            _ = try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)))
        } catch {
            throw TLSFileError(description: "tls_key_file \(keyPath) does not match tls_cert_file \(certificatePath)")
        }
        return Pair(chain: chain, key: key, stamps: stamps)
    }

    /// The pair to serve now, read again first when a file changed since it was read.
    func pair() -> Pair {
        let stamps = [Self.stamp(certificatePath), Self.stamp(keyPath)]
        let known = current.withLock { $0 }
        guard stamps != known.stamps else { return known }
        do {
            let fresh = try Self.read(certificatePath: certificatePath, keyPath: keyPath)
            current.withLock { $0 = fresh }
            logger.info("TLS certificate reloaded", metadata: ["file": .string(certificatePath)])
            return fresh
        } catch {
            // Keep serving the last good pair; try again when the files change once more.
            current.withLock { $0.stamps = stamps }
            logger.error("TLS certificate files changed but cannot be used; serving the previous certificate",
                         metadata: ["error": .string("\(error)")])
            return known
        }
    }

    /// The server's TLS configuration: the pair read at start, replaced per connection by the
    /// current one.
    public func configuration() -> TLSConfiguration {
        let pair = pair()
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: pair.chain.map { .certificate($0) },
                                                                     privateKey: .privateKey(pair.key))
        configuration.sslContextCallback = { [self] _, promise in
            let pair = self.pair()
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = pair.chain.map { .certificate($0) }
            override.privateKey = .privateKey(pair.key)
            promise.succeed(override)
        }
        return configuration
    }
}

/// A TLS file that cannot be served, named.
public struct TLSFileError: Error, CustomStringConvertible {
    public let description: String
}
