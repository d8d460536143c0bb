/// What a finding is about. The fixed JSON shape is `{kind, id, provider, external_id, owner}`;
/// `identity` extends it so that an AWS key's finding also names its IAM user.
public struct FindingSubject: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// One of keyward's own keys; `id` is its `key_…` id.
        case key
        /// An inventory record imported from another system; `id` is its `inv_…` id.
        case externalKey = "external_key"
        /// An identity rather than one credential (an IAM user with a console password, the root account).
        case identity
    }

    public var kind: Kind
    public var id: String
    public var provider: InventoryProvider
    public var externalID: String?
    public var owner: String?
    public var identity: String?

    public init(kind: Kind, id: String, provider: InventoryProvider, externalID: String? = nil, owner: String? = nil, identity: String? = nil) {
        self.kind = kind
        self.id = id
        self.provider = provider
        self.externalID = externalID
        self.owner = owner
        self.identity = identity
    }

    enum CodingKeys: String, CodingKey {
        case kind, id, provider, externalID = "external_id", owner, identity
    }

    /// Always writes every fixed field, `null` included, so consumers can rely on the keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(id, forKey: .id)
        try container.encode(provider, forKey: .provider)
        try container.encode(externalID, forKey: .externalID)
        try container.encode(owner, forKey: .owner)
        try container.encode(identity, forKey: .identity)
    }
}
