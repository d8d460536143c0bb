import KeywardCore
import SQLKit

/// Access-review campaigns: one `review_campaigns` row each, and one `review_items` row per
/// credential in scope with the owner's answer in its columns.
extension GovernanceSQL {
    static let campaignColumns = "id, name, scope, started_by, started_at, due_at, status, closed_at"
    static let itemColumns = """
        campaign_id, position, subject_kind, subject_id, provider, external_id, owner, identity, name, environments, scopes, \
        decision, justification, attested_by, attested_at, carried_out_at
        """

    public func insertCampaign(_ campaign: ReviewCampaign) async throws {
        try await db.raw("""
            INSERT INTO review_campaigns (\(unsafeRaw: Self.campaignColumns)) VALUES (\(bind: campaign.id), \(bind: campaign.name), \
            \(bind: campaign.scope), \(bind: campaign.startedBy), \(bind: campaign.startedAt.millisecondsSinceEpoch), \
            \(bind: campaign.dueAt.millisecondsSinceEpoch), \(bind: campaign.status.rawValue), \(bind: campaign.closedAt?.millisecondsSinceEpoch))
            """).run()
        try await batched(Array(campaign.items.enumerated())) { batch in
            let rows = batch.map { Self.itemValues($0.element, campaignID: campaign.id, position: $0.offset) }
            return "INSERT INTO review_items (\(unsafeRaw: Self.itemColumns)) VALUES \(rows.joined(separator: ", "))"
        }
    }

    /// Writes a campaign's status and every item's answer columns.
    public func updateCampaign(_ campaign: ReviewCampaign, items changed: [ReviewItem]) async throws {
        try await db.raw("""
            UPDATE review_campaigns SET status = \(bind: campaign.status.rawValue), closed_at = \(bind: campaign.closedAt?.millisecondsSinceEpoch) \
            WHERE id = \(bind: campaign.id)
            """).run()
        for item in changed {
            let answer = item.attestation
            try await db.raw("""
                UPDATE review_items SET decision = \(bind: answer?.decision.rawValue), justification = \(bind: answer?.justification), \
                attested_by = \(bind: answer?.attestedBy), attested_at = \(bind: answer?.attestedAt.millisecondsSinceEpoch), \
                carried_out_at = \(bind: answer?.carriedOutAt?.millisecondsSinceEpoch) \
                WHERE campaign_id = \(bind: campaign.id) AND subject_id = \(bind: item.subject.id)
                """).run()
        }
    }

    public func campaign(id: String) async throws -> ReviewCampaign? {
        guard let row = try await db.raw("SELECT \(unsafeRaw: Self.campaignColumns) FROM review_campaigns WHERE id = \(bind: id)\(unsafeRaw: lockClause)").first() else {
            return nil
        }
        let items = try await db.raw("SELECT \(unsafeRaw: Self.itemColumns) FROM review_items WHERE campaign_id = \(bind: id) ORDER BY position")
            .all().map(Self.decodeItem)
        return try Self.decodeCampaign(row, items: items)
    }

    /// Every campaign with its items, newest first (or only those with `status`).
    public func campaigns(status: ReviewCampaign.Status? = nil) async throws -> [ReviewCampaign] {
        let condition: SQLQueryString = status.map { " WHERE status = \(bind: $0.rawValue)" } ?? ""
        let rows = try await db.raw("SELECT \(unsafeRaw: Self.campaignColumns) FROM review_campaigns\(condition) ORDER BY seq DESC").all()
        var result: [ReviewCampaign] = []
        for row in rows {
            let id = try row.text("id")
            let items = try await db.raw("SELECT \(unsafeRaw: Self.itemColumns) FROM review_items WHERE campaign_id = \(bind: id) ORDER BY position")
                .all().map(Self.decodeItem)
            result.append(try Self.decodeCampaign(row, items: items))
        }
        return result
    }

    static func itemValues(_ item: ReviewItem, campaignID: String, position: Int) -> SQLQueryString {
        let subject = item.subject
        let answer = item.attestation
        return """
            (\(bind: campaignID), \(bind: position), \(bind: subject.kind.rawValue), \(bind: subject.id), \(bind: subject.provider.rawValue), \
            \(bind: subject.externalID), \(bind: subject.owner), \(bind: subject.identity), \(bind: item.name), \
            \(bind: ColumnJSON.text(item.environments)), \(bind: ColumnJSON.text(item.scopes)), \(bind: answer?.decision.rawValue), \
            \(bind: answer?.justification), \(bind: answer?.attestedBy), \(bind: answer?.attestedAt.millisecondsSinceEpoch), \
            \(bind: answer?.carriedOutAt?.millisecondsSinceEpoch))
            """
    }

    static func decodeItem(_ row: any SQLRow) throws -> ReviewItem {
        let subject = FindingSubject(
            kind: try row.enumeration("subject_kind", as: FindingSubject.Kind.self), id: try row.text("subject_id"),
            provider: try row.enumeration("provider", as: InventoryProvider.self), externalID: try row.optionalText("external_id"),
            owner: try row.optionalText("owner"), identity: try row.optionalText("identity")
        )
        var attestation: Attestation?
        if let decision = try row.optionalText("decision") {
            guard let parsed = Attestation.Decision(rawValue: decision) else { throw StoreError.corrupt("unknown review decision \(decision.prefix(20))") }
            attestation = Attestation(
                decision: parsed, justification: try row.optionalText("justification"),
                attestedBy: try row.optionalText("attested_by") ?? "", attestedAt: try row.optionalTimestamp("attested_at") ?? Timestamp(millisecondsSinceEpoch: 0),
                carriedOutAt: try row.optionalTimestamp("carried_out_at")
            )
        }
        return ReviewItem(
            subject: subject, name: try row.optionalText("name"),
            environments: try ColumnJSON.strings(try row.text("environments"), column: "environments"),
            scopes: try ColumnJSON.strings(try row.text("scopes"), column: "scopes"), attestation: attestation
        )
    }

    /// Rebuilds a stored campaign. ``KeywardCore/ReviewCampaign``'s initialiser takes a snapshot
    /// of the inventory; a stored one already has its items, so the fields are set one by one.
    static func decodeCampaign(_ row: any SQLRow, items: [ReviewItem]) throws -> ReviewCampaign {
        var campaign = ReviewCampaign(name: try row.text("name"), selector: .all, scopeDescription: try row.text("scope"), items: [],
                                      startedBy: try row.text("started_by"), now: try row.timestamp("started_at"), dueInDays: 0)
        campaign.id = try row.text("id")
        campaign.dueAt = try row.timestamp("due_at")
        campaign.status = try row.enumeration("status", as: ReviewCampaign.Status.self)
        campaign.closedAt = try row.optionalTimestamp("closed_at")
        campaign.items = items
        return campaign
    }
}
