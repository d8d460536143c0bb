import KeywardCore

/// One token of a leak report, as GitHub secret scanning sends it: `{token, type, url, source}`.
/// The signed report endpoint (`POST /v1/leaks/report`) also accepts `token_hash` (SHA-256 hex of
/// the token) instead of `token`, so that keyward's own scanner never sends a key over the wire.
///
/// Its descriptions redact the token.
public struct LeakReportItem: Codable, Sendable, Equatable, CustomStringConvertible {
    public var token: String?
    public var tokenHash: String?
    public var type: String
    public var url: String
    public var source: String

    public init(token: String? = nil, tokenHash: String? = nil, type: String, url: String, source: String) {
        self.token = token
        self.tokenHash = tokenHash
        self.type = type
        self.url = url
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case token, tokenHash = "token_hash", type, url, source
    }

    public var description: String {
        "LeakReportItem(token: \(token == nil ? "nil" : "redacted"), token_hash: \(tokenHash ?? "nil"), type: \(type), url: \(url), source: \(source))"
    }
}

/// One element of the answer to a leak report, in GitHub's feedback format
/// `{token_hash, token_type, label}`: `label` is `true_positive` for a key keyward issued
/// (whatever its status) and `false_positive` otherwise. The signed report endpoint adds what
/// it did (`action`: `revoked`, `reported`, `already_revoked`, `inactive`, `none`) and `key_id`.
public struct LeakFeedback: Codable, Sendable, Equatable {
    public static let truePositive = "true_positive"
    public static let falsePositive = "false_positive"

    public var tokenHash: String
    public var tokenType: String
    public var label: String
    public var action: String?
    public var keyID: String?

    public init(tokenHash: String, tokenType: String, label: String, action: String? = nil, keyID: String? = nil) {
        self.tokenHash = tokenHash
        self.tokenType = tokenType
        self.label = label
        self.action = action
        self.keyID = keyID
    }

    enum CodingKeys: String, CodingKey {
        case tokenHash = "token_hash", tokenType = "token_type", label, action, keyID = "key_id"
    }
}
