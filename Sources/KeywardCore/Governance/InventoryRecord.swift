/// One credential that another system issued (an AWS access key, a GCP service-account key, a
/// GitHub token, a stored secret…), as keyward's inventory keeps it. Never the secret itself.
///
/// A record is identified by its `naturalKey`, which an importer derives from what the source
/// file says (for an AWS access key: IAM user and creation second) so that re-importing the same
/// file updates the record instead of adding a second one. `id` is derived from the natural key,
/// so it is stable too and needs no database sequence.
public struct InventoryRecord: Sendable, Equatable, Codable {
    public var naturalKey: String
    public var provider: InventoryProvider
    public var kind: CredentialKind
    /// The provider's non-secret identifier: AWS access key id, GCP key resource name, GitHub
    /// token id, secret ARN. Nil while unknown (an AWS key imported only from a credential report).
    public var externalID: String?
    /// The identity the credential belongs to: IAM user, service-account e-mail, GitHub login.
    public var identity: String?
    /// The container of the identity: AWS account id, GCP project, GitHub organisation.
    public var account: String?
    public var name: String?
    public var owner: String?
    public var purpose: String?
    public var system: String?
    public var environments: [String]
    public var scopes: [String]
    public var createdAt: Timestamp?
    public var lastRotatedAt: Timestamp?
    public var lastUsedAt: Timestamp?
    /// Where it was last used, when the source says (AWS: service and region).
    public var lastUsedService: String?
    public var lastUsedRegion: String?
    public var expiresAt: Timestamp?
    /// When an owner last attested that the credential is still needed (CIS Controls 5.5).
    public var reviewedAt: Timestamp?
    public var status: InventoryStatus
    /// The import kinds that have listed this record, sorted (`aws-access-keys`, `aws-credential-report`…).
    public var sources: [String]
    public var tags: [String: String]
    /// Provider-specific facts that rules or people may want (`key_algorithm`, `password_enabled`…).
    public var attributes: [String: String]
    public var firstSeenAt: Timestamp
    public var lastSeenAt: Timestamp
    public var disappearedAt: Timestamp?

    public init(
        naturalKey: String, provider: InventoryProvider, kind: CredentialKind, externalID: String? = nil,
        identity: String? = nil, account: String? = nil, name: String? = nil, owner: String? = nil,
        purpose: String? = nil, system: String? = nil, environments: [String] = [], scopes: [String] = [],
        createdAt: Timestamp? = nil, lastRotatedAt: Timestamp? = nil, lastUsedAt: Timestamp? = nil,
        lastUsedService: String? = nil, lastUsedRegion: String? = nil, expiresAt: Timestamp? = nil,
        reviewedAt: Timestamp? = nil, status: InventoryStatus = .active, sources: [String] = [],
        tags: [String: String] = [:], attributes: [String: String] = [:],
        firstSeenAt: Timestamp, lastSeenAt: Timestamp? = nil, disappearedAt: Timestamp? = nil
    ) {
        self.naturalKey = naturalKey
        self.provider = provider
        self.kind = kind
        self.externalID = externalID
        self.identity = identity
        self.account = account
        self.name = name
        self.owner = owner
        self.purpose = purpose
        self.system = system
        self.environments = environments
        self.scopes = scopes
        self.createdAt = createdAt
        self.lastRotatedAt = lastRotatedAt
        self.lastUsedAt = lastUsedAt
        self.lastUsedService = lastUsedService
        self.lastUsedRegion = lastUsedRegion
        self.expiresAt = expiresAt
        self.reviewedAt = reviewedAt
        self.status = status
        self.sources = sources
        self.tags = tags
        self.attributes = attributes
        self.firstSeenAt = firstSeenAt
        self.lastSeenAt = lastSeenAt ?? firstSeenAt
        self.disappearedAt = disappearedAt
    }

    /// `inv_` + 24 hex digits of SHA-256 of the natural key.
    public var id: String { InventoryRecord.id(forNaturalKey: naturalKey) }

    public static func id(forNaturalKey naturalKey: String) -> String {
        StableIdentifier.make(prefix: "inv_", parts: [naturalKey])
    }

    enum CodingKeys: String, CodingKey {
        case naturalKey = "natural_key", provider, kind, externalID = "external_id", identity, account, name, owner
        case purpose, system, environments, scopes, createdAt = "created_at", lastRotatedAt = "last_rotated_at"
        case lastUsedAt = "last_used_at", lastUsedService = "last_used_service", lastUsedRegion = "last_used_region"
        case expiresAt = "expires_at", reviewedAt = "reviewed_at", status, sources, tags, attributes
        case firstSeenAt = "first_seen_at", lastSeenAt = "last_seen_at", disappearedAt = "disappeared_at"
    }
}
