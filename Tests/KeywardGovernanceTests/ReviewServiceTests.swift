import Foundation
import KeywardCore
import KeywardGovernance
import KeywardStore
import KeywardTestSupport
import Testing

@Suite("Access reviews")
struct ReviewServiceTests {
    static func start(_ fixture: GovernanceFixture, selector: InventorySelector = .all, days: Int64 = 14) async throws -> ReviewCampaign {
        try await fixture.service.startReview(name: "Q4 review", selector: selector, scopeDescription: "all live credentials", dueInDays: days,
                                              by: fixture.admin)
    }

    @Test("owners answer for their own credentials; keep needs a justification and records the review date", arguments: TestDatabase.available)
    func keep(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            let key = try await fixture.issue(name: "billing-sync", owner: "team-pay")
            let generic = try fixture.file("other.csv", Exports.genericCSV)
            _ = try await fixture.service.importFile(kind: .csv, path: generic, fileName: "other.csv", by: fixture.admin)
            let campaign = try await Self.start(fixture, selector: InventorySelector(owners: [GlobPattern("team-*")]))
            #expect(campaign.items.count == 2)  // the key and team-comms' record
            let caller = Principal(id: "key_caller", scopes: ["keyward:write"])

            await #expect(throws: KeywardError.self) {
                try await fixture.service.attest(campaignID: campaign.id, subject: key.id.description, decision: .keep, justification: "needed",
                                                 by: caller, attester: "team-comms", asAdministrator: false)
            }
            await #expect(throws: KeywardError.self) {
                try await fixture.service.attest(campaignID: campaign.id, subject: key.id.description, decision: .keep, justification: " ",
                                                 by: caller, attester: "team-pay", asAdministrator: false)
            }
            fixture.clock.advance(seconds: 3600)
            let outcome = try await fixture.service.attest(campaignID: campaign.id, subject: key.id.description, decision: .keep,
                                                           justification: "invoices still run nightly", by: caller, attester: "team-pay",
                                                           asAdministrator: false)
            #expect(outcome.item.attestation?.attestedBy == "team-pay")
            let reviewed = try await fixture.keys.key(id: key.id)
            #expect(reviewed.meta["reviewed_at"] == .string(GovernanceFixture.start.adding(seconds: 3600).iso8601))

            // The external record by its external id, answered by an administrator.
            _ = try await fixture.service.attest(campaignID: campaign.id, subject: "twilio-main", decision: .keep, justification: "SMS alerts",
                                                 by: fixture.admin, attester: "security", asAdministrator: true)
            let records = try await fixture.store.governanceRead { sql in try await sql.records() }
            #expect(records.first { $0.externalID == "twilio-main" }?.reviewedAt == GovernanceFixture.start.adding(seconds: 3600))
            let stored = try await fixture.service.review(id: campaign.id)
            #expect(stored.progress.kept == 2)
            #expect(try await fixture.auditActions().filter { $0 == "review.attested" }.count == 2)
        }
    }

    @Test("revoke answers are carried out: a keyward key at once, an external one through a finding until an import shows it gone", arguments: TestDatabase.available)
    func revoke(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            let key = try await fixture.issue(name: "old-export", owner: "team-comms")
            let generic = try fixture.file("other.csv", Exports.genericCSV)
            _ = try await fixture.service.importFile(kind: .csv, path: generic, fileName: "other.csv", by: fixture.admin)
            let campaign = try await Self.start(fixture, selector: InventorySelector(owners: [GlobPattern("team-comms")]))

            let revoked = try await fixture.service.attest(campaignID: campaign.id, subject: key.id.description, decision: .revoke,
                                                           justification: nil, by: fixture.admin, attester: "team-comms", asAdministrator: false)
            #expect(revoked.revokedKey?.id == key.id)
            #expect(revoked.item.attestation?.carriedOutAt == GovernanceFixture.start)
            #expect(try await fixture.keys.key(id: key.id).state == .revoked)
            await #expect(throws: KeywardError.self) {
                try await fixture.service.attest(campaignID: campaign.id, subject: key.id.description, decision: .keep, justification: "oops",
                                                 by: fixture.admin, attester: "team-comms", asAdministrator: false)
            }

            _ = try await fixture.service.attest(campaignID: campaign.id, subject: "twilio-main", decision: .revoke, justification: nil,
                                                 by: fixture.admin, attester: "team-comms", asAdministrator: false)
            let pending = try await fixture.service.findings(FindingFilter(rule: GovernanceService.pendingRevocationRule))
            let finding = try #require(pending.findings.first)
            #expect(finding.subject.externalID == "twilio-main" && finding.state == .open && finding.severity == .high)

            let disabled = Exports.genericCSV.replacingOccurrences(of: "2026-11-01,active,tier=1", with: "2026-11-01,disabled,tier=1")
            _ = try await fixture.service.importFile(kind: .csv, path: try fixture.file("disabled.csv", disabled), fileName: "disabled.csv", by: fixture.admin)
            _ = try await fixture.service.evaluate()
            #expect(try await fixture.service.finding(id: finding.id).finding.state == .resolved)
            let stored = try await fixture.service.review(id: campaign.id)
            #expect(stored.pendingRevocations.isEmpty)
            #expect(stored.items.allSatisfy { $0.attestation?.carriedOutAt != nil })
        }
    }

    @Test("unanswered items become findings after the due date; closing keeps the result and the evidence verifies", arguments: TestDatabase.available)
    func overdueAndEvidence(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            let kept = try await fixture.issue(name: "a", owner: "team-pay")
            let forgotten = try await fixture.issue(name: "b", owner: "team-pay")
            let campaign = try await Self.start(fixture, days: 7)
            _ = try await fixture.service.attest(campaignID: campaign.id, subject: kept.id.description, decision: .keep, justification: "in use",
                                                 by: fixture.admin, attester: "team-pay", asAdministrator: false)
            #expect(try await fixture.service.findings(FindingFilter(rule: "review-overdue")).findings.isEmpty)
            fixture.clock.advance(seconds: 8 * 86_400)
            _ = try await fixture.service.evaluate()
            let overdue = try await fixture.service.findings(FindingFilter(rule: "review-overdue")).findings
            #expect(overdue.map(\.subject.id) == [forgotten.id.description])

            let closed = try await fixture.service.closeReview(id: campaign.id, by: fixture.admin)
            #expect(closed.status == .closed)
            await #expect(throws: KeywardError.self) { try await fixture.service.closeReview(id: campaign.id, by: fixture.admin) }
            await #expect(throws: KeywardError.self) {
                try await fixture.service.attest(campaignID: campaign.id, subject: forgotten.id.description, decision: .revoke, justification: nil,
                                                 by: fixture.admin, attester: "team-pay", asAdministrator: false)
            }

            guard case .object(var evidence) = try await fixture.service.evidence(id: campaign.id) else { Issue.record("not an object"); return }
            guard case .string(let digest)? = evidence.removeValue(forKey: "sha256") else { Issue.record("no digest"); return }
            #expect(StableIdentifier.sha256Hex(Array(JSONValue.object(evidence).canonicalJSON.utf8)) == digest)
            #expect(evidence["summary"]?["kept"] == .number(1))
            #expect(evidence["summary"]?["unanswered"] == .number(1))
            #expect(evidence["campaign"]?["status"] == .string("closed"))
            #expect(try await fixture.auditActions().contains("review.closed"))
        }
    }

    @Test("a selector that matches nothing and bad due dates are refused", arguments: TestDatabase.available)
    func refusals(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            try await fixture.issue(name: "a", owner: "team-pay")
            await #expect(throws: KeywardError.self) {
                try await fixture.service.startReview(name: "empty", selector: InventorySelector(providers: [.gcp]), scopeDescription: "provider=gcp",
                                                      dueInDays: 14, by: fixture.admin)
            }
            await #expect(throws: KeywardError.self) { try await Self.start(fixture, days: 0) }
            await #expect(throws: KeywardError.self) { try await fixture.service.review(id: "rev_missing") }
        }
    }
}
