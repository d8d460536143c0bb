import KeywardCore

/// Which existing records an import would have listed if they still existed; those it did not
/// list are marked `disappeared`.
///
/// A `list-access-keys` file for two users says nothing about a third user's keys, so its scope
/// is those two users; a credential report lists every user of its account, so its scope is the
/// account. Records with no account recorded count as inside any account scope.
public struct DisappearanceScope: Sendable, Equatable {
    public var providers: Set<InventoryProvider>
    /// Empty: every kind.
    public var kinds: Set<CredentialKind>
    /// Nil: every identity.
    public var identities: Set<String>?
    /// Nil: every account.
    public var accounts: Set<String>?
    /// When set, only records that this import kind alone has listed. A CSV that adds owners to
    /// AWS keys does not speak for those keys' existence: the AWS imports do.
    public var source: String?

    public init(providers: Set<InventoryProvider>, kinds: Set<CredentialKind>, identities: Set<String>? = nil,
                accounts: Set<String>? = nil, source: String? = nil) {
        self.providers = providers
        self.kinds = kinds
        self.identities = identities
        self.accounts = accounts
        self.source = source
    }

    public func contains(_ record: InventoryRecord) -> Bool {
        guard providers.contains(record.provider), kinds.isEmpty || kinds.contains(record.kind) else { return false }
        if let identities, !identities.contains(record.identity ?? "") { return false }
        if let accounts, let account = record.account, !accounts.contains(account) { return false }
        if let source, record.sources != [source] { return false }
        return true
    }
}
