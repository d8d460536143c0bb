import KeywardCore
import KeywardGovernance
import KeywardStore
import KeywardTestSupport
import Testing

/// Issue 14, item 3: owners have identities elsewhere (IAM users, GitHub logins, e-mail
/// addresses), and offboarding and "without an owner" use them, in any case.
@Suite("Owner aliases")
struct OwnerAliasTests {
    /// Bob's IAM user and GitHub login carry no owner (or a team); Alice's IAM key has none.
    static let csv = """
    provider,external_id,kind,identity,owner,purpose,environments,scopes,created_at,last_used_at,expires_at,reviewed_at,status,tags
    aws,AKIAIOSFODNN7BOB0001,access_key,Bob,,deploys,production,,2026-11-01T00:00:00Z,2026-11-28T00:00:00Z,,2026-11-01,active,
    github,ghp-bob,personal_access_token,bob-gh,platform,ci,production,,2026-11-01T00:00:00Z,2026-11-28T00:00:00Z,2027-01-01T00:00:00Z,2026-11-01,active,
    aws,AKIAIOSFODNN7ALICE01,access_key,alice,,deploys,production,,2026-11-01T00:00:00Z,2026-11-28T00:00:00Z,,2026-11-01,active,

    """

    @Test("offboarding finds the person's cloud credentials by identity, any case; owned identities are not 'without an owner'", arguments: TestDatabase.available)
    func aliases(_ backend: TestDatabase) async throws {
        try await GovernanceFixture.with(backend) { fixture in
            let path = try fixture.file("people.csv", Self.csv)
            _ = try await fixture.service.importFile(kind: .csv, path: path, fileName: "people.csv", by: fixture.admin)
            let bob = try await fixture.service.addOwner(OwnerEntry(handle: "bob.smith", kind: .person, aliases: ["bob", "BOB-GH"]), by: fixture.admin)
            #expect(try await fixture.service.owner(handle: "Bob.Smith").aliases == bob.aliases)
            // An alias names one owner.
            await #expect(throws: KeywardError.self) {
                try await fixture.service.addOwner(OwnerEntry(handle: "robert", kind: .person, aliases: ["BOB"]), by: fixture.admin)
            }

            _ = try await fixture.service.evaluate()
            let unowned = try await fixture.service.findings(FindingFilter(rule: "owner-required")).findings.compactMap(\.subject.externalID)
            #expect(unowned == ["AKIAIOSFODNN7ALICE01"])

            let report = try await fixture.service.offboard(handle: "Bob.Smith", reason: "left", by: fixture.admin)
            #expect(Set(report.findings.compactMap(\.subject.externalID)) == ["AKIAIOSFODNN7BOB0001", "ghp-bob"])
            _ = try await fixture.service.evaluate()
            let departed = try await fixture.service.findings(FindingFilter(rule: "owner-departed")).findings.compactMap(\.subject.externalID)
            #expect(Set(departed) == ["AKIAIOSFODNN7BOB0001", "ghp-bob"])

            // Aliases are replaced by an update, and removed with [].
            let updated = try await fixture.service.updateOwner(handle: "bob.smith", OwnerUpdate(aliases: []), by: fixture.admin)
            #expect(updated.aliases.isEmpty)
        }
    }
}
