import Foundation
import KeywardCore
import KeywardStore
import KeywardTestSupport
import Testing

/// Two rules of the key service that keep a deployment manageable: the last administrator
/// cannot lock everyone out, and an owner handle means the same owner in any case.
@Suite("access rules")
struct AccessRuleTests {
    /// Expects `change` to be refused with the last-admin conflict.
    static func expectRefused(_ what: String, _ change: () async throws -> Void) async {
        do {
            try await change()
            Issue.record("\(what) the last admin key was allowed")
        } catch {
            guard case .conflict(let message) = error as? KeywardError else { Issue.record("\(what): \(error)"); return }
            #expect(message.contains("last active key with keyward:admin"), "\(message)")
        }
    }

    @Test("the last active admin key cannot be revoked, disabled or revoked with its owner", arguments: TestDatabase.available)
    func lastAdminStays(_ kind: TestDatabase) async throws {
        try await StoreFixture.with(kind) { fixture in
            let service = fixture.service
            let first = try await service.issue(IssueRequest(name: "admin", owner: "Ops.Team", scopes: [Scope.admin]), by: fixture.admin)
            // Keys that do not count: revoked, disabled, expired, or carrying other scopes.
            let revoked = try await service.issue(IssueRequest(name: "old", owner: "x", scopes: [Scope.admin]), by: fixture.admin)
            _ = try await service.revoke(id: revoked.record.id, reason: nil, by: fixture.admin)
            let disabled = try await service.issue(IssueRequest(name: "off", owner: "x", scopes: [Scope.admin]), by: fixture.admin)
            _ = try await service.setDisabled(id: disabled.record.id, true, by: fixture.admin)
            _ = try await service.issue(IssueRequest(name: "brief", owner: "x", scopes: [Scope.admin], ttlSeconds: 60), by: fixture.admin)
            _ = try await service.issue(IssueRequest(name: "writer", owner: "x", scopes: [Scope.write, Scope.read, "*"]), by: fixture.admin)
            fixture.clock.advance(seconds: 120)

            await Self.expectRefused("revoking") { _ = try await service.revoke(id: first.record.id, reason: "oops", by: fixture.admin) }
            await Self.expectRefused("disabling") { _ = try await service.setDisabled(id: first.record.id, true, by: fixture.admin) }
            await Self.expectRefused("offboarding the owner of") { _ = try await service.revokeAll(owner: "ops.team", reason: "left", by: fixture.admin) }
            #expect(try await fixture.store.key(id: first.record.id)?.status(at: fixture.clock.now()) == .active)

            // With a second active admin key either may go, then not the other.
            let second = try await service.issue(IssueRequest(name: "admin 2", owner: "sec", scopes: [Scope.admin]), by: fixture.admin)
            #expect(try await service.setDisabled(id: first.record.id, true, by: fixture.admin).disabled)
            await Self.expectRefused("revoking") { _ = try await service.revoke(id: second.record.id, reason: nil, by: fixture.admin) }
            // Enabling is always allowed, and a rotation keeps an admin (the successor).
            _ = try await service.setDisabled(id: first.record.id, false, by: fixture.admin)
            _ = try await service.revoke(id: second.record.id, reason: nil, by: fixture.admin)
            let rotation = try await service.rotate(id: first.record.id, graceSeconds: 0, by: fixture.admin)
            #expect(rotation.successor.record.scopes == [Scope.admin])
        }
    }

    @Test("owner handles match in any case: bulk revocation and the key list", arguments: TestDatabase.available)
    func ownersMatchInAnyCase(_ kind: TestDatabase) async throws {
        try await StoreFixture.with(kind) { fixture in
            let service = fixture.service
            var ids: [KeyID] = []
            for owner in ["Carol.Smith", "carol.smith", "CAROL.SMITH", "Élodie"] {
                ids.append(try await service.issue(IssueRequest(name: "k", owner: owner), by: fixture.admin).record.id)
            }
            let other = try await service.issue(IssueRequest(name: "k", owner: "carol.smithers"), by: fixture.admin)
            #expect(try await service.list(KeyFilter(owner: "cArOl.SmItH")).keys.count == 3)
            #expect(try await service.list(KeyFilter(owner: "éLODIE")).keys.map(\.id) == [ids[3]])
            let revoked = try await service.revokeAll(owner: "carol.smith", reason: "left", by: fixture.admin)
            #expect(Set(revoked.map(\.id)) == Set(ids[0..<3]))
            #expect(try await service.revokeAll(owner: "ÉLODIE", reason: nil, by: fixture.admin).map(\.id) == [ids[3]])
            #expect(try await fixture.store.key(id: other.record.id)?.state == .active)
        }
    }

    @Test("a database from before owners were folded gets every key's owner folded", arguments: TestDatabase.available)
    func ownerFoldingMigration(_ kind: TestDatabase) async throws {
        try await StoreFixture.with(kind) { fixture in
            let ids = [
                try await fixture.service.issue(IssueRequest(name: "a", owner: "Carol.Smith"), by: fixture.admin).record.id,
                try await fixture.service.issue(IssueRequest(name: "b", owner: "ÉLODIE"), by: fixture.admin).record.id,
            ]
            // Back to the schema before migration 46.
            for statement in ["DROP INDEX keys_owner_folded", "ALTER TABLE keys DROP COLUMN owner_folded", "CREATE INDEX keys_owner ON keys (owner, seq)",
                              "DELETE FROM schema_migrations WHERE version = 46"] {
                try await fixture.tamper(statement)
            }
            try await fixture.store.migrate()
            #expect(try await fixture.service.list(KeyFilter(owner: "carol.smith")).keys.map(\.id) == [ids[0]])
            #expect(try await fixture.service.list(KeyFilter(owner: "élodie")).keys.map(\.id) == [ids[1]])
        }
    }
}
