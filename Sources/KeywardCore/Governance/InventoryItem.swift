/// The one view of a credential that policies, reviews and reports work on, whether keyward
/// issued it (``init(key:now:)``) or another system did (``init(record:now:)``).
///
/// It carries only what the checks read, and its `status` is already resolved against the clock
/// (a key past `expiresAt` is `expired`), so the policy engine never needs to know where an item
/// came from.
public struct InventoryItem: Sendable, Equatable {
    public var subject: FindingSubject
    public var kind: CredentialKind
    public var name: String?
    public var purpose: String?
    public var system: String?
    public var environments: [String]
    public var scopes: [String]
    public var tags: [String: String]
    public var status: InventoryStatus
    public var createdAt: Timestamp?
    /// When the secret was last replaced; the creation time for credentials that are never
    /// re-keyed in place (AWS keys, keyward keys: rotation makes a new key).
    public var lastRotatedAt: Timestamp?
    public var lastUsedAt: Timestamp?
    public var expiresAt: Timestamp?
    public var reviewedAt: Timestamp?
    /// Provider facts a rule may read (`password_enabled`, `rotation_enabled`…).
    public var attributes: [String: String]

    public init(
        subject: FindingSubject, kind: CredentialKind, name: String? = nil, purpose: String? = nil, system: String? = nil,
        environments: [String] = [], scopes: [String] = [], tags: [String: String] = [:], status: InventoryStatus = .active,
        createdAt: Timestamp? = nil, lastRotatedAt: Timestamp? = nil, lastUsedAt: Timestamp? = nil,
        expiresAt: Timestamp? = nil, reviewedAt: Timestamp? = nil, attributes: [String: String] = [:]
    ) {
        self.subject = subject
        self.kind = kind
        self.name = name
        self.purpose = purpose
        self.system = system
        self.environments = environments
        self.scopes = scopes
        self.tags = tags
        self.status = status
        self.createdAt = createdAt
        self.lastRotatedAt = lastRotatedAt
        self.lastUsedAt = lastUsedAt
        self.expiresAt = expiresAt
        self.reviewedAt = reviewedAt
        self.attributes = attributes
    }

    public var provider: InventoryProvider { subject.provider }
    public var owner: String? { subject.owner }
    public var identity: String? { subject.identity }

    /// Whole days from `createdAt` to `now`; nil when the creation time is unknown.
    public func ageInDays(at now: Timestamp) -> Int64? {
        createdAt.map { now.seconds(since: $0) / 86_400 }
    }
}
