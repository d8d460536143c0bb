import Foundation
@testable import KeywardConnectors
import KeywardCore
import Testing

@Suite("gcp-iam connector against a Google IAM and OAuth fake")
struct GCPIAMConnectorTests {
    static let accounts = ["app@acme-prod.iam.gserviceaccount.com", "batch@acme-prod.iam.gserviceaccount.com",
                           "ci@acme-prod.iam.gserviceaccount.com", TestServiceAccountKey.clientEmail]

    static func keys() -> [FakeGoogle.Key] {
        [
            .init(id: "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", account: accounts[0]),
            .init(id: "a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2", account: accounts[0], disabled: true),
            .init(id: "b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1", account: accounts[1]),
            .init(id: "5555555555555555555555555555555555555555", account: accounts[1], type: "SYSTEM_MANAGED"),
            .init(id: "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1", account: accounts[2]),
        ]
    }

    /// Runs `body` with a fresh key, a fake that trusts it and a harness; cleans up after.
    static func with(_ body: (ConnectorHarness, FakeGoogle, any Connector) async throws -> Void) async throws {
        let key = try TestServiceAccountKey.make()
        defer { key.remove() }
        let fake = try await FakeGoogle.start(publicKeyPEM: key.publicKeyPEM, clientEmail: TestServiceAccountKey.clientEmail) {
            $0.accounts = accounts
            $0.keys = keys()
        }
        defer { Task { await fake.server.stop() } }
        try await ConnectorHarness.with { harness in
            let path = try harness.file("sa.json", key.keyFile(tokenURI: fake.server.base + "/token"))
            let declaration = ConnectorDeclaration(name: "gcp-prod", kind: .gcpIAM, endpoint: fake.server.base, actions: [.deactivate, .delete])
            let connector = try ConnectorRegistry.builtIn.make(harness.context(declaration, environment: ["GOOGLE_APPLICATION_CREDENTIALS": path]))
            try await body(harness, fake, connector)
        }
    }

    @Test("a sync signs one JWT grant, pages through the service accounts, lists user-managed keys, and imports them as gcp-keys does")
    func sync() async throws {
        try await Self.with { harness, fake, connector in
            try await harness.sync(connector)
            let records = try await harness.records(.gcp)
            #expect(Set(records.keys) == ["a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", "a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2",
                                         "b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1", "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1"])
            #expect(records["a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2"]?.status == .disabled)
            let a1 = try #require(records["a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"])
            #expect(a1.identity == Self.accounts[0] && a1.account == "acme-prod" && a1.status == .active)
            let requests = fake.server.requests
            #expect(fake.state.withLock { $0.grants } == 1)
            #expect(requests.filter { $0.path.hasSuffix("/serviceAccounts") }.map { $0.query["pageToken"] ?? "" } == ["", "page-2"])
            #expect(requests.filter { $0.path.hasSuffix("/keys") }.allSatisfy { $0.query["keyTypes"] == "USER_MANAGED" })
            #expect(requests.filter { $0.path != "/token" }.allSatisfy { $0.headers["authorization"] == "Bearer ya29.fake-1" })
        }
    }

    @Test("the access token is reused until a minute before it expires, then granted again")
    func tokenCache() async throws {
        try await Self.with { harness, fake, connector in
            _ = try await connector.snapshot()
            _ = try await connector.snapshot()
            #expect(fake.state.withLock { $0.grants } == 1)
            harness.clock.advance(seconds: 3599 - 60)
            _ = try await connector.snapshot()
            #expect(fake.state.withLock { $0.grants } == 2)
        }
    }

    @Test("an access token Google stops taking (401) is dropped and granted again; the request goes through")
    func revokedToken() async throws {
        try await Self.with { harness, fake, connector in
            try await harness.sync(connector)
            fake.state.withLock { $0.issued.removeAll() }
            try await harness.sync(connector)
            #expect(fake.state.withLock { $0.grants } == 2)
            #expect(try await harness.records(.gcp).count == 4)
        }
    }

    @Test("idempotent; a deleted key and every key of a deleted service account disappear")
    func disappeared() async throws {
        try await Self.with { harness, fake, connector in
            try await harness.sync(connector)
            let again = try await harness.sync(connector)
            #expect(again[0].summary.created == 0 && again[0].summary.updated == 0)
            fake.state.withLock { state in
                state.accounts.removeAll { $0 == Self.accounts[2] }  // ci@ and its only key are gone
                state.keys.removeAll { $0.id.hasPrefix("a2") }
            }
            let third = try await harness.sync(connector)
            #expect(third[0].summary.disappeared == 2)
            let records = try await harness.records(.gcp)
            #expect(records["c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1"]?.status == .disappeared)
            #expect(records["a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2"]?.status == .disappeared)
            #expect(records["a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"]?.status == .active)
        }
    }

    @Test("deactivate disables the key at Google, delete deletes it, a second delete is already done")
    func remediate() async throws {
        try await Self.with { harness, fake, connector in
            try await harness.sync(connector)
            let record = try #require(try await harness.records(.gcp)["b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1"])
            let key = ExternalKeyReference(externalID: try #require(record.externalID), identity: record.identity, account: record.account)
            let disabled = try await connector.remediate(RemediationRequest(action: .deactivate, key: key))
            #expect(disabled.outcome == .done)
            #expect(fake.server.requests.last?.path == "/v1/projects/acme-prod/serviceAccounts/\(Self.accounts[1])/keys/\(key.externalID):disable")
            try await harness.sync(connector)
            #expect(try await harness.records(.gcp)[key.externalID]?.status == .disabled)
            #expect(try await connector.remediate(RemediationRequest(action: .delete, key: key)).outcome == .done)
            #expect(fake.state.withLock { $0.changes } == ["disable \(key.externalID)", "delete \(key.externalID)"])
            let again = try await connector.remediate(RemediationRequest(action: .delete, key: key))
            #expect(again.outcome == .alreadyDone && again.status == 404)
        }
    }

    @Test("a 429 RESOURCE_EXHAUSTED with Retry-After is waited out and retried")
    func throttled() async throws {
        try await Self.with { harness, fake, connector in
            fake.state.withLock {
                $0.injected = [FakeGoogle.error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Read requests'.", headers: ["retry-after": "7"])]
            }
            try await harness.sync(connector)
            #expect(try await harness.records(.gcp).count == 4)
            #expect(harness.waited == [.seconds(7)])
        }
    }

    @Test("a service account whose keys cannot be listed fails the sync and leaves the inventory as it was")
    func failingList() async throws {
        try await Self.with { harness, fake, connector in
            try await harness.sync(connector)
            fake.state.withLock { $0.failingAccount = Self.accounts[1]; $0.keys.removeAll { $0.id.hasPrefix("a1") } }
            let error = await #expect(throws: ConnectorError.self) { try await harness.sync(connector) }
            #expect(error?.failures.first?.contains("PERMISSION_DENIED") == true)
            #expect(error?.failures.first?.contains(Self.accounts[1]) == true)
            #expect(try await harness.records(.gcp)["a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"]?.status == .active)
        }
    }

    @Test("drill: a canary key on the connector's own account, deactivated, then discarded")
    func canary() async throws {
        try await Self.with { _, fake, connector in
            let canary = try await connector.createCanary()
            #expect(canary.identity == TestServiceAccountKey.clientEmail)
            #expect(try await connector.state(of: canary) == .active)
            #expect(try await connector.remediate(RemediationRequest(action: .deactivate, key: canary)).outcome == .done)
            #expect(try await connector.state(of: canary) == .inactive)
            try await connector.discardCanary(canary)
            #expect(try await connector.state(of: canary) == .deleted)
            #expect(fake.state.withLock { $0.keys.contains { $0.id == canary.externalID } } == false)
        }
    }
}
