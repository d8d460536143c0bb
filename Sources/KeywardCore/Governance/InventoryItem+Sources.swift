extension InventoryItem {
    /// Meta keys on a keyward key that governance reads; documented in docs/governance.md.
    public enum MetaKey {
        public static let purpose = "purpose"
        public static let system = "system"
        public static let identity = "identity"
        public static let reviewedAt = "reviewed_at"
        public static let tags = "tags"
    }

    /// A keyward key as governance sees it. Purpose, system, identity and review date are read
    /// from `meta` (`purpose`, `system`, `identity`, `reviewed_at`), string members of
    /// `meta.tags` become tags. The identity defaults to the key's name: the successor a rotation
    /// makes keeps the name, so "more than one active key per identity" sees both.
    public init(key: KeyRecord, now: Timestamp) {
        let identity = key.meta[MetaKey.identity]?.stringValue ?? key.name
        var tags: [String: String] = [:]
        if case .object(let members)? = key.meta[MetaKey.tags] {
            for (name, value) in members { if let text = value.stringValue { tags[name] = text } }
        }
        self.init(
            subject: FindingSubject(kind: .key, id: key.id.description, provider: .keyward, externalID: key.redacted,
                                    owner: key.owner.isEmpty ? nil : key.owner, identity: identity),
            kind: .apiKey, name: key.name, purpose: key.meta[MetaKey.purpose]?.stringValue,
            system: key.meta[MetaKey.system]?.stringValue, environments: [key.environment], scopes: key.scopes,
            tags: tags, status: InventoryStatus(key.status(at: now)), createdAt: key.createdAt, lastRotatedAt: key.createdAt,
            lastUsedAt: key.lastUsedAt, expiresAt: key.expiresAt,
            reviewedAt: key.meta[MetaKey.reviewedAt]?.stringValue.flatMap { Timestamp(iso8601: $0) }
        )
    }

    /// An imported record as governance sees it. A record whose `expiresAt` has passed reads as
    /// `expired` even if the last import said `active`.
    public init(record: InventoryRecord, now: Timestamp) {
        var status = record.status
        if status.isLive, let expiresAt = record.expiresAt, expiresAt <= now { status = .expired }
        self.init(
            subject: FindingSubject(kind: .externalKey, id: record.id, provider: record.provider, externalID: record.externalID,
                                    owner: record.owner, identity: record.identity),
            kind: record.kind, name: record.name, purpose: record.purpose, system: record.system,
            environments: record.environments, scopes: record.scopes, tags: record.tags, status: status,
            createdAt: record.createdAt, lastRotatedAt: record.lastRotatedAt ?? record.createdAt,
            lastUsedAt: record.lastUsedAt, expiresAt: record.expiresAt, reviewedAt: record.reviewedAt,
            attributes: record.attributes
        )
    }
}
