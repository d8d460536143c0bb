import Foundation
import KeywardCore
import KeywardServer
import KeywardSettings
import KeywardStore
import KeywardTestSupport
import Logging
import ServiceLifecycle
import SQLKit
import Synchronization

/// A node on a real database with a manual clock, a real HTTP receiver, and dispatchers the test
/// starts and stops. Retries become due when the test moves the clock, never by sleeping.
struct WebhookFixture {
    let directory: URL
    let backend: TestDatabase
    /// The PostgreSQL database of this fixture, dropped by ``close()``.
    let postgresDatabase: TemporaryPostgresDatabase?
    var postgresURL: String? { postgresDatabase?.url }
    let node: KeywardNode
    let clock: ManualClock
    let receiver: WebhookReceiver
    let configuration: WebhookConfiguration
    /// Dispatchers and extra nodes to stop and close at the end, also when a test fails midway
    /// (a store left open at exit trips an assertion in sqlite-nio).
    let cleanup = Cleanup()

    final class Cleanup: Sendable {
        let dispatchers = Mutex<[RunningDispatcher]>([])
        let stores = Mutex<[SQLStore]>([])
    }

    var store: SQLStore { node.store }
    static let admin = Principal.system("test-admin")

    /// Short poll; timeouts of 2 s (long enough for a loaded test machine); backoff 1 s doubling
    /// to 4 s (moved through with the clock). The receivers listen on loopback, which deliveries
    /// refuse by default: the tests opt it back in as a deployment would (`webhook_allowed_networks`).
    static func testConfiguration() -> WebhookConfiguration {
        var configuration = WebhookConfiguration()
        configuration.pollMilliseconds = 10
        configuration.maxInFlight = 8
        configuration.requestTimeoutMilliseconds = 2000
        configuration.connectTimeoutMilliseconds = 2000
        configuration.backoff = WebhookBackoff(baseMilliseconds: 1000, capMilliseconds: 4000, horizonMilliseconds: 4 * 3_600_000)
        configuration.noticeIntervalMilliseconds = 20
        configuration.targets = loopbackAllowed
        return configuration
    }

    static let loopbackAllowed = OutboundAddressPolicy(allowedNetworks: [CIDR("127.0.0.0/8")!])

    static func make(_ backend: TestDatabase = .sqlite, configure: (inout WebhookConfiguration) -> Void = { _ in }) async throws -> WebhookFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-webhooks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let postgresDatabase = backend == .postgres ? try await TemporaryPostgresDatabase.create(prefix: "keyward_wh_") : nil
        var webhooks = testConfiguration()
        configure(&webhooks)
        let clock = ManualClock(Timestamp(secondsSinceEpoch: 1_800_000_000))
        let fixture = WebhookFixture(directory: directory, backend: backend, postgresDatabase: postgresDatabase,
                                     node: try await openNode(directory: directory, postgresURL: postgresDatabase?.url, clock: clock),
                                     clock: clock, receiver: WebhookReceiver(clock: clock), configuration: webhooks)
        try await fixture.receiver.start()
        return fixture
    }

    static func openNode(directory: URL, postgresURL: String?, clock: ManualClock, keyring: MasterKeyring = .ephemeral) async throws -> KeywardNode {
        var configuration = KeywardConfiguration()
        configuration.databasePath = directory.appendingPathComponent("keyward.db").path
        configuration.port = 0
        configuration.webhooks.targets = loopbackAllowed
        let store: SQLStore
        if let postgresURL {
            store = try await SQLStore.openPostgres(url: postgresURL, keyring: keyring)
        } else {
            store = try await SQLStore.openSQLite(path: configuration.databasePath, keyring: keyring)
        }
        return try await KeywardNode(store: store, configuration: configuration, clock: clock)
    }

    /// Another node on the same database (a restart, or a second server).
    func openAnotherNode(keyring: MasterKeyring = .ephemeral) async throws -> KeywardNode {
        let node = try await Self.openNode(directory: directory, postgresURL: postgresURL, clock: clock, keyring: keyring)
        cleanup.stores.withLock { $0.append(node.store) }
        return node
    }

    static func with(_ backend: TestDatabase = .sqlite, configure: (inout WebhookConfiguration) -> Void = { _ in },
                     _ body: (WebhookFixture) async throws -> Void) async throws {
        let fixture = try await make(backend, configure: configure)
        do {
            try await body(fixture)
        } catch {
            await fixture.close()
            throw error
        }
        await fixture.close()
    }

    func close() async {
        for dispatcher in cleanup.dispatchers.withLock({ $0 }) { try? await dispatcher.stop() }
        for store in cleanup.stores.withLock({ $0 }) { try? await store.close() }
        await receiver.stop()
        try? await node.store.close()
        try? FileManager.default.removeItem(at: directory)
        try? await postgresDatabase?.drop()
    }

    /// Subscribes the receiver and gives it the secret to verify signatures with.
    @discardableResult
    func subscribe(_ events: [WebhookEventType], owner: String? = nil, url: String? = nil) async throws -> WebhookSubscription {
        let request = try WebhookSubscriptionRequest(url: url ?? receiver.url, events: events.map(\.rawValue), owner: owner, description: nil)
        let (subscription, secret) = try await store.createWebhook(request, by: Self.admin, at: clock.now())
        receiver.secret.withLock { $0 = secret }
        return subscription
    }

    func startDispatcher(on node: KeywardNode? = nil) -> RunningDispatcher {
        let node = node ?? self.node
        let running = RunningDispatcher(WebhookDispatcher(store: node.store, configuration: configuration, clock: clock, stats: node.webhookStats,
                                                          logger: Logger(label: "test.webhooks")))
        cleanup.dispatchers.withLock { $0.append(running) }
        return running
    }

    func issue(_ name: String, owner: String = "payments", ttlDays: Int64? = 90) async throws -> KeyRecord {
        var request = IssueRequest(name: name, owner: owner, scopes: ["billing:read"])
        request.ttlSeconds = ttlDays.map { $0 * 86_400 }
        return try await node.keys.issue(request, by: Self.admin).record
    }

    func deliveries(_ subscription: WebhookSubscription, state: WebhookDelivery.State? = nil) async throws -> [WebhookDelivery] {
        try await store.webhookDeliveries(subscriptionID: subscription.id, state: state, limit: 500).deliveries
    }
}

/// A dispatcher running in a service group, stopped gracefully by the test (stopping twice is
/// harmless).
struct RunningDispatcher: Sendable {
    let group: ServiceGroup
    let task: Task<Void, any Error>

    init(_ dispatcher: WebhookDispatcher) {
        let group = ServiceGroup(services: [dispatcher], logger: Logger(label: "test.webhooks"))
        self.group = group
        task = Task { try await group.run() }
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await withDeadline(.seconds(30)) { [task] in try await task.value }
    }
}

/// Polls `condition` every 20 ms for at most `timeout`, moving `clock` forward by `step`
/// milliseconds each time (so that retries come due); throws when the time is up.
func eventually(_ what: String, timeout: Duration = .seconds(30), clock: ManualClock? = nil, step: Int64 = 0,
                _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        clock?.advance(milliseconds: step)
        try await Task.sleep(for: .milliseconds(20))
    }
    throw FixtureError.unexpected("timed out waiting for \(what)")
}
