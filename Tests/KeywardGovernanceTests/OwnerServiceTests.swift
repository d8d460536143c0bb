import KeywardCore
import KeywardGovernance
import KeywardStore
import KeywardTestSupport
import Testing

@Suite("Owners and offboarding")
struct OwnerServiceTests {
    @Test("the registry is case-insensitive: a second spelling of a handle is a conflict; updates and departures are audit-logged", arguments: TestDatabase.available)
    func registry(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            let service = fixture.service
            _ = try await service.addOwner(OwnerEntry(handle: "team-pay", kind: .team, contact: "pay@example.com"), by: fixture.admin)
            await #expect(throws: KeywardError.conflict("owner \"team-pay\" is already registered; update it instead")) {
                try await service.addOwner(OwnerEntry(handle: "Team-Pay", kind: .team), by: fixture.admin)
            }
            let renamed = try await service.updateOwner(handle: "TEAM-PAY", OwnerUpdate(displayName: "Payments", contact: ""), by: fixture.admin)
            #expect(renamed.displayName == "Payments" && renamed.contact == nil)
            let gone = try await service.depart(handle: "team-pay", by: fixture.admin)
            #expect(gone.status == .departed && gone.departedAt == GovernanceFixture.start)
            #expect(try await service.owners(status: .active).isEmpty)
            let back = try await service.updateOwner(handle: "team-pay", OwnerUpdate(status: .active), by: fixture.admin)
            #expect(back.status == .active && back.departedAt == nil)
            await #expect(throws: KeywardError.self) { try await service.owner(handle: "nobody") }
            await #expect(throws: KeywardError.self) { try await service.addOwner(OwnerEntry(handle: "", kind: .team), by: fixture.admin) }
            #expect(try await fixture.auditActions() == ["owner.updated", "owner.updated", "owner.updated", "owner.created"])
        }
    }

    @Test("offboarding revokes the owner's keyward keys, opens findings for their external keys, marks them departed, and is safe to repeat", arguments: TestDatabase.available)
    func offboard(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            let first = try await fixture.issue(name: "ledger-sync", owner: "bob")
            let second = try await fixture.issue(name: "ledger-report", owner: "Bob")
            let other = try await fixture.issue(name: "unrelated", owner: "alice")
            let generic = try fixture.file("owned.csv", Exports.genericCSV)
            _ = try await fixture.service.importFile(kind: .csv, path: generic, fileName: "owned.csv", by: fixture.admin)

            let report = try await fixture.service.offboard(handle: "bob", reason: "left the company", by: fixture.admin)
            #expect(Set(report.revokedKeys.map(\.id)) == [first.id, second.id])
            #expect(report.owner.status == .departed)
            #expect(report.findings.count == 1)
            let finding = try #require(report.findings.first)
            #expect(finding.rule == "owner-offboarded")
            #expect(finding.subject.externalID == "5d1e0c2b-1111-4000-8000-00000000000a")
            #expect(finding.state == .open)

            #expect(try await fixture.keys.key(id: first.id).state == .revoked)
            #expect(try await fixture.keys.key(id: second.id).revokeReason == "left the company")
            #expect(try await fixture.keys.key(id: other.id).state != .revoked)
            let events = try await fixture.store.auditEvents(subjectID: "bob")
            #expect(events.map(\.action).contains("owner.offboarded"))
            #expect(events.first { $0.action == "owner.offboarded" }?.details["revoked_keys"] == .number(2))

            let again = try await fixture.service.offboard(handle: "BOB", reason: nil, by: fixture.admin)
            #expect(again.revokedKeys.isEmpty)
            #expect(again.findings.map(\.id) == [finding.id])
            #expect(again.alreadyInactive.count == 2)
            let stored = try await fixture.service.findings(FindingFilter(rule: "owner-offboarded"))
            #expect(stored.findings.count == 1)
            #expect(try await fixture.service.owner(handle: "bob").status == .departed)
        }
    }
}
