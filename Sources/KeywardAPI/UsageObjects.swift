import KeywardCore

/// One hour of a key's verifications, by answer (`VALID`, `NOT_FOUND`… as in the verify API).
public struct UsageHourObject: Codable, Sendable, Equatable {
    public var hour: Timestamp
    public var counts: [String: Int64]
    public var total: Int64

    public init(hour: Timestamp, counts: [String: Int64]) {
        self.hour = hour
        self.counts = counts
        total = counts.values.reduce(0, +)
    }
}

/// A caller of a key: the end client's address (and its network), the verifying service's
/// label or User-Agent, the environment it stated, when it was first and last seen, how often.
public struct CallerObject: Codable, Sendable, Equatable {
    public var id: String
    @ExplicitNull public var address: String?
    @ExplicitNull public var network: String?
    @ExplicitNull public var label: String?
    @ExplicitNull public var userAgent: String?
    @ExplicitNull public var environment: String?
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp
    public var count: Int64
    public var validCount: Int64

    public init(id: String, address: String?, network: String?, label: String?, userAgent: String?, environment: String?,
                firstSeen: Timestamp, lastSeen: Timestamp, count: Int64, validCount: Int64) {
        self.id = id
        self.address = address
        self.network = network
        self.label = label
        self.userAgent = userAgent
        self.environment = environment
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.count = count
        self.validCount = validCount
    }

    /// `label` when given, else the User-Agent, else "-": how a person names the caller.
    public var name: String { label ?? userAgent ?? "-" }

    enum CodingKeys: String, CodingKey {
        case id, address, network, label, userAgent = "user_agent", environment, firstSeen = "first_seen", lastSeen = "last_seen", count
        case validCount = "valid_count"
    }
}

/// A rotation's grace period seen through usage: who still presents the old key, and whether
/// the grace can end early.
public struct RotationUsageObject: Codable, Sendable, Equatable {
    public var oldKeyID: String
    public var newKeyID: String
    public var oldKeyStatus: KeyStatus
    /// When the successor was issued.
    public var startedAt: Timestamp
    /// When the old key stops being valid on its own.
    @ExplicitNull public var graceEndsAt: Timestamp?
    /// Callers of the old key seen since the rotation started: they have not switched yet.
    public var notYetSwitched: [CallerObject]
    /// Callers of the new key since the rotation started.
    public var switched: [CallerObject]
    @ExplicitNull public var lastOldKeyUse: Timestamp?
    /// How long the old key must be unused before the grace may end early.
    public var quietSeconds: Int64
    public var safeToEnd: Bool
    /// When it becomes safe if the old key is not used again (nil once safe, or once over).
    @ExplicitNull public var safeAt: Timestamp?
    public var advice: String
    /// The command that ends the grace now.
    public var endCommand: String

    public init(oldKeyID: String, newKeyID: String, oldKeyStatus: KeyStatus, startedAt: Timestamp, graceEndsAt: Timestamp?,
                notYetSwitched: [CallerObject], switched: [CallerObject], lastOldKeyUse: Timestamp?, quietSeconds: Int64,
                safeToEnd: Bool, safeAt: Timestamp?, advice: String, endCommand: String) {
        self.oldKeyID = oldKeyID
        self.newKeyID = newKeyID
        self.oldKeyStatus = oldKeyStatus
        self.startedAt = startedAt
        self.graceEndsAt = graceEndsAt
        self.notYetSwitched = notYetSwitched
        self.switched = switched
        self.lastOldKeyUse = lastOldKeyUse
        self.quietSeconds = quietSeconds
        self.safeToEnd = safeToEnd
        self.safeAt = safeAt
        self.advice = advice
        self.endCommand = endCommand
    }

    enum CodingKeys: String, CodingKey {
        case oldKeyID = "old_key_id", newKeyID = "new_key_id", oldKeyStatus = "old_key_status", startedAt = "started_at"
        case graceEndsAt = "grace_ends_at", notYetSwitched = "not_yet_switched", switched, lastOldKeyUse = "last_old_key_use"
        case quietSeconds = "quiet_seconds", safeToEnd = "safe_to_end", safeAt = "safe_at", advice, endCommand = "end_command"
    }
}

/// `GET /v1/keys/{id}/usage?hours=N`.
public struct KeyUsageObject: Codable, Sendable, Equatable {
    public var keyID: String
    public var status: KeyStatus
    public var hours: Int
    public var from: Timestamp
    public var to: Timestamp
    /// Hours with at least one verification, oldest first.
    public var buckets: [UsageHourObject]
    /// Verifications by answer over the whole period.
    public var totals: [String: Int64]
    /// Callers seen in the period, most recent first.
    public var callers: [CallerObject]
    /// Callers seen in the period beyond those listed.
    public var moreCallers: Int
    /// Verifications whose caller was not kept (per-key caller tables full).
    public var callerOverflow: Int64
    /// Present while the key (or its predecessor) is in a rotation's grace period.
    @ExplicitNull public var rotation: RotationUsageObject?
    /// Always true since usage monitoring can no longer be switched off; kept so that clients
    /// that read it keep working.
    public var monitoring: Bool

    public init(keyID: String, status: KeyStatus, hours: Int, from: Timestamp, to: Timestamp, buckets: [UsageHourObject], callers: [CallerObject],
                moreCallers: Int, callerOverflow: Int64, rotation: RotationUsageObject?, monitoring: Bool) {
        self.keyID = keyID
        self.status = status
        self.hours = hours
        self.from = from
        self.to = to
        self.buckets = buckets
        self.totals = buckets.reduce(into: [:]) { totals, bucket in totals.merge(bucket.counts, uniquingKeysWith: +) }
        self.callers = callers
        self.moreCallers = moreCallers
        self.callerOverflow = callerOverflow
        self.rotation = rotation
        self.monitoring = monitoring
    }

    enum CodingKeys: String, CodingKey {
        case keyID = "key_id", status, hours, from, to, buckets, totals, callers, moreCallers = "more_callers"
        case callerOverflow = "caller_overflow", rotation, monitoring
    }
}

/// `GET /v1/keys/{id}/blast-radius`: what revoking a key would break, without revoking it.
public struct BlastRadiusObject: Codable, Sendable, Equatable {
    public struct OwnerStatus: Codable, Sendable, Equatable {
        public var handle: String
        /// False when the owner is not in the registry.
        public var registered: Bool
        @ExplicitNull public var status: OwnerEntry.Status?
        @ExplicitNull public var departedAt: Timestamp?
        /// The owner's other keys that are still live (an offboarding revokes them too).
        public var otherLiveKeys: Int

        public init(handle: String, registered: Bool, status: OwnerEntry.Status?, departedAt: Timestamp?, otherLiveKeys: Int) {
            self.handle = handle
            self.registered = registered
            self.status = status
            self.departedAt = departedAt
            self.otherLiveKeys = otherLiveKeys
        }

        enum CodingKeys: String, CodingKey {
            case handle, registered, status, departedAt = "departed_at", otherLiveKeys = "other_live_keys"
        }
    }

    public struct Commands: Codable, Sendable, Equatable {
        public var revokeKey: String
        public var offboardOwner: String

        public init(revokeKey: String, offboardOwner: String) {
            self.revokeKey = revokeKey
            self.offboardOwner = offboardOwner
        }

        enum CodingKeys: String, CodingKey { case revokeKey = "revoke_key", offboardOwner = "offboard_owner" }
    }

    public var key: KeyObject
    public var owner: OwnerStatus
    /// The period callers are listed for.
    public var days: Int
    public var callers: [CallerObject]
    public var moreCallers: Int
    /// Verifications in the period, and of those VALID.
    public var verifications: Int64
    public var validVerifications: Int64
    @ExplicitNull public var rotation: RotationUsageObject?
    public var openFindings: [Finding]
    public var commands: Commands

    public init(key: KeyObject, owner: OwnerStatus, days: Int, callers: [CallerObject], moreCallers: Int, verifications: Int64,
                validVerifications: Int64, rotation: RotationUsageObject?, openFindings: [Finding], commands: Commands) {
        self.key = key
        self.owner = owner
        self.days = days
        self.callers = callers
        self.moreCallers = moreCallers
        self.verifications = verifications
        self.validVerifications = validVerifications
        self.rotation = rotation
        self.openFindings = openFindings
        self.commands = commands
    }

    enum CodingKeys: String, CodingKey {
        case key, owner, days, callers, moreCallers = "more_callers", verifications, validVerifications = "valid_verifications"
        case rotation, openFindings = "open_findings", commands
    }
}
