/// The stored life-cycle state of a key. Expiry is not a state: it is read off `expiresAt`
/// against the clock, so a key expires on time without anyone writing to the database.
public enum KeyState: String, Sendable, Codable, CaseIterable {
    case active
    /// Replaced by a successor; valid until its grace period (its `expiresAt`) ends.
    case rotating
    case revoked
}

/// What users see: the stored state combined with the disabled flag and the clock.
public enum KeyStatus: String, Sendable, Codable, CaseIterable {
    case active, rotating, expired, revoked, disabled
}

/// Everything keyward keeps about one of its own keys. Never the plaintext.
public struct KeyRecord: Sendable, Equatable {
    public var id: KeyID
    public var hash: KeyHash
    public var name: String
    public var owner: String
    public var prefix: String
    /// The first four random characters, for recognising a key in lists.
    public var start: String
    public var environment: String
    public var scopes: [String]
    public var state: KeyState
    public var disabled: Bool
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var expiresAt: Timestamp?
    public var revokedAt: Timestamp?
    public var revokeReason: String?
    public var lastUsedAt: Timestamp?
    public var useCount: Int64
    public var meta: [String: JSONValue]
    public var rateLimit: RateLimitPolicy?
    public var allowedCIDRs: [CIDR]
    public var rotatedFrom: KeyID?
    public var rotatedTo: KeyID?
    /// Standard, or a drill's or canary's key that counts are kept apart from (``KeyClass``).
    public var keyClass: KeyClass

    public init(
        id: KeyID, hash: KeyHash, name: String, owner: String, prefix: String, start: String,
        environment: String, scopes: [String], state: KeyState = .active, disabled: Bool = false,
        createdAt: Timestamp, updatedAt: Timestamp? = nil, expiresAt: Timestamp? = nil, revokedAt: Timestamp? = nil,
        revokeReason: String? = nil, lastUsedAt: Timestamp? = nil, useCount: Int64 = 0,
        meta: [String: JSONValue] = [:], rateLimit: RateLimitPolicy? = nil, allowedCIDRs: [CIDR] = [],
        rotatedFrom: KeyID? = nil, rotatedTo: KeyID? = nil, keyClass: KeyClass = .standard
    ) {
        self.id = id
        self.hash = hash
        self.name = name
        self.owner = owner
        self.prefix = prefix
        self.start = start
        self.environment = environment
        self.scopes = scopes
        self.state = state
        self.disabled = disabled
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.revokeReason = revokeReason
        self.lastUsedAt = lastUsedAt
        self.useCount = useCount
        self.meta = meta
        self.rateLimit = rateLimit
        self.allowedCIDRs = allowedCIDRs
        self.rotatedFrom = rotatedFrom
        self.rotatedTo = rotatedTo
        self.keyClass = keyClass
    }

    /// Revoked wins over disabled, disabled over expired: the answer names the most deliberate act.
    public func status(at now: Timestamp) -> KeyStatus {
        if state == .revoked { return .revoked }
        if disabled { return .disabled }
        if let expiresAt, expiresAt <= now { return .expired }
        return state == .rotating ? .rotating : .active
    }

    /// `kw_live_AbCd…`: enough to recognise the key, useless to an attacker.
    public var redacted: String { "\(prefix)_\(environment)_\(start)…" }
}
