import KeywardCore

extension InventoryRecord {
    /// The record after `incoming` (what one import says about the same credential) is laid over
    /// it. A value the import does not carry keeps what another import or a person recorded:
    /// the credential report knows last use but not the access key id, `list-access-keys` the
    /// reverse, and neither knows the owner a person set.
    func merged(with incoming: InventoryRecord, at now: Timestamp) -> InventoryRecord {
        var next = self
        next.externalID = incoming.externalID ?? externalID
        next.identity = incoming.identity ?? identity
        next.account = incoming.account ?? account
        next.name = incoming.name ?? name
        next.owner = incoming.owner ?? owner
        next.purpose = incoming.purpose ?? purpose
        next.system = incoming.system ?? system
        if !incoming.environments.isEmpty { next.environments = incoming.environments }
        if !incoming.scopes.isEmpty { next.scopes = incoming.scopes }
        next.createdAt = incoming.createdAt ?? createdAt
        next.lastRotatedAt = incoming.lastRotatedAt ?? lastRotatedAt
        next.lastUsedAt = incoming.lastUsedAt ?? lastUsedAt
        next.lastUsedService = incoming.lastUsedService ?? lastUsedService
        next.lastUsedRegion = incoming.lastUsedRegion ?? lastUsedRegion
        next.expiresAt = incoming.expiresAt ?? expiresAt
        // A review date only moves forward: an old spreadsheet must not undo an attestation.
        next.reviewedAt = [reviewedAt, incoming.reviewedAt].compactMap { $0 }.max()
        next.status = incoming.status
        if !incoming.sources.allSatisfy(sources.contains) {
            next.sources = Array(Set(sources).union(incoming.sources)).sorted()
        }
        // Merging only when something differs keeps the unchanged path free of copies.
        if incoming.tags.contains(where: { tags[$0.key] != $0.value }) { next.tags.merge(incoming.tags) { _, new in new } }
        if incoming.attributes.contains(where: { attributes[$0.key] != $0.value }) {
            next.attributes.merge(incoming.attributes) { _, new in new }
        }
        next.lastSeenAt = now
        next.disappearedAt = nil
        return next
    }

    /// True when the two differ in anything but the time they were last seen.
    func differsInContent(from other: InventoryRecord) -> Bool {
        var copy = other
        copy.lastSeenAt = lastSeenAt
        return copy != self
    }
}
