import AsyncHTTPClient
import Foundation
import KeywardConnectors
import KeywardCore
import KeywardGovernance
import KeywardImport
import KeywardStore
import Synchronization

/// What the connector tests run against: a governance service on a fresh SQLite database with a
/// manual clock, and the connectors' HTTP layer over real loopback HTTP (AsyncHTTPClient) whose
/// waits are recorded instead of slept, so a `Retry-After: 7` is checked without waiting 7 s.
final class ConnectorHarness: Sendable {
    static let start = Timestamp(iso8601: "2026-11-29T12:00:00Z")!

    let directory: URL
    let store: SQLStore
    let clock: ManualClock
    let service: GovernanceService
    let client: HTTPClient
    let http: ConnectorHTTP
    private let recorder: Recorder
    let admin = Principal.system("test-admin")

    private init(directory: URL, store: SQLStore, clock: ManualClock, service: GovernanceService, client: HTTPClient,
                 http: ConnectorHTTP, recorder: Recorder) {
        self.directory = directory
        self.store = store
        self.clock = clock
        self.service = service
        self.client = client
        self.http = http
        self.recorder = recorder
    }

    /// Every wait the HTTP layer asked for (backoff and provider waits), in order.
    var waited: [Duration] { recorder.waits.withLock { $0 } }

    static func with(_ body: (ConnectorHarness) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-connectors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try await SQLStore.openSQLite(path: directory.appendingPathComponent("keyward.db").path)
        let clock = ManualClock(start)
        let changes = InventoryChanges()
        let keys = KeyService(store: store, lifecycle: try KeyLifecycle(environments: ["live", "test"]), clock: clock) { _ in changes.signal() }
        let service = GovernanceService(store: store, keys: keys, clock: clock, changes: changes)
        let client = AsyncHTTPTransport.makeClient()
        let recorder = Recorder()
        let http = ConnectorHTTP(transport: AsyncHTTPTransport(client: client, timeout: .seconds(10)),
                                 retry: RetryPolicy(maxAttempts: 4, base: .milliseconds(1), cap: .milliseconds(2), maximumWait: .seconds(120)),
                                 sleep: { duration in recorder.add(duration) })
        let harness = ConnectorHarness(directory: directory, store: store, clock: clock, service: service, client: client, http: http,
                                       recorder: recorder)
        do {
            try await body(harness)
        } catch {
            await harness.close()
            throw error
        }
        await harness.close()
    }

    /// Holds the recorded waits; a class so the sleep closure and the harness share them.
    final class Recorder: Sendable {
        let waits = Mutex<[Duration]>([])
        func add(_ duration: Duration) { waits.withLock { $0.append(duration) } }
    }

    func close() async {
        try? await client.shutdown()
        try? await store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    func context(_ declaration: ConnectorDeclaration, environment: [String: String]) -> ConnectorContext {
        ConnectorContext(declaration: declaration, http: http, environment: environment, clock: clock)
    }

    /// Writes `text` into the harness's directory; returns the path.
    func file(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// A sync as the seam's contract defines it (docs/ARCHITECTURE.md, "Connectors"): read the
    /// whole account, then import the documents as one change with the facts laid over the
    /// listed records. A snapshot that throws writes nothing.
    @discardableResult
    func sync(_ connector: any Connector) async throws -> [ImportOutcome] {
        let snapshot = try await connector.snapshot()
        let facts = snapshot.facts
        let name = connector.declaration.name
        let actor = admin.id
        return try await service.importDocuments(snapshot.documents, connector: name, by: admin, adjust: { record in
            guard let id = record.externalID, let fact = facts[id] else { return record }
            return fact.applied(to: record)
        }, closing: { outcome in
            AuditDraft(actor: actor, action: "connector.synced", subjectKind: "connector", subjectID: name,
                       details: ["documents": .number(Double(outcome.imports.count))])
        }).imports
    }

    /// The stored records of `provider`, by external id.
    func records(_ provider: InventoryProvider) async throws -> [String: InventoryRecord] {
        let records = try await store.governanceRead { sql in try await sql.records(providers: [provider]) }
        return Dictionary(records.map { ($0.externalID ?? $0.naturalKey, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
