import Foundation
@testable import KeywardConnectors
import KeywardCore
import Testing

@Suite("openai connector against an OpenAI Administration API fake")
struct OpenAIConnectorTests {
    static func configure(_ state: inout FakeOpenAI.State) {
        state.adminKeys = [
            .init(id: "key_admin1", name: "Main admin", created: 1_750_000_000, lastUsed: 1_764_000_000, ownerID: "user_owner"),
            .init(id: "key_admin2", name: "Terraform", created: 1_751_000_000, ownerID: "user_owner"),
            .init(id: "key_admin3", name: "Audit", created: 1_752_000_000, ownerID: "user_audit"),
        ]
        state.projects = [
            .init(id: "proj_a", keys: [
                .init(id: "key_a1", name: "web", created: 1_760_000_000, lastUsed: 1_764_300_000, ownerID: "user_alice", email: "alice@acme.example"),
                .init(id: "key_a2", name: "worker", created: 1_760_100_000, ownerType: "service_account", ownerID: "svc_acct_worker"),
                .init(id: "key_a3", name: "notebook", created: 1_760_200_000, ownerID: "user_bob", email: "bob@acme.example"),
            ]),
            .init(id: "proj_b", keys: [.init(id: "key_b1", name: "batch", created: 1_761_000_000, ownerID: "user_carol", email: "carol@acme.example")]),
            .init(id: "proj_empty", keys: []),
        ]
    }

    static func with(actions: Set<RemediationAction> = [.delete], _ body: (ConnectorHarness, FakeOpenAI, any Connector) async throws -> Void) async throws {
        let fake = try await FakeOpenAI.start(configure)
        defer { Task { await fake.server.stop() } }
        try await ConnectorHarness.with { harness in
            let declaration = ConnectorDeclaration(name: "openai-acme", kind: .openai, endpoint: fake.server.base, actions: actions)
            let connector = try ConnectorRegistry.builtIn.make(harness.context(declaration, environment: ["OPENAI_ADMIN_KEY": FakeOpenAI.token]))
            try await body(harness, fake, connector)
        }
    }

    @Test("a sync pages admin keys, projects and each project's keys with after/has_more/last_id and records created_at, last_used_at and owner")
    func sync() async throws {
        try await Self.with { harness, fake, connector in
            try await harness.sync(connector)
            let records = try await harness.records(.openai)
            #expect(Set(records.keys) == ["key_admin1", "key_admin2", "key_admin3", "key_a1", "key_a2", "key_a3", "key_b1"])
            let web = try #require(records["key_a1"])
            #expect(web.account == "proj_a" && web.owner == "alice@acme.example" && web.identity == "user_alice")
            #expect(web.createdAt == Timestamp(secondsSinceEpoch: 1_760_000_000))
            #expect(web.lastUsedAt == Timestamp(secondsSinceEpoch: 1_764_300_000))
            #expect(web.kind == .apiKey && web.attributes["key_type"] == "project")
            let worker = try #require(records["key_a2"])
            #expect(worker.owner == nil && worker.identity == "svc_acct_worker" && worker.attributes["owner_type"] == "service_account")
            let admin = try #require(records["key_admin1"])
            #expect(admin.account == nil && admin.identity == "user_owner" && admin.attributes["key_type"] == "admin")
            let afters = fake.server.requests.filter { $0.path == "/v1/organization/projects/proj_a/api_keys" }.map { $0.query["after"] ?? "" }
            #expect(afters == ["", "key_a2"])
            #expect(fake.server.requests.allSatisfy { $0.query["limit"] == "100" })
        }
    }

    @Test("idempotent; a deleted key disappears")
    func disappeared() async throws {
        try await Self.with { harness, fake, connector in
            try await harness.sync(connector)
            let again = try await harness.sync(connector)
            #expect(again[0].summary.created == 0 && again[0].summary.updated == 0 && again[0].summary.unchanged == 7)
            fake.state.withLock { $0.projects[0].keys.removeAll { $0.id == "key_a3" } }
            #expect(try await harness.sync(connector)[0].summary.disappeared == 1)
            #expect(try await harness.records(.openai)["key_a3"]?.status == .disappeared)
        }
    }

    @Test("delete reaches OpenAI; a key already gone is already done; an admin key is deleted at its own path")
    func delete() async throws {
        try await Self.with { _, fake, connector in
            let answer = try await connector.remediate(RemediationRequest(action: .delete, key: ExternalKeyReference(externalID: "key_b1", account: "proj_b")))
            #expect(answer.outcome == .done)
            #expect(fake.server.requests.last.map { "\($0.method) \($0.path)" } == "DELETE /v1/organization/projects/proj_b/api_keys/key_b1")
            let again = try await connector.remediate(RemediationRequest(action: .delete, key: ExternalKeyReference(externalID: "key_b1", account: "proj_b")))
            #expect(again.outcome == .alreadyDone)
            #expect(try await connector.remediate(RemediationRequest(action: .delete, key: ExternalKeyReference(externalID: "key_admin3"))).outcome == .done)
            #expect(fake.state.withLock { $0.deleted } == ["key_b1", "key_admin3"])
            #expect(try await connector.state(of: ExternalKeyReference(externalID: "key_b1", account: "proj_b")) == .deleted)
        }
    }

    @Test("OpenAI cannot deactivate: refused unless delete is allowed, then the key is deleted")
    func deactivate() async throws {
        try await Self.with(actions: [.deactivate]) { _, fake, connector in
            let refused = try await connector.remediate(RemediationRequest(action: .deactivate, key: ExternalKeyReference(externalID: "key_a1", account: "proj_a")))
            #expect(refused.outcome == .refused && refused.message.contains("only delete"))
            #expect(fake.state.withLock { $0.deleted }.isEmpty)
        }
        try await Self.with(actions: [.deactivate, .delete]) { _, fake, connector in
            let done = try await connector.remediate(RemediationRequest(action: .deactivate, key: ExternalKeyReference(externalID: "key_a1", account: "proj_a")))
            #expect(done.outcome == .done && done.message.contains("cannot deactivate"))
            #expect(fake.state.withLock { $0.deleted } == ["key_a1"])
        }
    }

    @Test("a 429 rate_limit_exceeded with retry-after is waited out; a page failing with 500 on every attempt fails the sync and keeps the inventory")
    func throttledAndFailing() async throws {
        try await Self.with { harness, fake, connector in
            fake.state.withLock {
                $0.injected = [FakeOpenAI.error(429, "Rate limit reached for requests", type: "requests", code: "rate_limit_exceeded",
                                                headers: ["retry-after": "7", "x-ratelimit-remaining-requests": "0"])]
            }
            try await harness.sync(connector)
            #expect(harness.waited == [.seconds(7)])
            fake.state.withLock { $0.failingPath = "proj_b"; $0.projects[0].keys.removeAll() }
            let error = await #expect(throws: ConnectorError.self) { try await harness.sync(connector) }
            #expect(error?.failures.first?.contains("/v1/organization/projects/proj_b/api_keys") == true)
            #expect(fake.server.requests.filter { $0.path.contains("proj_b") }.count == 1 + 4)
            #expect(try await harness.records(.openai).values.allSatisfy { $0.status == .active })
            #expect(!(error?.description.contains(FakeOpenAI.token) ?? true))
        }
    }
}
