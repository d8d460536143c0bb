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
    @ExplicitNull public var externalID: String?
    @ExplicitNull public var owner: String?
    @ExplicitNull public var identity: String?

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
}
