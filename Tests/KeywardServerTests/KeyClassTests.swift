import Foundation
import Hummingbird
import HummingbirdTesting
import KeywardAPI
import KeywardCore
import KeywardServer
import KeywardStore
import KeywardTestSupport
import Testing

/// Issue 14, item 7: the keys revocation drills issue are kept apart from real keys — left out
/// of key lists, the inventory, the dashboard's counts and policy findings unless asked for.
@Suite("Drill keys kept apart")
struct KeyClassTests {
    @Test("a drill key is issued like any key but listed, counted and evaluated only when asked for")
    func drillKeysSetApart() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let real = try await client.issue(fixture.admin, #"{"name":"billing","owner":"team-pay","ttl_seconds":86400}"#)
            let created = try await client.call(.post, "/v1/keys", token: fixture.admin, json: """
                {"name":"drill canary 1","owner":"keyward-drill","scopes":["keyward-drill:canary"],"ttl_seconds":3600,"class":"drill"}
                """)
            #expect(created.status == .created, "\(created.text)")
            let drill = try created.decode(IssuedKeyObject.self)
            #expect(try await client.call(.post, "/v1/verify", token: fixture.admin, json: #"{"key":"\#(drill.key)"}"#).json["valid"] as? Bool == true)

            let listed = try await client.call(.get, "/v1/keys?limit=1000", token: fixture.admin).decode(KeyListObject.self).keys.map(\.id)
            #expect(listed.contains(real.id) && !listed.contains(drill.object.id))
            let drills = try await client.call(.get, "/v1/keys?class=drill", token: fixture.admin).decode(KeyListObject.self).keys.map(\.id)
            #expect(drills == [drill.object.id])
            let every = try await client.call(.get, "/v1/keys?class=all&limit=1000", token: fixture.admin).decode(KeyListObject.self).keys.map(\.id)
            #expect(every.contains(drill.object.id) && every.contains(real.id))
            #expect(try await client.call(.get, "/v1/keys?class=fire", token: fixture.admin).status == .badRequest)

            // Not in the inventory, not evaluated, not counted on the dashboard.
            let node = fixture.node
            let inventory = try await node.governance.inventory(InventoryFilter(limit: 1000)).entries.compactMap { entry -> String? in
                if case .key(let record) = entry { return record.id.description }
                return nil
            }
            #expect(inventory.contains(real.id) && !inventory.contains(drill.object.id))
            let summary = try await node.governance.evaluate()
            #expect(summary.items == 2)  // the admin key and the real one
            #expect(try await node.governance.findings(FindingFilter(subjectID: drill.object.id)).findings.isEmpty)
            let counts = try await node.store.dashboardCounts(now: fixture.clock.now(), reviewIntervalDays: 90)
            #expect(counts.total == 2 && counts.live == 2 && counts.ages[0] == 2)
            var query = DashboardInventoryQuery()
            #expect(try await node.store.dashboardInventory(query, now: fixture.clock.now()).total == 2)
            query.keyClass = .drill
            #expect(try await node.store.dashboardInventory(query, now: fixture.clock.now()).rows.map(\.id) == [drill.object.id])

            // Revoked by the drill, it stays out of the revoked counts too.
            #expect(try await client.call(.post, "/v1/keys/\(drill.object.id)/revoke", token: fixture.admin, json: #"{"reason":"drill"}"#).status == .ok)
            let after = try await node.store.dashboardCounts(now: fixture.clock.now(), reviewIntervalDays: 90)
            #expect(after.total == 2 && after.byStatus["revoked"] == nil)
        }
    }

    @Test("a drill key is short-lived and carries no keyward scope, so nothing lasting can hide as one")
    func drillKeysAreBounded() async throws {
        try await ServerFixture.withRouter { fixture, client in
            let long = try await client.call(.post, "/v1/keys", token: fixture.admin, json: #"{"name":"d","owner":"o","ttl_seconds":7200,"class":"drill"}"#)
            #expect(long.status == .badRequest && long.text.contains("drill key must expire within 3600 seconds"))
            let forever = try await client.call(.post, "/v1/keys", token: fixture.admin, json: #"{"name":"d","owner":"o","class":"drill"}"#)
            #expect(forever.status == .badRequest)
            let admin = try await client.call(.post, "/v1/keys", token: fixture.admin, json: #"{"name":"d","owner":"o","ttl_seconds":60,"scopes":["keyward:read"],"class":"drill"}"#)
            #expect(admin.status == .badRequest && admin.text.contains("keyward: scopes"))
        }
    }
}
