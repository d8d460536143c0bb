import Crypto

/// The signature of `POST /v1/leaks/report`: HMAC-SHA256 with a shared secret over
/// `"<timestamp>.<raw body>"`, sent as
///
///     keyward-timestamp: 1764460800
///     keyward-signature: v1=<64 hex digits>
///
/// The timestamp (Unix seconds) is inside the signed bytes, so a captured request cannot be
/// replayed once it falls outside the tolerance (default five minutes either way), and the
/// body is signed as received, never re-serialised. Several `v1=` values separated by spaces
/// are accepted, so a sender can sign with an old and a new secret while the secret rotates.
public enum LeakReportSignature {
    public static let timestampHeader = "keyward-timestamp"
    public static let signatureHeader = "keyward-signature"
    public static let reporterHeader = "keyward-reporter"
    public static let defaultToleranceSeconds: Int64 = 300
    static let scheme = "v1="

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case missing
        case malformed(String)
        /// The timestamp is further from the server's clock than the tolerance.
        case stale(skewSeconds: Int64, toleranceSeconds: Int64)
        case mismatch

        public var description: String {
            switch self {
            case .missing: return "the request is not signed: send \(timestampHeader) and \(signatureHeader) headers"
            case .malformed(let what): return what
            case .stale(let skew, let tolerance):
                return "\(timestampHeader) is \(skew) s away from the server's clock (tolerance \(tolerance) s): a replayed or delayed request"
            case .mismatch: return "\(signatureHeader) does not match the body and timestamp for any configured secret"
            }
        }
    }

    /// `v1=<hex>` for `body` sent at `timestamp` (Unix seconds).
    public static func sign(_ body: [UInt8], timestamp: Int64, secret: LeakReportSecret) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: signedBytes(body, timestamp: "\(timestamp)"), using: secret.key)
        return scheme + hex(Array(mac))
    }

    /// Checks the headers of a report against `secrets`; returns the timestamp on success.
    /// Comparison is constant-time (`HMAC.isValidAuthenticationCode`).
    @discardableResult
    public static func verify(
        _ body: [UInt8], timestamp: String?, signature: String?, secrets: [LeakReportSecret], now: Timestamp,
        toleranceSeconds: Int64 = defaultToleranceSeconds
    ) throws(Failure) -> Int64 {
        guard let timestamp, let signature, !timestamp.isEmpty, !signature.isEmpty else { throw .missing }
        guard timestamp.utf8.count <= 12, timestamp.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let seconds = Int64(timestamp) else {
            throw .malformed("\(timestampHeader) must be Unix seconds")
        }
        let skew = abs(now.millisecondsSinceEpoch / 1000 - seconds)
        guard skew <= toleranceSeconds else { throw .stale(skewSeconds: skew, toleranceSeconds: toleranceSeconds) }
        guard signature.utf8.count <= 1024 else { throw .malformed("\(signatureHeader) is too long") }
        let candidates = signature.split(separator: " ").compactMap { part -> [UInt8]? in
            guard part.hasPrefix(scheme) else { return nil }
            return unhex(part.dropFirst(scheme.count))
        }
        guard !candidates.isEmpty else { throw .malformed("\(signatureHeader) must hold v1=<64 hex digits>") }
        let signed = signedBytes(body, timestamp: timestamp)
        // Every candidate against every secret, without stopping early on a match: the time
        // taken does not tell which secret or which value matched.
        var matched = false
        for candidate in candidates where candidate.count == SHA256.byteCount {
            for secret in secrets {
                if HMAC<SHA256>.isValidAuthenticationCode(candidate, authenticating: signed, using: secret.key) { matched = true }
            }
        }
        guard matched else { throw .mismatch }
        return seconds
    }

    static func signedBytes(_ body: [UInt8], timestamp: String) -> [UInt8] {
        var bytes = Array(timestamp.utf8)
        bytes.reserveCapacity(bytes.count + 1 + body.count)
        bytes.append(UInt8(ascii: "."))
        bytes.append(contentsOf: body)
        return bytes
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func unhex(_ text: Substring) -> [UInt8]? {
        let bytes = Array(text.utf8)
        guard bytes.count % 2 == 0, bytes.count <= 128 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 2)
        var high: UInt8 = 0
        for (index, byte) in bytes.enumerated() {
            guard let nibble = Hex.nibble(byte) else { return nil }
            if index % 2 == 0 { high = nibble } else { out.append(high << 4 | nibble) }
        }
        return out
    }
}
