import Foundation
@testable import KeywardConnectors
import KeywardCore
import KeywardStore
import Testing

/// The REST connectors through the framework's ``ConnectorService`` (lease, import, facts,
/// remediation records), against the provider fakes over real loopback HTTP.
@Suite("REST connectors through the connector service")
struct RESTConnectorServiceTests {
    @Test("openai: a sync writes every key with the connector's source; a deactivate through the service deletes the key at OpenAI and is audited")
    func openAI() async throws {
        let fake = try await FakeOpenAI.start(OpenAIConnectorTests.configure)
        defer { Task { await fake.server.stop() } }
        try await ConnectorHarness.with { harness in
            let declaration = ConnectorDeclaration(name: "openai-acme", kind: .openai, endpoint: fake.server.base, actions: [.deactivate, .delete])
            let service = ConnectorService(declarations: [declaration], governance: harness.service,
                                           environment: ["OPENAI_ADMIN_KEY": FakeOpenAI.token], sleep: { _ in }, holder: "node-a")
            let outcome = try await service.sync(name: "openai-acme", by: harness.admin)
            #expect(outcome.succeeded && outcome.created == 7 && outcome.failures.isEmpty)
            let web = try #require(try await harness.records(.openai)["key_a1"])
            #expect(web.sources.contains("connector:openai-acme") && web.sources.contains("openai-api-keys"))
            let remediation = try await service.remediate(recordID: web.id, action: .deactivate, reason: "leaked in a public gist", via: "test",
                                                          by: harness.admin)
            #expect(remediation.outcome == "done")
            #expect(remediation.providerAnswer?.contains("cannot deactivate") == true)
            #expect(fake.state.withLock { $0.deleted } == ["key_a1"])
            let actions = try await harness.store.auditEvents(limit: 100).map(\.action)
            #expect(actions.contains("key.deactivated"))
            try await service.shutdown()
        }
    }

    @Test("anthropic: a failing page is a failed sync outcome naming the request, and the inventory stays")
    func anthropicFailure() async throws {
        let fake = try await FakeAnthropic.start(AnthropicConnectorTests.configure)
        defer { Task { await fake.server.stop() } }
        try await ConnectorHarness.with { harness in
            let declaration = ConnectorDeclaration(name: "claude", kind: .anthropic, endpoint: fake.server.base)
            let service = ConnectorService(declarations: [declaration], governance: harness.service,
                                           environment: ["ANTHROPIC_ADMIN_KEY": FakeAnthropic.token], sleep: { _ in }, holder: "node-a")
            #expect(try await service.sync(name: "claude", by: harness.admin).succeeded)
            fake.state.withLock { $0.keys.removeAll { $0.id == "apikey_01" }; $0.failingAfter = "apikey_03" }
            harness.clock.advance(seconds: 60)
            let failed = try await service.sync(name: "claude", by: harness.admin)
            #expect(!failed.succeeded)
            #expect(failed.failures.first?.contains("GET /v1/organizations/api_keys page 2") == true)
            #expect(try await harness.records(.anthropic)["apikey_01"]?.status == .active)
            // A read-only connector refuses remediation before any request.
            let record = try #require(try await harness.records(.anthropic)["apikey_05"])
            await #expect(throws: KeywardError.self) {
                _ = try await service.remediate(recordID: record.id, action: .deactivate, reason: "test", via: "test", by: harness.admin)
            }
            #expect(fake.state.withLock { $0.updates }.isEmpty)
            try await service.shutdown()
        }
    }
}
