import Crypto
import Foundation
import KeywardCore

/// AWS Signature Version 4, written from the AWS General Reference ("Create a signed AWS API
/// request") and checked against AWS's published SigV4 test suite (`SigV4SignerTests`).
///
/// 1. Canonical request: method, canonical URI (each path segment percent-encoded, unreserved
///    characters `A-Z a-z 0-9 - . _ ~` kept), canonical query (each name and value encoded the
///    same way, sorted by name then value), canonical headers (names lower-cased, values trimmed
///    with inner runs of spaces collapsed, repeated headers joined by `,`, sorted), the signed
///    header names, and the hex SHA-256 of the body.
/// 2. String to sign: `AWS4-HMAC-SHA256`, the time (`yyyyMMdd'T'HHmmss'Z'`), the scope
///    (`date/region/service/aws4_request`) and the hex SHA-256 of the canonical request.
/// 3. Signing key: HMAC-SHA256 chained over `"AWS4" + secret`, date, region, service and
///    `aws4_request`; the signature is the hex HMAC of the string to sign under it.
public struct SigV4Signer: Sendable {
    public var accessKeyID: String
    public var secretAccessKey: ConnectorSecret
    public var sessionToken: ConnectorSecret?
    public var region: String
    public var service: String

    public init(accessKeyID: String, secretAccessKey: ConnectorSecret, sessionToken: ConnectorSecret? = nil, region: String, service: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.region = region
        self.service = service
    }

    /// Signs `request` at `time`: sets `X-Amz-Date`, `Host` when absent, `X-Amz-Security-Token`
    /// for temporary credentials, and `Authorization`. Every header of the request is signed.
    public func sign(_ request: inout ConnectorRequest, at time: Timestamp) {
        let amzDate = Self.amzDate(time)
        request.setHeader("X-Amz-Date", amzDate)
        if request.header("host") == nil, let host = URLParts(request.url)?.hostHeader { request.headers.insert(("Host", host), at: 0) }
        if let sessionToken { request.setHeader("X-Amz-Security-Token", sessionToken.value) }
        request.setHeader("Authorization", authorization(for: request, amzDate: amzDate))
    }

    /// The `Authorization` header's value for `request` as it stands (its `X-Amz-Date` must be `amzDate`).
    public func authorization(for request: ConnectorRequest, amzDate: String) -> String {
        let (canonical, signedHeaders) = Self.canonicalRequest(request)
        let scope = "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
        let signature = self.signature(stringToSign: Self.stringToSign(canonicalRequest: canonical, amzDate: amzDate, scope: scope), date: String(amzDate.prefix(8)))
        return "AWS4-HMAC-SHA256 Credential=\(accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    /// Step 1: the canonical request and the signed header names (`host;x-amz-date`).
    public static func canonicalRequest(_ request: ConnectorRequest) -> (String, String) {
        let parts = URLParts(request.url) ?? URLParts(path: "/", query: "")
        var grouped: [String: [String]] = [:]
        for header in request.headers where header.name.lowercased() != "authorization" {
            grouped[header.name.lowercased(), default: []].append(trimmed(header.value))
        }
        let names = grouped.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(grouped[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let lines = [request.method.uppercased(), canonicalURI(parts.path), canonicalQuery(parts.query), canonicalHeaders, signedHeaders,
                     hex(SHA256.hash(data: request.body))]
        return (lines.joined(separator: "\n"), signedHeaders)
    }

    /// Step 2.
    public static func stringToSign(canonicalRequest: String, amzDate: String, scope: String) -> String {
        "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n\(hex(SHA256.hash(data: Array(canonicalRequest.utf8))))"
    }

    /// Step 3: the hex signature of `stringToSign` for the scope's `date` (`yyyyMMdd`).
    public func signature(stringToSign: String, date: String) -> String {
        var key = SymmetricKey(data: Array("AWS4\(secretAccessKey.value)".utf8))
        for part in [date, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    /// `20150830T123600Z`.
    public static func amzDate(_ time: Timestamp) -> String {
        let iso = time.iso8601  // 2015-08-30T12:36:00Z
        return iso.filter { $0 != "-" && $0 != ":" }
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters, as AWS specifies.
    public static func encode(_ text: String, keepSlash: Bool = false) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E: out.unicodeScalars.append(Unicode.Scalar(byte))
            case 0x2F where keepSlash: out.append("/")
            default: out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    static func canonicalURI(_ path: String) -> String {
        let decoded = path.removingPercentEncoding ?? path
        return decoded.isEmpty ? "/" : encode(decoded, keepSlash: true)
    }

    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { item -> (String, String) in
            let pieces = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pieces[0]).removingPercentEncoding ?? String(pieces[0])
            let value = pieces.count > 1 ? (String(pieces[1]).removingPercentEncoding ?? String(pieces[1])) : ""
            return (encode(name), encode(value))
        }
        return pairs.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Leading and trailing spaces removed, inner runs of spaces collapsed to one.
    static func trimmed(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out = ""
        for byte in bytes { out += String(format: "%02x", byte) }
        return out
    }
}

/// The parts of an absolute URL SigV4 needs, split by hand: Foundation's `URL` normalises the
/// path, and the signature must be over the path as sent.
struct URLParts {
    var hostHeader: String?
    var path: String
    var query: String

    init(path: String, query: String) {
        self.path = path
        self.query = query
    }

    init?(_ url: String) {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = String(rest[..<authorityEnd])
        if (scheme == "https" && authority.hasSuffix(":443")) || (scheme == "http" && authority.hasSuffix(":80")) {
            authority = String(authority[..<authority.lastIndex(of: ":")!])
        }
        hostHeader = authority.lowercased()
        let target = rest[authorityEnd...]
        if let question = target.firstIndex(of: "?") {
            path = String(target[..<question])
            query = String(target[target.index(after: question)...])
        } else {
            path = String(target)
            query = ""
        }
        if path.isEmpty { path = "/" }
    }
}
