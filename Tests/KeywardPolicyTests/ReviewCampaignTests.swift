import Testing
import KeywardCore
import KeywardPolicy

@Suite struct ReviewCampaignTests {
    func campaign() -> ReviewCampaign {
        let items = [Sample.apiKey("key_a", owner: "alice"), Sample.apiKey("key_b", owner: "bob"), Sample.apiKey("key_c", owner: "alice"),
                     Sample.awsKey("AKIA00000000000000Q1", owner: "alice", status: .revoked), Sample.apiKey("key_t", owner: "alice", environments: ["test"])]
        return ReviewCampaign(name: "Q4 production keys", selector: InventorySelector(environments: [GlobPattern("production")]),
                              scopeDescription: "environment=production", items: items, startedBy: "security", now: Sample.now, dueInDays: 14)
    }

    @Test func scopeTakesLiveItemsTheSelectorChooses() {
        let review = campaign()
        #expect(review.items.map(\.subject.id) == ["key_a", "key_c", "key_b"])
        #expect(review.dueAt == Sample.inDays(14) && review.id.hasPrefix("rev_"))
        #expect(review.progressByOwner["alice"]?.total == 2)
    }

    @Test func onlyOwnersAnswerAndKeepNeedsAJustification() throws {
        var review = campaign()
        #expect(throws: KeywardError.forbidden("key_a belongs to alice; only its owner (or an administrator) can answer for it")) {
            try review.attest(subjectID: "key_a", decision: .keep, justification: "needed", by: "bob", at: Sample.now)
        }
        #expect(throws: KeywardError.self) { try review.attest(subjectID: "key_a", decision: .keep, justification: "  ", by: "alice", at: Sample.now) }
        #expect(throws: KeywardError.self) { try review.attest(subjectID: "key_zzz", decision: .revoke, justification: nil, by: "alice", at: Sample.now) }
        try review.attest(subjectID: "key_a", decision: .keep, justification: " checkout service ", by: "Alice", at: Sample.now)
        try review.attest(subjectID: "key_c", decision: .revoke, justification: nil, by: "alice", at: Sample.now)
        try review.attest(subjectID: "key_b", decision: .revoke, justification: nil, by: "admin", asAdministrator: true, at: Sample.now)
        #expect(review.items.first { $0.subject.id == "key_a" }?.attestation?.justification == "checkout service")
        #expect(review.pendingRevocations.map(\.subject.id) == ["key_c", "key_b"])
        try review.markRevoked(subjectID: "key_c", at: Sample.inDays(1))
        #expect(review.pendingRevocations.map(\.subject.id) == ["key_b"])
        #expect(review.keptSubjects.map(\.subject.id) == ["key_a"])
        #expect(review.progress == ReviewCampaign.Progress(total: 3, kept: 1, revoked: 2, unanswered: 0))
        review.close(at: Sample.inDays(2))
        #expect(throws: KeywardError.self) { try review.attest(subjectID: "key_a", decision: .revoke, justification: nil, by: "alice", at: Sample.inDays(3)) }
    }

    @Test func unansweredItemsBecomeFindingsAfterTheDueDate() throws {
        var review = campaign()
        try review.attest(subjectID: "key_a", decision: .keep, justification: "checkout", by: "alice", at: Sample.now)
        #expect(review.overdueFindings(at: Sample.inDays(14)).isEmpty)
        let overdue = review.overdueFindings(at: Sample.inDays(20))
        #expect(overdue.map(\.subject.id) == ["key_c", "key_b"])
        #expect(overdue.allSatisfy { $0.rule == ReviewCampaign.overdueRule && $0.frameworks.contains(.csf("PR.AA-05")) })
        #expect(overdue[0].message.contains("6 days ago"))
    }

    @Test func evidenceCarriesAnswersAndADigestThatDetectsEdits() throws {
        var review = campaign()
        try review.attest(subjectID: "key_a", decision: .keep, justification: "checkout", by: "alice", at: Sample.now)
        let evidence = review.evidence(exportedAt: Sample.inDays(1))
        let digest = try #require(evidence["sha256"]?.stringValue)
        #expect(digest.count == 64)
        #expect(review.evidence(exportedAt: Sample.inDays(1))["sha256"]?.stringValue == digest)
        guard case .object(var members) = evidence else { Issue.record("evidence is not an object"); return }
        members.removeValue(forKey: "sha256")
        #expect(StableIdentifier.sha256Hex(Array(JSONValue.object(members).canonicalJSON.utf8)) == digest)
        guard case .array(let items)? = evidence["items"] else { Issue.record("no items"); return }
        #expect(items.first?["decision"]?.stringValue == "keep" && items.first?["justification"]?.stringValue == "checkout")
        try review.attest(subjectID: "key_b", decision: .revoke, justification: nil, by: "bob", at: Sample.now)
        #expect(review.evidence(exportedAt: Sample.inDays(1))["sha256"]?.stringValue != digest)
    }
}
