/// Chooses inventory items by provider, credential kind, environment, owner, scope, tag and status.
///
/// Dimensions combine with AND, the values listed within one dimension with OR, and an empty
/// dimension matches everything. Names are ``GlobPattern``s. Policies use a selector to scope a
/// rule (and another to exclude), access-review campaigns to scope what is reviewed.
public struct InventorySelector: Sendable, Equatable {
    public var providers: Set<InventoryProvider>
    public var kinds: Set<CredentialKind>
    public var environments: [GlobPattern]
    public var owners: [GlobPattern]
    /// An item matches when one of its scopes matches one of these (`keyward:*` selects
    /// keyward's own credentials, which a policy judges by rules meant for administrator keys).
    public var scopes: [GlobPattern]
    /// Tag name → accepted values; an item must carry every named tag with one of its values.
    public var tags: [String: [GlobPattern]]
    /// Nil means any status.
    public var statuses: Set<InventoryStatus>?

    public init(
        providers: Set<InventoryProvider> = [], kinds: Set<CredentialKind> = [], environments: [GlobPattern] = [],
        owners: [GlobPattern] = [], scopes: [GlobPattern] = [], tags: [String: [GlobPattern]] = [:], statuses: Set<InventoryStatus>? = nil
    ) {
        self.providers = providers
        self.kinds = kinds
        self.environments = environments
        self.owners = owners
        self.scopes = scopes
        self.tags = tags
        self.statuses = statuses
    }

    /// Matches everything.
    public static let all = InventorySelector()

    /// True when no dimension is restricted.
    public var isEmpty: Bool {
        providers.isEmpty && kinds.isEmpty && environments.isEmpty && owners.isEmpty && scopes.isEmpty && tags.isEmpty && statuses == nil
    }

    public func matches(_ item: InventoryItem) -> Bool {
        if !providers.isEmpty && !providers.contains(item.provider) { return false }
        if !kinds.isEmpty && !kinds.contains(item.kind) { return false }
        if let statuses, !statuses.contains(item.status) { return false }
        if !environments.isEmpty && !item.environments.contains(where: { environment in environments.contains { $0.matches(environment) } }) {
            return false
        }
        if !owners.isEmpty {
            guard let owner = item.owner, owners.contains(where: { $0.matches(owner) }) else { return false }
        }
        if !scopes.isEmpty && !item.scopes.contains(where: { scope in scopes.contains { $0.matches(scope) } }) { return false }
        for (name, accepted) in tags {
            guard let value = item.tags[name], accepted.contains(where: { $0.matches(value) }) else { return false }
        }
        return true
    }
}
