import KeywardCore

/// One credential of `GET /v1/inventory`: a keyward key (`source: "keyward"`, `id` = `key_…`,
/// `external_id` = its redacted display form) or an imported record (`source: "import"`,
/// `id` = `inv_…`). Every field is always present, `null` when unknown. Never a secret.
public struct InventoryEntryObject: Codable, Sendable, Equatable {
    public var source: String
    public var id: String
    @ExplicitNull public var naturalKey: String?
    public var provider: InventoryProvider
    public var kind: CredentialKind
    @ExplicitNull public var externalID: String?
    @ExplicitNull public var identity: String?
    @ExplicitNull public var account: String?
    @ExplicitNull public var name: String?
    @ExplicitNull public var owner: String?
    @ExplicitNull public var purpose: String?
    @ExplicitNull public var system: String?
    public var environments: [String]
    public var scopes: [String]
    /// Resolved against the clock: a credential past its expiry reads `expired`.
    public var status: InventoryStatus
    @ExplicitNull public var createdAt: Timestamp?
    @ExplicitNull public var lastRotatedAt: Timestamp?
    @ExplicitNull public var lastUsedAt: Timestamp?
    @ExplicitNull public var lastUsedService: String?
    @ExplicitNull public var lastUsedRegion: String?
    @ExplicitNull public var expiresAt: Timestamp?
    @ExplicitNull public var reviewedAt: Timestamp?
    public var sources: [String]
    public var tags: [String: String]
    public var attributes: [String: String]
    @ExplicitNull public var firstSeenAt: Timestamp?
    @ExplicitNull public var lastSeenAt: Timestamp?
    @ExplicitNull public var disappearedAt: Timestamp?

    enum CodingKeys: String, CodingKey {
        case source, id, naturalKey = "natural_key", provider, kind, externalID = "external_id", identity, account, name, owner
        case purpose, system, environments, scopes, status, createdAt = "created_at", lastRotatedAt = "last_rotated_at"
        case lastUsedAt = "last_used_at", lastUsedService = "last_used_service", lastUsedRegion = "last_used_region"
        case expiresAt = "expires_at", reviewedAt = "reviewed_at", sources, tags, attributes
        case firstSeenAt = "first_seen_at", lastSeenAt = "last_seen_at", disappearedAt = "disappeared_at"
    }

    /// A keyward key in the inventory's terms (see ``KeywardCore/InventoryItem/init(key:now:)``).
    public init(key: KeyRecord, now: Timestamp) {
        let item = InventoryItem(key: key, now: now)
        source = "keyward"
        id = key.id.description
        naturalKey = nil
        provider = .keyward
        kind = .apiKey
        externalID = key.redacted
        identity = item.identity
        account = nil
        name = key.name
        owner = key.owner
        purpose = item.purpose
        system = item.system
        environments = [key.environment]
        scopes = key.scopes
        status = item.status
        createdAt = key.createdAt
        lastRotatedAt = key.createdAt
        lastUsedAt = key.lastUsedAt
        lastUsedService = nil
        lastUsedRegion = nil
        expiresAt = key.expiresAt
        reviewedAt = item.reviewedAt
        sources = ["keyward"]
        tags = item.tags
        attributes = [:]
        firstSeenAt = key.createdAt
        lastSeenAt = nil
        disappearedAt = nil
    }

    public init(record: InventoryRecord, now: Timestamp) {
        source = "import"
        id = record.id
        naturalKey = record.naturalKey
        provider = record.provider
        kind = record.kind
        externalID = record.externalID
        identity = record.identity
        account = record.account
        name = record.name
        owner = record.owner
        purpose = record.purpose
        system = record.system
        environments = record.environments
        scopes = record.scopes
        status = InventoryItem(record: record, now: now).status
        createdAt = record.createdAt
        lastRotatedAt = record.lastRotatedAt
        lastUsedAt = record.lastUsedAt
        lastUsedService = record.lastUsedService
        lastUsedRegion = record.lastUsedRegion
        expiresAt = record.expiresAt
        reviewedAt = record.reviewedAt
        sources = record.sources
        tags = record.tags
        attributes = record.attributes
        firstSeenAt = record.firstSeenAt
        lastSeenAt = record.lastSeenAt
        disappearedAt = record.disappearedAt
    }
}

public struct InventoryListObject: Codable, Sendable {
    public var items: [InventoryEntryObject]
    @ExplicitNull public var nextCursor: String?

    public init(items: [InventoryEntryObject], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    enum CodingKeys: String, CodingKey {
        case items, nextCursor = "next_cursor"
    }
}
