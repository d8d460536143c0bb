import Foundation
@testable import KeywardConnectors
import KeywardCore
import KeywardGovernance
import KeywardStore
import KeywardTestSupport
import Testing

/// A connector service on a fresh database with the in-memory IAM behind it.
struct ConnectorFixture {
    let directory: URL
    let postgres: TemporaryPostgresDatabase?
    let store: SQLStore
    let clock: ManualClock
    let governance: GovernanceService
    let iam: FakeIAM
    let service: ConnectorService
    let admin = Principal.system("test-admin")

    static func with(_ backend: TestDatabase = .sqlite, actions: Set<RemediationAction> = [.deactivate], iam: FakeIAM = AWSIAMConnectorTests.sample(),
                     endpoint: String = "https://iam.test", transport: (any ConnectorTransport)? = nil,
                     _ body: (ConnectorFixture) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-connectors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var postgres: TemporaryPostgresDatabase?
        let store: SQLStore
        switch backend {
        case .sqlite: store = try await SQLStore.openSQLite(path: directory.appendingPathComponent("keyward.db").path)
        case .postgres:
            let database = try await TemporaryPostgresDatabase.create(prefix: "keyward_conn_")
            postgres = database
            store = try await SQLStore.openPostgres(url: database.url)
        }
        let clock = ManualClock(Timestamp(iso8601: "2026-11-29T12:00:00Z")!)
        let keys = KeyService(store: store, lifecycle: try KeyLifecycle(environments: ["live", "test"]), clock: clock) { _ in }
        let governance = GovernanceService(store: store, keys: keys, clock: clock)
        let declaration = ConnectorDeclaration(name: "aws-prod", kind: .awsIAM, endpoint: endpoint, syncIntervalSeconds: 900, actions: actions)
        let service = ConnectorService(declarations: [declaration], governance: governance, transport: transport ?? iam,
                                       environment: AWSIAMConnectorTests.environment, sleep: RecordedSleeps().sleep, holder: "node-a")
        let fixture = ConnectorFixture(directory: directory, postgres: postgres, store: store, clock: clock, governance: governance, iam: iam, service: service)
        do { try await body(fixture) } catch {
            try? await store.close()
            try? await postgres?.drop()
            throw error
        }
        try await store.close()
        try? FileManager.default.removeItem(at: directory)
        try await postgres?.drop()
    }

    func records() async throws -> [InventoryRecord] {
        try await store.governanceRead { try await $0.records(providers: [.aws]) }.sorted { ($0.externalID ?? "") < ($1.externalID ?? "") }
    }

    func actions() async throws -> [String] {
        try await store.auditEvents(limit: 1000).map(\.action)
    }
}

@Suite("Connector service: sync and remediation on the store")
struct ConnectorServiceTests {
    @Test("a sync writes the records as the importers do, idempotently; a key gone at the provider becomes disappeared", arguments: TestDatabase.available)
    func syncIsAnImport(_ backend: TestDatabase) async throws {
        try await ConnectorFixture.with(backend) { fixture in
            let first = try await fixture.service.sync(name: "aws-prod", by: fixture.admin)
            #expect(first.succeeded)
            #expect(first.created == 7)
            #expect(first.rejected == 0)
            var records = try await fixture.records()
            #expect(records.count == 7)
            #expect(records.allSatisfy { $0.sources.contains("connector:aws-prod") && $0.sources.contains("aws-access-keys") })
            #expect(records.first { $0.externalID == "AKIABOB0000000000001" }?.identity == "bob")
            #expect(records.first { $0.externalID == "AKIABOB0000000000001" }?.account == "123456789012")
            let actions = try await fixture.actions()
            #expect(actions.filter { $0 == "inventory.imported" }.count == 2)
            #expect(actions.contains("connector.synced"))

            fixture.clock.advance(seconds: 60)
            let second = try await fixture.service.sync(name: "aws-prod", by: fixture.admin)
            #expect(second.succeeded)
            #expect(second.created == 0 && second.updated == 0 && second.unchanged == 7)
            #expect(try await fixture.records().count == 7)

            fixture.iam.state.withLock { $0.keys["erin"] = [] }
            fixture.clock.advance(seconds: 60)
            let third = try await fixture.service.sync(name: "aws-prod", by: fixture.admin)
            #expect(third.disappeared == 1)
            records = try await fixture.records()
            #expect(records.first { $0.externalID == "AKIAERIN000000000001" }?.status == .disappeared)
            let state = try await fixture.service.list()
            #expect(state.first?.sync?.outcome == "succeeded")
            #expect(state.first?.syncing == false)
        }
    }

    @Test("a failed read leaves the previous inventory as it was and reports what failed", arguments: TestDatabase.available)
    func partialFailureKeepsInventory(_ backend: TestDatabase) async throws {
        try await ConnectorFixture.with(backend) { fixture in
            _ = try await fixture.service.sync(name: "aws-prod", by: fixture.admin)
            let before = try await fixture.records()
            // Bob's key is deleted and Dave's keys cannot be listed: writing this read would mark
            // Dave's key disappeared although it exists.
            fixture.iam.state.withLock {
                $0.keys["bob"] = []
                $0.deniedUsers = ["dave"]
            }
            fixture.clock.advance(seconds: 60)
            let failed = try await fixture.service.sync(name: "aws-prod", by: fixture.admin)
            #expect(!failed.succeeded)
            #expect(failed.failures.count == 1)
            #expect(failed.failures[0].contains("ListAccessKeys UserName=dave"))
            let after = try await fixture.records()
            #expect(after == before)
            #expect(try await fixture.actions().contains("connector.sync_failed"))
            let state = try await fixture.service.list()
            #expect(state.first?.sync?.outcome == "failed")
            #expect(state.first?.sync?.summary.contains("ListAccessKeys UserName=dave") == true)
        }
    }

    @Test("one node syncs at a time: a held lease refuses a second sync; a scheduled sync waits for its interval")
    func lease() async throws {
        try await ConnectorFixture.with { fixture in
            let now = fixture.clock.now()
            #expect(try await fixture.store.claimConnectorSync(name: "aws-prod", holder: "node-b", now: now, ttlMilliseconds: 60_000))
            await #expect(throws: KeywardError.self) { _ = try await fixture.service.sync(name: "aws-prod", by: fixture.admin) }
            #expect(await fixture.service.syncDue().isEmpty)
            try await fixture.store.finishConnectorSync(name: "aws-prod", holder: "node-b", at: now, succeeded: true, requests: 0, summary: "{}")
            // Started just now: the 900 s interval has not passed.
            #expect(await fixture.service.syncDue().isEmpty)
            fixture.clock.advance(seconds: 901)
            let ran = await fixture.service.syncDue()
            #expect(ran.count == 1 && ran[0].succeeded)
        }
    }

    @Test("deactivate: the provider's key turns Inactive, the record disabled, key.deactivated audited", arguments: TestDatabase.available)
    func deactivate(_ backend: TestDatabase) async throws {
        try await ConnectorFixture.with(backend) { fixture in
            _ = try await fixture.service.sync(name: "aws-prod", by: fixture.admin)
            let record = try #require(try await fixture.records().first { $0.externalID == "AKIABOB0000000000001" })
            let dry = try await fixture.service.remediate(recordID: record.id, action: .deactivate, reason: "leaked", via: "cli", dryRun: true, by: fixture.admin)
            #expect(dry.outcome == "dry_run")
            #expect(fixture.iam.state.withLock { $0.keys["bob"]?.first?.status } == "Active")
            let outcome = try await fixture.service.remediate(recordID: record.id, action: .deactivate, reason: "leaked", via: "cli", by: fixture.admin)
            #expect(outcome.outcome == "done")
            #expect(outcome.record.status == .disabled)
            #expect(fixture.iam.state.withLock { $0.keys["bob"]?.first?.status } == "Inactive")
            let event = try #require(try await fixture.store.auditEvents(limit: 100).first { $0.action == "key.deactivated" })
            #expect(event.subjectID == record.id)
            #expect(event.details["reason"] == .string("leaked"))
            #expect(event.details["provider_answer"] == .string("UpdateAccessKey: Inactive"))
            // The next sync agrees with what was done.
            fixture.clock.advance(seconds: 60)
            _ = try await fixture.service.sync(name: "aws-prod", by: fixture.admin)
            #expect(try await fixture.records().first { $0.externalID == "AKIABOB0000000000001" }?.status == .disabled)
        }
    }

    @Test("a provider refusal leaves an open finding that says why; a later success resolves it")
    func refusalOpensFinding() async throws {
        try await ConnectorFixture.with { fixture in
            _ = try await fixture.service.sync(name: "aws-prod", by: fixture.admin)
            let record = try #require(try await fixture.records().first { $0.externalID == "AKIAERIN000000000001" })
            fixture.iam.state.withLock { $0.refusedKeys = ["AKIAERIN000000000001"] }
            let refused = try await fixture.service.remediate(recordID: record.id, action: .deactivate, reason: "offboarded", via: "api", by: fixture.admin)
            #expect(refused.outcome == "refused")
            #expect(refused.record.status == .active)
            let findings = try await fixture.store.governanceRead { try await $0.findings(source: .remediation) }
            #expect(findings.count == 1)
            #expect(findings[0].state == .open)
            #expect(findings[0].message.contains("AccessDenied"))
            #expect(try await fixture.actions().contains("key.deactivation_refused"))
            fixture.iam.state.withLock { $0.refusedKeys = [] }
            _ = try await fixture.service.remediate(recordID: record.id, action: .deactivate, reason: "offboarded", via: "api", by: fixture.admin)
            let after = try await fixture.store.governanceRead { try await $0.findings(source: .remediation) }
            #expect(after.first?.state == .resolved)
        }
    }

    @Test("a read-only connector refuses remediation before any request; delete needs its own action")
    func actionsAreChecked() async throws {
        try await ConnectorFixture.with(actions: []) { fixture in
            _ = try await fixture.service.sync(name: "aws-prod", by: fixture.admin)
            let record = try #require(try await fixture.records().first)
            let sent = fixture.iam.state.withLock { $0.actions.count }
            await #expect(throws: KeywardError.conflict("connector aws-prod may not deactivate keys (actions: none, read-only)")) {
                _ = try await fixture.service.remediate(recordID: record.id, action: .deactivate, reason: "x", via: "cli", by: fixture.admin)
            }
            #expect(fixture.iam.state.withLock { $0.actions.count } == sent)
        }
        try await ConnectorFixture.with(actions: [.deactivate]) { fixture in
            _ = try await fixture.service.sync(name: "aws-prod", by: fixture.admin)
            let record = try #require(try await fixture.records().first)
            await #expect(throws: KeywardError.self) {
                _ = try await fixture.service.remediate(recordID: record.id, action: .delete, reason: "x", via: "cli", by: fixture.admin)
            }
        }
    }

    @Test("the deactivation drill measures canary rounds and stores a drill result")
    func drill() async throws {
        let iam = AWSIAMConnectorTests.sample()
        iam.add(user: AWSIAMConnector.canaryUser, keys: [])
        try await ConnectorFixture.with(iam: iam) { fixture in
            let result = try await fixture.service.drill(name: "aws-prod", rounds: 3, pollInterval: .milliseconds(1), by: fixture.admin)
            #expect(result.kind == "deactivate")
            #expect(result.overall.samplesMilliseconds.count == 3)
            #expect(result.overall.timeouts == 0)
            #expect(fixture.iam.state.withLock { $0.keys[AWSIAMConnector.canaryUser]?.isEmpty } == true)
            #expect(try await fixture.actions().contains("drill.completed"))
        }
    }
}
