import Foundation
@testable import KeywardConnectors
import KeywardCore
import Testing

@Suite("anthropic connector against a Claude Admin API fake")
struct AnthropicConnectorTests {
    static func configure(_ state: inout FakeAnthropic.State) {
        state.keys = [
            .init(id: "apikey_01", name: "prod web", workspace: "wrkspc_prod", createdBy: "user_alice"),
            .init(id: "apikey_02", name: "dev", workspace: nil, createdBy: "user_bob"),
            .init(id: "apikey_03", name: "old", workspace: "wrkspc_prod", createdBy: "user_alice", status: "archived"),
            .init(id: "apikey_04", name: "paused", workspace: "wrkspc_lab", createdBy: "user_carol", status: "inactive"),
            .init(id: "apikey_05", name: "evals", workspace: "wrkspc_lab", createdBy: "user_carol"),
        ]
    }

    static func with(_ body: (ConnectorHarness, FakeAnthropic, any Connector) async throws -> Void) async throws {
        let fake = try await FakeAnthropic.start(configure)
        defer { Task { await fake.server.stop() } }
        try await ConnectorHarness.with { harness in
            let declaration = ConnectorDeclaration(name: "claude", kind: .anthropic, endpoint: fake.server.base, actions: [.deactivate, .delete])
            let connector = try ConnectorRegistry.builtIn.make(harness.context(declaration, environment: ["ANTHROPIC_ADMIN_KEY": FakeAnthropic.token]))
            try await body(harness, fake, connector)
        }
    }

    @Test("a sync pages with after_id to the end and records created_at, created_by, workspace and status")
    func sync() async throws {
        try await Self.with { harness, fake, connector in
            try await harness.sync(connector)
            let records = try await harness.records(.anthropic)
            #expect(records.count == 5)
            let web = try #require(records["apikey_01"])
            #expect(web.account == "wrkspc_prod" && web.attributes["created_by"] == "user_alice" && web.status == .active)
            #expect(web.createdAt == Timestamp(iso8601: "2026-10-30T23:58:27.427722Z"))
            #expect(records["apikey_02"]?.attributes["workspace"] == "default")
            #expect(records["apikey_03"]?.status == .revoked)
            #expect(records["apikey_04"]?.status == .disabled)
            #expect(fake.server.requests.map { $0.query["after_id"] ?? "" } == ["", "apikey_02", "apikey_04"])
            #expect(fake.server.requests.allSatisfy { $0.query["limit"] == "1000" })
        }
    }

    @Test("idempotent; a key no longer listed disappears")
    func disappeared() async throws {
        try await Self.with { harness, fake, connector in
            try await harness.sync(connector)
            #expect(try await harness.sync(connector)[0].summary.unchanged == 5)
            fake.state.withLock { $0.keys.removeAll { $0.id == "apikey_05" } }
            #expect(try await harness.sync(connector)[0].summary.disappeared == 1)
            #expect(try await harness.records(.anthropic)["apikey_05"]?.status == .disappeared)
        }
    }

    @Test("deactivate sets status inactive, delete archives; a key already inactive is already done without a change")
    func remediate() async throws {
        try await Self.with { harness, fake, connector in
            let done = try await connector.remediate(RemediationRequest(action: .deactivate, key: ExternalKeyReference(externalID: "apikey_01")))
            #expect(done.outcome == .done)
            #expect(try await connector.state(of: ExternalKeyReference(externalID: "apikey_01")) == .inactive)
            let already = try await connector.remediate(RemediationRequest(action: .deactivate, key: ExternalKeyReference(externalID: "apikey_04")))
            #expect(already.outcome == .alreadyDone)
            #expect(try await connector.remediate(RemediationRequest(action: .delete, key: ExternalKeyReference(externalID: "apikey_05"))).outcome == .done)
            #expect(fake.state.withLock { $0.updates.map { "\($0.id)=\($0.status)" } } == ["apikey_01=inactive", "apikey_05=archived"])
            let unknown = try await connector.remediate(RemediationRequest(action: .deactivate, key: ExternalKeyReference(externalID: "apikey_99")))
            #expect(unknown.outcome == .refused && unknown.status == 404 && unknown.message.contains("not_found_error"))
            try await harness.sync(connector)
            #expect(try await harness.records(.anthropic)["apikey_01"]?.status == .disabled)
            #expect(try await harness.records(.anthropic)["apikey_05"]?.status == .revoked)
            await #expect(throws: ConnectorError.self) { _ = try await connector.createCanary() }
        }
    }

    @Test("a 429 rate_limit_error with retry-after is retried; a page failing for good keeps the inventory and names the request")
    func throttledAndFailing() async throws {
        try await Self.with { harness, fake, connector in
            fake.state.withLock {
                $0.injected = [FakeAnthropic.error(429, "rate_limit_error", "Number of requests has exceeded your rate limit",
                                                   headers: ["retry-after": "7", "anthropic-ratelimit-requests-remaining": "0"])]
            }
            try await harness.sync(connector)
            #expect(harness.waited == [.seconds(7)])
            // With apikey_01 gone the second page starts after apikey_03.
            fake.state.withLock { $0.failingAfter = "apikey_03"; $0.keys.removeAll { $0.id == "apikey_01" } }
            let error = await #expect(throws: ConnectorError.self) { try await harness.sync(connector) }
            #expect(error?.failures.first?.contains("GET /v1/organizations/api_keys") == true)
            #expect(try await harness.records(.anthropic)["apikey_01"]?.status == .active)
        }
    }
}
