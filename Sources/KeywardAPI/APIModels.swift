import KeywardCore

/// The key object of the API (fixed fields, plus extensions). Never carries the plaintext.
public struct KeyObject: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var owner: String
    public var prefix: String
    public var start: String
    public var environment: String
    public var scopes: [String]
    public var status: KeyStatus
    public var createdAt: Timestamp
    @ExplicitNull public var expiresAt: Timestamp?
    @ExplicitNull public var lastUsedAt: Timestamp?
    @ExplicitNull public var revokedAt: Timestamp?
    public var meta: [String: JSONValue]
    public var useCount: Int64
    @ExplicitNull public var revokeReason: String?
    @ExplicitNull public var rotatedFrom: String?
    @ExplicitNull public var rotatedTo: String?
    @ExplicitNull public var rateLimit: RateLimitPolicy?
    public var allowedCIDRs: [CIDR]
    public var updatedAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, name, owner, prefix, start, environment, scopes, status
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
        case meta
        case useCount = "use_count"
        case revokeReason = "revoke_reason"
        case rotatedFrom = "rotated_from"
        case rotatedTo = "rotated_to"
        case rateLimit = "rate_limit"
        case allowedCIDRs = "allowed_cidrs"
        case updatedAt = "updated_at"
    }

    public init(_ record: KeyRecord, now: Timestamp, pendingUses: Int64 = 0, pendingLastUsed: Timestamp? = nil) {
        id = record.id.description
        name = record.name
        owner = record.owner
        prefix = record.prefix
        start = record.start
        environment = record.environment
        scopes = record.scopes
        status = record.status(at: now)
        createdAt = record.createdAt
        expiresAt = record.expiresAt
        lastUsedAt = [record.lastUsedAt, pendingLastUsed].compactMap { $0 }.max()
        revokedAt = record.revokedAt
        meta = record.meta
        useCount = record.useCount + pendingUses
        revokeReason = record.revokeReason
        rotatedFrom = record.rotatedFrom?.description
        rotatedTo = record.rotatedTo?.description
        rateLimit = record.rateLimit
        allowedCIDRs = record.allowedCIDRs
        updatedAt = record.updatedAt
    }
}

/// `POST /v1/keys` and rotate answers: the key object plus the plaintext, shown this once.
public struct IssuedKeyObject: Codable, Sendable {
    public var key: String
    public var object: KeyObject
    public var replaces: Replaced?

    public struct Replaced: Codable, Sendable, Equatable {
        public var id: String
        public var status: KeyStatus
        @ExplicitNull public var expiresAt: Timestamp?

        enum CodingKeys: String, CodingKey {
            case id, status
            case expiresAt = "expires_at"
        }

        public init(id: String, status: KeyStatus, expiresAt: Timestamp?) {
            self.id = id
            self.status = status
            self.expiresAt = expiresAt
        }
    }

    public init(key: String, object: KeyObject, replaces: Replaced? = nil) {
        self.key = key
        self.object = object
        self.replaces = replaces
    }

    enum ExtraKeys: String, CodingKey { case key, replaces }

    public func encode(to encoder: any Encoder) throws {
        try object.encode(to: encoder)
        var container = encoder.container(keyedBy: ExtraKeys.self)
        try container.encode(key, forKey: .key)
        try container.encodeIfPresent(replaces, forKey: .replaces)
    }

    public init(from decoder: any Decoder) throws {
        object = try KeyObject(from: decoder)
        let container = try decoder.container(keyedBy: ExtraKeys.self)
        key = try container.decode(String.self, forKey: .key)
        replaces = try container.decodeIfPresent(Replaced.self, forKey: .replaces)
    }
}

public struct KeyListObject: Codable, Sendable {
    public var keys: [KeyObject]
    @ExplicitNull public var nextCursor: String?

    public init(keys: [KeyObject], nextCursor: String?) {
        self.keys = keys
        self.nextCursor = nextCursor
    }

    enum CodingKeys: String, CodingKey {
        case keys
        case nextCursor = "next_cursor"
    }
}

public struct RotateBody: Codable, Sendable {
    public var graceSeconds: Int64?
    public init(graceSeconds: Int64?) { self.graceSeconds = graceSeconds }
    enum CodingKeys: String, CodingKey { case graceSeconds = "grace_seconds" }
}

public struct RevokeBody: Codable, Sendable {
    public var reason: String?
    /// Where the key was found when a scanner revokes it (file, line, commit, rule): recorded in
    /// the audit event, never containing the secret.
    public var source: [String: JSONValue]?
    public init(reason: String?, source: [String: JSONValue]? = nil) {
        self.reason = reason
        self.source = source
    }
}

public struct BulkRevokeBody: Codable, Sendable {
    public var owner: String
    public var reason: String?
    public init(owner: String, reason: String?) {
        self.owner = owner
        self.reason = reason
    }
}

public struct BulkRevokeResult: Codable, Sendable {
    public var owner: String
    public var revoked: Int
    public var keyIDs: [String]

    public init(owner: String, revoked: Int, keyIDs: [String]) {
        self.owner = owner
        self.revoked = revoked
        self.keyIDs = keyIDs
    }

    enum CodingKeys: String, CodingKey {
        case owner, revoked
        case keyIDs = "key_ids"
    }
}

public struct LookupBody: Codable, Sendable {
    public var hashes: [String]
    public init(hashes: [String]) { self.hashes = hashes }
}

public struct LookupResult: Codable, Sendable {
    public struct Match: Codable, Sendable, Equatable {
        public var hash: String
        public var keyID: String
        public var status: KeyStatus
        public var owner: String
        public var name: String

        enum CodingKeys: String, CodingKey {
            case hash, status, owner, name
            case keyID = "key_id"
        }

        public init(hash: String, keyID: String, status: KeyStatus, owner: String, name: String) {
            self.hash = hash
            self.keyID = keyID
            self.status = status
            self.owner = owner
            self.name = name
        }
    }
    public var matches: [Match]
    public init(matches: [Match]) { self.matches = matches }
}

public struct AuditEventList: Codable, Sendable {
    public var events: [AuditEvent]
    public var nextBefore: Int64?

    public init(events: [AuditEvent], nextBefore: Int64?) {
        self.events = events
        self.nextBefore = nextBefore
    }

    enum CodingKeys: String, CodingKey {
        case events
        case nextBefore = "next_before"
    }
}

public struct AuditVerifyObject: Codable, Sendable {
    public var intact: Bool
    public var events: Int64
    public var headSequence: Int64
    public var headHash: String
    public var firstBadEvent: Int64?
    public var problem: String?

    public init(intact: Bool, events: Int64, headSequence: Int64, headHash: String, firstBadEvent: Int64?, problem: String?) {
        self.intact = intact
        self.events = events
        self.headSequence = headSequence
        self.headHash = headHash
        self.firstBadEvent = firstBadEvent
        self.problem = problem
    }

    enum CodingKeys: String, CodingKey {
        case intact, events, problem
        case headSequence = "head_seq"
        case headHash = "head_hash"
        case firstBadEvent = "first_bad_event"
    }
}

/// The answer of `POST /v1/verify`.
public struct VerifyResult: Codable, Sendable, Equatable {
    public var valid: Bool
    public var code: VerificationCode
    public var keyID: String?
    public var owner: String?
    public var scopes: [String]?
    public var environment: String?
    public var expiresAt: Timestamp?

    enum CodingKeys: String, CodingKey {
        case valid, code, owner, scopes, environment
        case keyID = "key_id"
        case expiresAt = "expires_at"
    }
}

/// The body of `POST /v1/verify`.
public struct VerifyBody: Codable, Sendable {
    public var key: String
    public var requiredScopes: [String]?
    public var ip: String?
    /// Usage monitoring: the verifying service's label, its end client's User-Agent, the
    /// environment it runs in.
    public var caller: String?
    public var userAgent: String?
    public var environment: String?

    public init(key: String, requiredScopes: [String]? = nil, ip: String? = nil, caller: String? = nil, userAgent: String? = nil,
                environment: String? = nil) {
        self.key = key
        self.requiredScopes = requiredScopes
        self.ip = ip
        self.caller = caller
        self.userAgent = userAgent
        self.environment = environment
    }

    enum CodingKeys: String, CodingKey {
        case key, ip, caller, environment
        case requiredScopes = "required_scopes"
        case userAgent = "user_agent"
    }
}

/// The error shape of every 4xx/5xx answer.
public struct ErrorObject: Codable, Sendable {
    public struct Detail: Codable, Sendable {
        public var code: String
        public var message: String
    }
    public var error: Detail
}
