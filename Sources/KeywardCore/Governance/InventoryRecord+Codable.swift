extension InventoryRecord {
    private enum DerivedKeys: String, CodingKey { case id }

    /// Writes every stored field plus the derived `id`, so API and `--json` consumers can link a
    /// record to its findings without recomputing the hash. Decoding ignores `id`.
    public func encode(to encoder: any Encoder) throws {
        var derived = encoder.container(keyedBy: DerivedKeys.self)
        try derived.encode(id, forKey: .id)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(naturalKey, forKey: .naturalKey)
        try container.encode(provider, forKey: .provider)
        try container.encode(kind, forKey: .kind)
        try container.encode(externalID, forKey: .externalID)
        try container.encode(identity, forKey: .identity)
        try container.encode(account, forKey: .account)
        try container.encode(name, forKey: .name)
        try container.encode(owner, forKey: .owner)
        try container.encode(purpose, forKey: .purpose)
        try container.encode(system, forKey: .system)
        try container.encode(environments, forKey: .environments)
        try container.encode(scopes, forKey: .scopes)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(lastRotatedAt, forKey: .lastRotatedAt)
        try container.encode(lastUsedAt, forKey: .lastUsedAt)
        try container.encode(lastUsedService, forKey: .lastUsedService)
        try container.encode(lastUsedRegion, forKey: .lastUsedRegion)
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encode(reviewedAt, forKey: .reviewedAt)
        try container.encode(status, forKey: .status)
        try container.encode(sources, forKey: .sources)
        try container.encode(tags, forKey: .tags)
        try container.encode(attributes, forKey: .attributes)
        try container.encode(firstSeenAt, forKey: .firstSeenAt)
        try container.encode(lastSeenAt, forKey: .lastSeenAt)
        try container.encode(disappearedAt, forKey: .disappearedAt)
    }
}
