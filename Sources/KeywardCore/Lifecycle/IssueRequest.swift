/// What a caller asks for when issuing a key; the JSON body of `POST /v1/keys`.
public struct IssueRequest: Sendable, Codable, Equatable {
    public var name: String
    public var owner: String
    public var scopes: [String]?
    public var environment: String?
    public var expiresAt: Timestamp?
    public var ttlSeconds: Int64?
    public var meta: [String: JSONValue]?
    public var rateLimit: RateLimitPolicy?
    public var allowedCIDRs: [CIDR]?
    /// `class`: absent for a standard key; `drill` for a revocation drill's key (``KeyClass``).
    public var keyClass: KeyClass?

    public init(
        name: String, owner: String, scopes: [String]? = nil, environment: String? = nil,
        expiresAt: Timestamp? = nil, ttlSeconds: Int64? = nil, meta: [String: JSONValue]? = nil,
        rateLimit: RateLimitPolicy? = nil, allowedCIDRs: [CIDR]? = nil, keyClass: KeyClass? = nil
    ) {
        self.name = name
        self.owner = owner
        self.scopes = scopes
        self.environment = environment
        self.expiresAt = expiresAt
        self.ttlSeconds = ttlSeconds
        self.meta = meta
        self.rateLimit = rateLimit
        self.allowedCIDRs = allowedCIDRs
        self.keyClass = keyClass
    }

    enum CodingKeys: String, CodingKey {
        case name, owner, scopes, environment, meta
        case expiresAt = "expires_at"
        case ttlSeconds = "ttl_seconds"
        case rateLimit = "rate_limit"
        case allowedCIDRs = "allowed_cidrs"
        case keyClass = "class"
    }
}

/// Bounds on what a caller may put into a key record.
public enum RecordLimits {
    public static let maximumNameLength = 128
    public static let maximumOwnerLength = 128
    public static let maximumReasonLength = 512
    public static let maximumMetaBytes = 16 * 1024
    public static let maximumMetaDepth = 8
    public static let maximumCIDRs = 64
    /// 100 years: longer than any key should live, short enough to stay far from overflow.
    public static let maximumTTLSeconds: Int64 = 100 * 366 * 86_400
    public static let maximumGraceSeconds: Int64 = 90 * 86_400

    /// A printable identifier-ish text: 1…`maximum` characters, no control characters.
    public static func checkText(_ value: String, field: String, maximum: Int) throws {
        let count = value.unicodeScalars.count
        guard count >= 1 else { throw KeywardError.invalidArgument("\(field) must not be empty") }
        guard count <= maximum else {
            throw KeywardError.invalidArgument("\(field) must be at most \(maximum) characters, got \(count)")
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw KeywardError.invalidArgument("\(field) must not contain control characters")
        }
        if let first = value.unicodeScalars.first, let last = value.unicodeScalars.last,
           first.properties.isWhitespace || last.properties.isWhitespace {
            throw KeywardError.invalidArgument("\(field) must not start or end with whitespace")
        }
    }

    public static func checkMeta(_ meta: [String: JSONValue]) throws {
        let value = JSONValue.object(meta)
        guard value.depth <= maximumMetaDepth else {
            throw KeywardError.invalidArgument("meta must nest at most \(maximumMetaDepth) levels deep")
        }
        let size = value.canonicalJSON.utf8.count
        guard size <= maximumMetaBytes else {
            throw KeywardError.invalidArgument("meta must be at most \(maximumMetaBytes) bytes as JSON, got \(size)")
        }
    }
}
