import Foundation
@testable import KeywardConnectors
import KeywardCore
import KeywardImport
import Testing

@Suite("github connector against a GitHub REST fake")
struct GitHubConnectorTests {
    static let tokens: [FakeGitHub.Token] = [
        .init(id: 101, login: "alice", name: "deploy", lastUsed: "2026-11-20T10:00:00Z", expires: "2027-01-01T00:00:00Z"),
        .init(id: 102, login: "bob", name: "ci"),
        .init(id: 103, login: "carol", name: "release", lastUsed: "2026-11-01T10:00:00Z"),
        .init(id: 104, login: "dave", name: "scripts"),
        .init(id: 105, login: "erin", name: "bot"),
    ]

    static func declaration(_ fake: FakeGitHub, endpoint: String? = nil, actions: Set<RemediationAction> = [.deactivate]) -> ConnectorDeclaration {
        ConnectorDeclaration(name: "gh-acme", kind: .github, endpoint: endpoint ?? fake.server.base, account: FakeGitHub.organisation, actions: actions)
    }

    static func connector(_ harness: ConnectorHarness, _ fake: FakeGitHub, endpoint: String? = nil) throws -> any Connector {
        try ConnectorRegistry.builtIn.make(harness.context(declaration(fake, endpoint: endpoint), environment: ["GITHUB_TOKEN": FakeGitHub.token]))
    }

    @Test("a sync follows the Link header to the last page and imports every token as github-pats does")
    func syncFollowsLinks() async throws {
        let fake = try await FakeGitHub.start(tokens: Self.tokens)
        defer { Task { await fake.server.stop() } }
        try await ConnectorHarness.with { harness in
            let connector = try Self.connector(harness, fake)
            let snapshot = try await connector.snapshot()
            #expect(snapshot.requests == 3)
            #expect(fake.server.requests.map { $0.query["page"] ?? "1" } == ["1", "2", "3"])
            #expect(fake.server.requests.allSatisfy { $0.query["per_page"] == "100" })
            try await harness.sync(connector)
            let records = try await harness.records(.github)
            #expect(records.count == 5)
            let alice = try #require(records["101"])
            #expect(alice.owner == "alice" && alice.account == "acme")
            #expect(alice.lastUsedAt == Timestamp(iso8601: "2026-11-20T10:00:00Z"))
            #expect(alice.expiresAt == Timestamp(iso8601: "2027-01-01T00:00:00Z"))
            #expect(alice.scopes.contains("repository:contents:write"))
            #expect(alice.sources.contains("github-pats"))
        }
    }

    @Test("a second sync changes nothing; a token no longer listed is marked disappeared")
    func idempotentAndDisappeared() async throws {
        let fake = try await FakeGitHub.start(tokens: Self.tokens)
        defer { Task { await fake.server.stop() } }
        try await ConnectorHarness.with { harness in
            let connector = try Self.connector(harness, fake)
            try await harness.sync(connector)
            let again = try await harness.sync(connector)
            #expect(again[0].summary.created == 0 && again[0].summary.updated == 0 && again[0].summary.unchanged == 5)
            fake.state.withLock { $0.tokens.removeAll { $0.id == 103 } }
            let third = try await harness.sync(connector)
            #expect(third[0].summary.disappeared == 1)
            #expect(try await harness.records(.github)["103"]?.status == .disappeared)
            #expect(try await harness.records(.github)["104"]?.status == .active)
        }
    }

    @Test("a sync speaks for its organisation only: another organisation's tokens are left alone")
    func organisations() async throws {
        let fake = try await FakeGitHub.start(tokens: Self.tokens)
        defer { Task { await fake.server.stop() } }
        try await ConnectorHarness.with { harness in
            let beta = #"{"organization": "beta", "tokens": [{"id": 900, "owner": {"login": "zed"}, "access_granted_at": "2026-01-01T00:00:00Z"}]}"#
            _ = try await harness.service.importDocuments([ImportDocument(kind: .githubPATs, name: "beta.json", bytes: Array(beta.utf8))],
                                                      connector: "gh-beta", by: harness.admin) { _ in
                AuditDraft(actor: "test-admin", action: "connector.synced", subjectKind: "connector", subjectID: "gh-beta")
            }
            let connector = try Self.connector(harness, fake)
            try await harness.sync(connector)
            fake.state.withLock { $0.tokens.removeAll { $0.id == 105 } }
            let outcome = try await harness.sync(connector)
            #expect(outcome[0].summary.disappeared == 1)
            let records = try await harness.records(.github)
            #expect(records["105"]?.status == .disappeared)
            #expect(records["900"]?.status == .active && records["900"]?.account == "beta")
        }
    }

    @Test("deactivate revokes the token's access at GitHub; a read-only token is an answered refusal")
    func revoke() async throws {
        let fake = try await FakeGitHub.start(tokens: Self.tokens)
        defer { Task { await fake.server.stop() } }
        try await ConnectorHarness.with { harness in
            let connector = try Self.connector(harness, fake)
            let answer = try await connector.remediate(RemediationRequest(action: .deactivate, key: ExternalKeyReference(externalID: "102", identity: "bob")))
            #expect(answer.outcome == .done)
            #expect(answer.status == 202)
            #expect(fake.state.withLock { $0.revoked } == [102])
            let revoke = try #require(fake.server.requests.last)
            #expect(revoke.method == "POST" && revoke.json["action"] as? String == "revoke" && revoke.json["pat_ids"] as? [Int] == [102])

            fake.state.withLock { $0.readOnly = true }
            let refused = try await connector.remediate(RemediationRequest(action: .deactivate, key: ExternalKeyReference(externalID: "101")))
            #expect(refused.outcome == .refused)
            #expect(refused.status == 403)
            #expect(refused.message.contains("Resource not accessible"))
            #expect(!refused.message.contains(FakeGitHub.token))
        }
    }

    @Test("a 429 with Retry-After and a spent primary rate limit (403, x-ratelimit-remaining 0) are waited out and retried")
    func throttling() async throws {
        let fake = try await FakeGitHub.start(tokens: Self.tokens)
        defer { Task { await fake.server.stop() } }
        // The reset is an epoch second: the wait is what is left of it when the answer is read, so the
        // bound below leaves room for a loaded machine instead of timing the test.
        let reset = Int(Date().timeIntervalSince1970) + 100
        fake.state.withLock {
            $0.injected = [
                .json(429, ["message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                            "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"], headers: ["retry-after": "7"]),
                .json(403, ["message": "API rate limit exceeded for installation ID 42.",
                            "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"],
                      headers: ["x-ratelimit-remaining": "0", "x-ratelimit-limit": "5000", "x-ratelimit-reset": String(reset)]),
            ]
        }
        try await ConnectorHarness.with { harness in
            let connector = try Self.connector(harness, fake)
            try await harness.sync(connector)
            #expect(try await harness.records(.github).count == 5)
            let waits = harness.waited
            #expect(waits.first == .seconds(7))
            #expect(waits.count == 2)
            #expect(waits.last.map { $0 > .zero && $0 <= .seconds(100) } == true)
        }
    }

    @Test("a page that fails leaves the previous inventory in place and says which request failed")
    func failingPage() async throws {
        let fake = try await FakeGitHub.start(tokens: Self.tokens)
        defer { Task { await fake.server.stop() } }
        try await ConnectorHarness.with { harness in
            let connector = try Self.connector(harness, fake)
            try await harness.sync(connector)
            fake.state.withLock { $0.tokens.removeAll { $0.id == 101 }; $0.failingPage = 2 }
            let error = await #expect(throws: ConnectorError.self) { try await harness.sync(connector) }
            let failures = error?.failures ?? []
            #expect(failures.count == 1)
            #expect(failures.first?.contains("personal-access-tokens: HTTP 403") == true)
            #expect(failures.first?.contains("Resource not accessible") == true)
            #expect(!(error?.description.contains(FakeGitHub.token) ?? true))
            let records = try await harness.records(.github)
            #expect(records.count == 5)
            #expect(records.values.allSatisfy { $0.status == .active })
        }
    }

    @Test("GitHub Enterprise Server through endpoint: /api/v3, links followed on the same host")
    func enterpriseServer() async throws {
        let fake = try await FakeGitHub.start(tokens: Self.tokens)
        defer { Task { await fake.server.stop() } }
        try await ConnectorHarness.with { harness in
            let connector = try Self.connector(harness, fake, endpoint: fake.server.base + "/api/v3/")
            try await harness.sync(connector)
            #expect(try await harness.records(.github).count == 5)
            #expect(fake.server.requests.allSatisfy { $0.path == "/api/v3/orgs/acme/personal-access-tokens" })
        }
    }

    @Test("credentials: the organisation is required, GITHUB_TOKEN or the file's first line is the token")
    func credentials() async throws {
        let fake = try await FakeGitHub.start(tokens: Self.tokens)
        defer { Task { await fake.server.stop() } }
        try await ConnectorHarness.with { harness in
            var declaration = Self.declaration(fake)
            declaration.account = nil
            #expect(throws: ConnectorError.self) { try GitHubConnector(context: harness.context(declaration, environment: ["GITHUB_TOKEN": "x"])) }
            let missing = #expect(throws: ConnectorError.self) { try GitHubConnector(context: harness.context(Self.declaration(fake), environment: [:])) }
            #expect(missing?.description.contains("GITHUB_TOKEN") == true)
            var fromFile = Self.declaration(fake)
            fromFile.credentials = .file(path: try harness.file("gh-token", FakeGitHub.token + "\n"))
            let connector = try GitHubConnector(context: harness.context(fromFile, environment: [:]))
            #expect(try await connector.snapshot().documents.count == 1)
        }
    }
}
