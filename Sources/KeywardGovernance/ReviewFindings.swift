import KeywardCore
import KeywardStore

/// The findings access reviews raise, recomputed from the stored campaigns whenever one changes
/// and at every evaluation: an open campaign past its due date turns each unanswered item into a
/// `review-overdue` finding, and an external credential its owner answered `revoke` for is a
/// `review-revocation-pending` finding until an import shows it inactive or gone (then the
/// answer is marked carried out).
extension GovernanceService {
    public static let pendingRevocationRule = "review-revocation-pending"

    struct ReviewRefresh {
        var result: FindingReconciler.Result
        /// Review findings currently reported.
        var evaluated: Int
    }

    static func refreshReviewFindings(_ sql: GovernanceSQL, now: Timestamp, actor: String) async throws -> ReviewRefresh {
        var evaluated: [Finding] = []
        for var campaign in try await sql.campaigns() {
            if campaign.status == .open { evaluated.append(contentsOf: campaign.overdueFindings(at: now)) }
            var carriedOut: [ReviewItem] = []
            for item in campaign.pendingRevocations where item.subject.kind != .key {
                let record = try await sql.record(id: item.subject.id)
                if let record, InventoryItem(record: record, now: now).status.isLive {
                    evaluated.append(pendingRevocation(item, in: campaign, now: now))
                } else {
                    try campaign.markRevoked(subjectID: item.subject.id, at: now)
                    if let updated = campaign.items.first(where: { $0.subject.id == item.subject.id }) { carriedOut.append(updated) }
                }
            }
            if !carriedOut.isEmpty { try await sql.updateCampaign(campaign, items: carriedOut) }
        }
        let previous = try await sql.findings(source: .review)
        let result = FindingReconciler.reconcile(previous: previous, evaluated: evaluated, now: now)
        try await sql.upsertFindings(result.findings, source: .review, at: now)
        try await sql.appendTransitions(result.transitions, actor: actor)
        return ReviewRefresh(result: result, evaluated: evaluated.count)
    }

    static func pendingRevocation(_ item: ReviewItem, in campaign: ReviewCampaign, now: Timestamp) -> Finding {
        let label = item.subject.externalID ?? item.name ?? item.subject.id
        let who = item.attestation?.attestedBy ?? "its owner"
        return Finding(
            rule: pendingRevocationRule, severity: .high, subject: item.subject,
            message: "In access review \"\(campaign.name)\" \(who) answered that \(item.subject.provider.rawValue) credential \(label) must be revoked, and it is still active.",
            remediation: "Disable or delete it at \(item.subject.provider.rawValue), then re-import; keyward marks the answer carried out once an import shows it inactive or gone.",
            frameworks: [.nhi(1), .csf("PR.AA-05"), .csf("RS.MI-02")], openedAt: now)
    }
}
