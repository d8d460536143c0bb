import Crypto
import Foundation

/// Standard Webhooks signatures (https://www.standardwebhooks.com): a delivery carries
/// `webhook-id`, `webhook-timestamp` (seconds since the epoch) and
/// `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the
/// base64-decoded part of the subscription's `whsec_…` secret.
///
/// ``verify(id:timestamp:signatureHeader:body:now:)`` is what a receiver runs: it checks the
/// timestamp against a tolerance (default five minutes) so that a captured delivery cannot be
/// replayed later, and compares signatures in constant time.
public struct WebhookSignature: Sendable {
    public static let secretPrefix = "whsec_"
    /// Replay window: a delivery whose timestamp is further than this from the receiver's clock
    /// is rejected.
    public static let defaultToleranceSeconds: Int64 = 300

    let key: SymmetricKey

    /// `secret` is the `whsec_…` string shown once when the subscription was created.
    public init(secret: String) throws {
        guard secret.hasPrefix(Self.secretPrefix),
              let bytes = Data(base64Encoded: String(secret.dropFirst(Self.secretPrefix.count))), (24...64).contains(bytes.count) else {
            throw KeywardError.invalidArgument("a webhook secret is whsec_ followed by base64 of 24-64 bytes")
        }
        key = SymmetricKey(data: bytes)
    }

    /// A new secret: `whsec_` + base64 of 32 bytes from the system's CSPRNG.
    public static func generateSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return secretPrefix + Data(bytes).base64EncodedString()
    }

    /// The `webhook-signature` header value for one delivery attempt.
    public func sign(id: String, timestamp: Int64, body: some Sequence<UInt8>) -> String {
        "v1," + Data(mac(id: id, timestamp: timestamp, body: body)).base64EncodedString()
    }

    func mac(id: String, timestamp: Int64, body: some Sequence<UInt8>) -> HMAC<SHA256>.MAC {
        var hmac = HMAC<SHA256>(key: key)
        hmac.update(data: Array("\(id).\(timestamp).".utf8))
        hmac.update(data: Array(body))
        return hmac.finalize()
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case missingHeaders
        case badTimestamp
        case timestampOutsideTolerance(secondsOff: Int64)
        case noMatchingSignature

        public var description: String {
            switch self {
            case .missingHeaders: return "webhook-id, webhook-timestamp and webhook-signature are required"
            case .badTimestamp: return "webhook-timestamp is not an integer"
            case .timestampOutsideTolerance(let off): return "webhook-timestamp is \(off) s away from now (replay or clock skew)"
            case .noMatchingSignature: return "no signature matches"
            }
        }
    }

    /// Verifies a received delivery. `signatureHeader` may list several space-separated
    /// signatures (`v1,… v1,…`, as during a secret rotation); one match is enough.
    public func verify(id: String?, timestamp: String?, signatureHeader: String?, body: [UInt8], now: Timestamp,
                       toleranceSeconds: Int64 = WebhookSignature.defaultToleranceSeconds) throws {
        guard let id, let timestamp, let signatureHeader, !id.isEmpty else { throw Failure.missingHeaders }
        guard let seconds = Int64(timestamp) else { throw Failure.badTimestamp }
        let off = now.millisecondsSinceEpoch / 1000 - seconds
        guard abs(off) <= toleranceSeconds else { throw Failure.timestampOutsideTolerance(secondsOff: off) }
        let signed = Array("\(id).\(seconds).".utf8) + body
        for candidate in signatureHeader.split(separator: " ") {
            let parts = candidate.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1", let mac = Data(base64Encoded: String(parts[1])) else { continue }
            // Constant-time comparison.
            if HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: signed, using: key) { return }
        }
        throw Failure.noMatchingSignature
    }
}
