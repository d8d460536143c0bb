/// The rules of a key's life: issue, rotate, revoke, disable, enable.
///
/// Pure functions from (record, request, time) to new records. The store runs them inside a
/// transaction and persists what they return; tests run them with any time they like.
public struct KeyLifecycle: Sendable {
    public let format: KeyFormat
    /// Environment tags keys may be issued for; the first is the default.
    public let environments: [String]
    public static let defaultGraceSeconds: Int64 = 86_400

    public init(format: KeyFormat = .default, environments: [String] = ["live", "test"]) throws {
        guard !environments.isEmpty else { throw KeywardError.invalidArgument("at least one environment tag is required") }
        for tag in environments where !KeyFormat.isValidTag(tag) {
            throw KeywardError.invalidArgument("environment tag \"\(tag.prefix(32))\" must be 1-16 lowercase letters or digits")
        }
        self.format = format
        self.environments = environments
    }

    /// A new record and the plaintext that goes with it.
    public struct Issued: Sendable {
        public var record: KeyRecord
        public var plaintext: PlaintextKey
    }

    public func issue(_ request: IssueRequest, now: Timestamp) throws -> Issued {
        try RecordLimits.checkText(request.name, field: "name", maximum: RecordLimits.maximumNameLength)
        try RecordLimits.checkText(request.owner, field: "owner", maximum: RecordLimits.maximumOwnerLength)
        let environment = request.environment ?? environments[0]
        guard environments.contains(environment) else {
            throw KeywardError.invalidArgument("environment must be one of \(environments.joined(separator: ", ")), got \"\(environment.prefix(32))\"")
        }
        let scopes = try Scope.normalize(request.scopes ?? [])
        let expiresAt = try Self.expiry(expiresAt: request.expiresAt, ttlSeconds: request.ttlSeconds, now: now)
        let meta = request.meta ?? [:]
        try RecordLimits.checkMeta(meta)
        let cidrs = request.allowedCIDRs ?? []
        guard cidrs.count <= RecordLimits.maximumCIDRs else {
            throw KeywardError.invalidArgument("allowed_cidrs may list at most \(RecordLimits.maximumCIDRs) networks, got \(cidrs.count)")
        }
        let keyClass = request.keyClass ?? .standard
        if keyClass == .drill {
            guard let expiresAt, expiresAt.seconds(since: now) <= KeyClass.maximumDrillLifetimeSeconds else {
                throw KeywardError.invalidArgument("a drill key must expire within \(KeyClass.maximumDrillLifetimeSeconds) seconds (give ttl_seconds)")
            }
            guard !scopes.contains(where: { $0.hasPrefix("keyward:") }) else {
                throw KeywardError.invalidArgument("a drill key cannot carry keyward: scopes")
            }
        }
        let plaintext = format.generate(environment: environment)
        let record = KeyRecord(
            id: .random(), hash: plaintext.hash, name: request.name, owner: request.owner,
            prefix: format.prefix, start: Self.start(of: plaintext), environment: environment, scopes: scopes,
            createdAt: now, expiresAt: expiresAt, meta: meta, rateLimit: request.rateLimit,
            allowedCIDRs: Array(Set(cidrs)).sorted { $0.description < $1.description }, keyClass: keyClass
        )
        return Issued(record: record, plaintext: plaintext)
    }

    static func start(of key: PlaintextKey) -> String {
        String(key.start.utf8.suffix(4))!
    }

    static func expiry(expiresAt: Timestamp?, ttlSeconds: Int64?, now: Timestamp) throws -> Timestamp? {
        switch (expiresAt, ttlSeconds) {
        case (.some, .some):
            throw KeywardError.invalidArgument("give either expires_at or ttl_seconds, not both")
        case (.some(let at), nil):
            guard at > now else { throw KeywardError.invalidArgument("expires_at must be in the future, got \(at)") }
            guard at <= now.adding(seconds: RecordLimits.maximumTTLSeconds) else {
                throw KeywardError.invalidArgument("expires_at must be within 100 years")
            }
            return at
        case (nil, .some(let ttl)):
            guard ttl > 0 else { throw KeywardError.invalidArgument("ttl_seconds must be positive, got \(ttl)") }
            guard ttl <= RecordLimits.maximumTTLSeconds else {
                throw KeywardError.invalidArgument("ttl_seconds must be at most \(RecordLimits.maximumTTLSeconds) (100 years), got \(ttl)")
            }
            return now.adding(seconds: ttl)
        case (nil, nil):
            return nil
        }
    }

    /// The outcome of a rotation: the successor with its plaintext, and the retiring key.
    public struct Rotation: Sendable {
        public var successor: Issued
        public var retired: KeyRecord
    }

    /// Issues a successor with the same owner, name, scopes, environment, meta and restrictions,
    /// and lets the old key live for `graceSeconds` more (never past its own expiry).
    ///
    /// The successor keeps the old key's lifetime: a 90-day key rotates into a new 90-day key.
    /// A key that already has a successor cannot be rotated again; rotate the successor.
    public func rotate(_ old: KeyRecord, graceSeconds: Int64?, now: Timestamp) throws -> Rotation {
        let grace = graceSeconds ?? Self.defaultGraceSeconds
        guard (0...RecordLimits.maximumGraceSeconds).contains(grace) else {
            throw KeywardError.invalidArgument("grace_seconds must be between 0 and \(RecordLimits.maximumGraceSeconds) (90 days), got \(grace)")
        }
        switch old.status(at: now) {
        case .revoked: throw KeywardError.conflict("key \(old.id) is revoked and cannot be rotated; issue a new key")
        case .disabled: throw KeywardError.conflict("key \(old.id) is disabled; enable it before rotating, or revoke it")
        case .expired: throw KeywardError.conflict("key \(old.id) has expired and cannot be rotated; issue a new key")
        case .rotating:
            throw KeywardError.conflict("key \(old.id) was already rotated to \(old.rotatedTo.map { "\($0)" } ?? "a successor"); rotate that key instead")
        case .active: break
        }
        guard environments.contains(old.environment) else {
            throw KeywardError.conflict("key \(old.id) belongs to environment \"\(old.environment)\", which this server no longer issues")
        }
        let plaintext = format.generate(environment: old.environment)
        let lifetime = old.expiresAt.map { $0.millisecondsSinceEpoch - old.createdAt.millisecondsSinceEpoch }
        let successorRecord = KeyRecord(
            id: .random(), hash: plaintext.hash, name: old.name, owner: old.owner, prefix: format.prefix,
            start: Self.start(of: plaintext), environment: old.environment, scopes: old.scopes,
            createdAt: now, expiresAt: lifetime.map { now.adding(milliseconds: $0) }, meta: old.meta,
            rateLimit: old.rateLimit, allowedCIDRs: old.allowedCIDRs, rotatedFrom: old.id, keyClass: old.keyClass
        )
        var retired = old
        let graceEnd = now.adding(seconds: grace)
        retired.expiresAt = min(old.expiresAt ?? graceEnd, graceEnd)
        retired.state = .rotating
        retired.rotatedTo = successorRecord.id
        retired.updatedAt = now
        return Rotation(successor: Issued(record: successorRecord, plaintext: plaintext), retired: retired)
    }

    /// Revokes a key; nil when it was already revoked (revocation is idempotent).
    public func revoke(_ record: KeyRecord, reason: String?, now: Timestamp) throws -> KeyRecord? {
        if let reason { try RecordLimits.checkText(reason, field: "reason", maximum: RecordLimits.maximumReasonLength) }
        guard record.state != .revoked else { return nil }
        var revoked = record
        revoked.state = .revoked
        revoked.revokedAt = now
        revoked.revokeReason = reason
        revoked.updatedAt = now
        return revoked
    }

    /// Disables or re-enables a key; nil when it is already in that state.
    public func setDisabled(_ record: KeyRecord, _ disabled: Bool, now: Timestamp) throws -> KeyRecord? {
        guard record.state != .revoked else {
            throw KeywardError.conflict("key \(record.id) is revoked; a revoked key cannot be \(disabled ? "disabled" : "enabled")")
        }
        guard record.disabled != disabled else { return nil }
        var changed = record
        changed.disabled = disabled
        changed.updatedAt = now
        return changed
    }
}
