import Foundation
import KeywardCore
import KeywardStore

/// The result of one answer in an access review.
public struct AttestationOutcome: Sendable {
    public var campaign: ReviewCampaign
    public var item: ReviewItem
    /// The keyward key a revoke answer revoked, when the subject was one.
    public var revokedKey: KeyRecord?
}

extension GovernanceService {
    public static let maximumReviewDays: Int64 = 366

    /// Opens a campaign over the live credentials `selector` chooses (keyward keys and external
    /// records), due in `dueInDays`. A selector that matches nothing is refused: a campaign
    /// with no items proves nothing.
    public func startReview(name: String, selector: InventorySelector, scopeDescription: String, dueInDays: Int64,
                            by principal: Principal) async throws -> ReviewCampaign {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else { throw KeywardError.invalidArgument("name must be 1 to 200 characters") }
        guard (1...Self.maximumReviewDays).contains(dueInDays) else {
            throw KeywardError.invalidArgument("due_days must be between 1 and \(Self.maximumReviewDays), got \(dueInDays)")
        }
        let now = clock.now()
        let (items, _) = try await snapshot(now: now)
        let campaign = ReviewCampaign(name: name, selector: selector, scopeDescription: scopeDescription, items: items,
                                      startedBy: principal.id, now: now, dueInDays: dueInDays)
        guard !campaign.items.isEmpty else {
            throw KeywardError.invalidArgument("no live credential matches \(scopeDescription); nothing to review")
        }
        try await store.governanceWrite { sql in
            try await sql.insertCampaign(campaign)
            var details: [String: JSONValue] = [
                "name": .string(campaign.name), "scope": .string(campaign.scope), "items": .number(Double(campaign.items.count)),
                "due_at": .string(campaign.dueAt.iso8601),
            ]
            if let address = principal.address { details["source_address"] = .string(address) }
            try await sql.audit([AuditDraft(actor: principal.id, action: "review.started", subjectKind: "review", subjectID: campaign.id,
                                            details: details)], at: now)
        }
        return campaign
    }

    public func reviews(status: ReviewCampaign.Status? = nil) async throws -> [ReviewCampaign] {
        try await store.governanceRead { sql in try await sql.campaigns(status: status) }
    }

    public func review(id: String) async throws -> ReviewCampaign {
        guard let campaign = try await store.governanceRead({ sql in try await sql.campaign(id: id) }) else {
            throw KeywardError.notFound(GivenIdentifier.reviewID.message(id) { "no review campaign with \($0)" })
        }
        return campaign
    }

    /// Records an owner's answer for one credential (`subject`: its id or external id). `keep`
    /// needs a justification and moves the credential's review date; `revoke` of a keyward key
    /// revokes it at once through the key service (so the verify index and the key's audit trail
    /// see it) and marks the answer carried out; `revoke` of an external credential raises a
    /// `review-revocation-pending` finding until an import shows it inactive or gone. A
    /// revocation that was carried out cannot be answered again.
    public func attest(campaignID: String, subject: String, decision: Attestation.Decision, justification: String?,
                       by principal: Principal, attester: String, asAdministrator: Bool) async throws -> AttestationOutcome {
        let outcome = try await serial.withLock {
            var campaign = try await review(id: campaignID)
            guard let index = campaign.items.firstIndex(where: { $0.subject.id == subject || $0.subject.externalID == subject }) else {
                throw KeywardError.notFound(GivenIdentifier.subject.message(subject) { "the credential with \($0) is not part of review campaign \(campaign.id)" })
            }
            if let previous = campaign.items[index].attestation, previous.carriedOutAt != nil {
                throw KeywardError.conflict(GivenIdentifier.subject.message(subject) { "the credential with \($0) was already revoked in review \(campaign.id); the answer cannot change" })
            }
            let now = clock.now()
            let subjectID = campaign.items[index].subject.id
            try campaign.attest(subjectID: subjectID, decision: decision, justification: justification, by: attester,
                                asAdministrator: asAdministrator, at: now)
            var revoked: KeyRecord?
            if decision == .revoke, campaign.items[index].subject.kind == .key, let keyID = KeyID(subjectID) {
                revoked = try await keys.revoke(id: keyID, reason: "access review \"\(campaign.name)\": \(attester) answered revoke",
                                                by: principal, details: ["review": .string(campaign.id)])
                try campaign.markRevoked(subjectID: subjectID, at: now)
            }
            let item = campaign.items[index]
            let saved = campaign
            try await store.governanceWrite { sql in
                try await sql.updateCampaign(saved, items: [item])
                if decision == .keep { try await Self.markReviewed(item.subject, at: now, sql: sql) }
                var details: [String: JSONValue] = [
                    "subject": .string(subjectID), "decision": .string(decision.rawValue), "attester": .string(attester),
                ]
                if let reason = item.attestation?.justification { details["justification"] = .string(reason) }
                if asAdministrator { details["as_administrator"] = .bool(true) }
                if let address = principal.address { details["source_address"] = .string(address) }
                try await sql.audit([AuditDraft(actor: principal.id, action: "review.attested", subjectKind: "review", subjectID: saved.id,
                                                details: details)], at: now)
                _ = try await Self.refreshReviewFindings(sql, now: now, actor: principal.id)
            }
            return AttestationOutcome(campaign: saved, item: item, revokedKey: revoked)
        }
        changes.signal()
        return outcome
    }

    /// A keep answer is a review: it moves the credential's `reviewed_at` (CIS Controls 5.5).
    static func markReviewed(_ subject: FindingSubject, at time: Timestamp, sql: GovernanceSQL) async throws {
        switch subject.kind {
        case .key:
            if let id = KeyID(subject.id) { try await sql.markKeyReviewed(id: id, at: time, now: time) }
        case .externalKey:
            try await sql.markReviewed(recordID: subject.id, at: time, now: time)
        case .identity:
            break
        }
    }

    /// Closes a campaign: answers can no longer change; unanswered items stay unanswered in the
    /// evidence, and the campaign's overdue findings resolve (the `review-interval` rule keeps
    /// flagging credentials that were never reviewed).
    public func closeReview(id: String, by principal: Principal) async throws -> ReviewCampaign {
        try await serial.withLock {
            var campaign = try await review(id: id)
            guard campaign.status == .open else { throw KeywardError.conflict("review campaign \(campaign.id) is already closed") }
            let now = clock.now()
            campaign.close(at: now)
            let closed = campaign
            try await store.governanceWrite { sql in
                try await sql.updateCampaign(closed, items: [])
                let progress = closed.progress
                try await sql.audit([AuditDraft(actor: principal.id, action: "review.closed", subjectKind: "review", subjectID: closed.id, details: [
                    "total": .number(Double(progress.total)), "kept": .number(Double(progress.kept)),
                    "revoked": .number(Double(progress.revoked)), "unanswered": .number(Double(progress.unanswered)),
                ])], at: now)
                _ = try await Self.refreshReviewFindings(sql, now: now, actor: principal.id)
            }
            return closed
        }
    }

    /// The campaign as evidence: every item and answer, totals, and a SHA-256 over the rest.
    public func evidence(id: String) async throws -> JSONValue {
        try await review(id: id).evidence(exportedAt: clock.now())
    }
}
