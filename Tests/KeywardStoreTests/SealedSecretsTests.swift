import Foundation
import KeywardCore
import KeywardStore
import KeywardTestSupport
import SQLKit
import Testing

/// Stored secrets are sealed under the master key: a copy of the database without the key file
/// yields none, the wrong key fails clearly, old plaintext is sealed at open, rotation re-seals.
@Suite("sealed secrets", .timeLimit(.minutes(2)))
struct SealedSecretsTests {
    static let now = Timestamp(secondsSinceEpoch: 1_800_000_000)

    static func ring() -> MasterKeyring { MasterKeyring(current: MasterKey.generate().key) }

    /// Opens a store on `kind` with `keyring`; the same database each time for one `place`.
    struct Place {
        let kind: TestDatabase
        let path: String
        let postgres: TemporaryPostgresDatabase?

        static func make(_ kind: TestDatabase) async throws -> Place {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-sealed-\(UUID().uuidString).db").path
            return Place(kind: kind, path: path, postgres: kind == .postgres ? try await TemporaryPostgresDatabase.create() : nil)
        }

        func open(_ keyring: MasterKeyring) async throws -> SQLStore {
            if let postgres { return try await SQLStore.openPostgres(url: postgres.url, keyring: keyring) }
            return try await SQLStore.openSQLite(path: path, keyring: keyring)
        }

        func remove() async {
            try? await postgres?.drop()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }

    static func storedSecrets(_ store: SQLStore) async throws -> [String] {
        try await store.backend.read { db in
            try await db.raw("SELECT secret FROM webhook_subscriptions ORDER BY seq").all().map { try $0.decode(column: "secret", as: String.self) }
        }
    }

    /// A subscription with one pending delivery; returns the secret shown at creation.
    static func subscribeWithPendingDelivery(_ store: SQLStore) async throws -> String {
        let request = try WebhookSubscriptionRequest(url: "https://hooks.example.com/x", events: ["key.created"], owner: nil, description: nil)
        let (_, secret) = try await store.createWebhook(request, by: .system("test"), at: now)
        let service = KeyService(store: store, lifecycle: try KeyLifecycle(), clock: ManualClock(now)) { _ in }
        _ = try await service.issue(IssueRequest(name: "a", owner: "o"), by: .system("test"))
        _ = try await store.ingestWebhookEvents(now: now)
        return secret
    }

    @Test("a webhook secret is stored sealed with its key id; the database file holds no plaintext secret", arguments: TestDatabase.available)
    func storedSealed(kind: TestDatabase) async throws {
        let place = try await Place.make(kind)
        defer { Task { await place.remove() } }
        let keyring = Self.ring()
        let store = try await place.open(keyring)
        let secret = try await Self.subscribeWithPendingDelivery(store)
        let stored = try #require(try await Self.storedSecrets(store).first)
        #expect(stored.hasPrefix("sealed:v1:\(keyring.current.id):") && !stored.contains(secret) && !stored.contains("whsec_"))
        let due = try #require(try await store.dueWebhookDeliveries(now: Self.now, limit: 10).first)
        #expect(try due.secret.get() == secret, "the node with the key opens it")
        try await store.close()
        if kind == .sqlite {
            // The bytes on disk: the main file and whatever the WAL still holds.
            var bytes = Data()
            for suffix in ["", "-wal"] { bytes += (try? Data(contentsOf: URL(fileURLWithPath: place.path + suffix))) ?? Data() }
            #expect(!bytes.isEmpty && bytes.range(of: Data(secret.utf8)) == nil && bytes.range(of: Data("whsec_".utf8)) == nil,
                    "no plaintext secret in the file")
            let secretBody = Data(secret.dropFirst("whsec_".count).utf8)
            #expect(bytes.range(of: secretBody) == nil)
        }
    }

    @Test("opened with the wrong key: the delivery carries a clear error naming the key, nothing crashes", arguments: TestDatabase.available)
    func wrongKey(kind: TestDatabase) async throws {
        let place = try await Place.make(kind)
        defer { Task { await place.remove() } }
        let right = Self.ring()
        var store = try await place.open(right)
        _ = try await Self.subscribeWithPendingDelivery(store)
        try await store.close()
        let wrong = Self.ring()
        store = try await place.open(wrong)
        let due = try #require(try await store.dueWebhookDeliveries(now: Self.now, limit: 10).first)
        #expect(throws: SealedSecretError.self) { try due.secret.get() }
        if case .failure(let error) = due.secret {
            #expect(error.description.contains("sealed under master key \(right.current.id)") && error.description.contains("KEYWARD_MASTER_KEY_FILE"),
                    "\(error)")
        }
        try await store.close()
    }

    @Test("plaintext secrets of an older database are sealed when it is opened", arguments: TestDatabase.available)
    func plaintextSealedAtOpen(kind: TestDatabase) async throws {
        let place = try await Place.make(kind)
        defer { Task { await place.remove() } }
        let keyring = Self.ring()
        var store = try await place.open(keyring)
        _ = try await Self.subscribeWithPendingDelivery(store)
        let legacy = WebhookSignature.generateSecret()
        try await store.backend.write { db in try await db.raw("UPDATE webhook_subscriptions SET secret = \(bind: legacy)").run() }
        try await store.close()
        store = try await place.open(keyring)
        let stored = try #require(try await Self.storedSecrets(store).first)
        #expect(stored.hasPrefix("sealed:v1:\(keyring.current.id):") && !stored.contains(legacy))
        #expect(try await store.dueWebhookDeliveries(now: Self.now, limit: 10).first?.secret.get() == legacy)
        try await store.close()
    }

    @Test("rotation re-seals every secret under the new key; nodes holding both keys read throughout; a second run finds nothing to do",
          arguments: TestDatabase.available)
    func rotation(kind: TestDatabase) async throws {
        let place = try await Place.make(kind)
        defer { Task { await place.remove() } }
        let old = Self.ring()
        let store = try await place.open(old)
        let first = try await Self.subscribeWithPendingDelivery(store)
        let new = Self.ring()
        // A node that was given the new key as the second line of its file, before the rotation.
        let both = MasterKeyring(current: old.current, previous: [new.current])
        let during = try await place.open(both)
        #expect(try await during.dueWebhookDeliveries(now: Self.now, limit: 10).first?.secret.get() == first)

        #expect(try await store.resealSecrets(under: new) == SQLStore.Resealing(resealed: 1, alreadyCurrent: 0))
        #expect(try await Self.storedSecrets(store).allSatisfy { $0.hasPrefix("sealed:v1:\(new.current.id):") })
        #expect(try await during.dueWebhookDeliveries(now: Self.now, limit: 10).first?.secret.get() == first, "still opens after the rotation")
        let onlyOld = try await store.dueWebhookDeliveries(now: Self.now, limit: 10).first
        #expect(throws: SealedSecretError.self) { try onlyOld?.secret.get() }
        #expect(try await store.resealSecrets(under: new) == SQLStore.Resealing(resealed: 0, alreadyCurrent: 1))
        // Without any key that sealed it, rotation refuses and changes nothing.
        await #expect(throws: SealedSecretError.self) { try await store.resealSecrets(under: Self.ring()) }
        #expect(try await Self.storedSecrets(store).allSatisfy { $0.hasPrefix("sealed:v1:\(new.current.id):") })
        try await during.close()
        try await store.close()
    }

    @Test("dashboard CSRF tokens are no longer stored: the column is gone", arguments: TestDatabase.available)
    func noStoredCSRF(kind: TestDatabase) async throws {
        let place = try await Place.make(kind)
        defer { Task { await place.remove() } }
        let store = try await place.open(Self.ring())
        await #expect(throws: (any Error).self) {
            try await store.backend.read { db in try await db.raw("SELECT csrf_token FROM dashboard_sessions").run() }
        }
        try await store.close()
    }
}
