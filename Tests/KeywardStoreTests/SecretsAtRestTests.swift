import Foundation
import KeywardCore
import KeywardStore
import KeywardTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What a local user or a log reader can learn from the database: its files are readable by
/// their owner only, and no statement's bind values (webhook secrets, URLs with tokens, CSRF
/// tokens) reach the log at any level.
@Suite("secrets at rest")
struct SecretsAtRestTests {
    /// Runs `body` with a fresh directory, removed afterwards.
    static func inDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory)
    }

    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("a new database and its -wal and -shm files are created 0600, whatever the umask")
    func newFilesAreOwnerOnly() async throws {
        try await Self.inDirectory { directory in
            let path = directory.appendingPathComponent("keyward.db").path
            // The usual umask, which leaves new files readable by everyone.
            let previous = umask(0o022)
            defer { umask(previous) }
            let store = try await SQLStore.openSQLite(path: path)
            let service = KeyService(store: store, lifecycle: try KeyLifecycle(), clock: ManualClock()) { _ in }
            _ = try await service.issue(IssueRequest(name: "a", owner: "o"), by: .system("test"))
            for file in [path, path + "-wal", path + "-shm"] {
                #expect(FileManager.default.fileExists(atPath: file), "\(file)")
                let mode = try Self.mode(file)
                #expect(mode == 0o600, "\(file) is \(String(mode, radix: 8))")
            }
            try await store.close()
        }
    }

    @Test("opening a database others can read logs a warning naming the file and its mode")
    func warnsAboutReadableFile() async throws {
        try await Self.inDirectory { directory in
            let path = directory.appendingPathComponent("keyward.db").path
            try await SQLStore.openSQLite(path: path).close()
            #expect(chmod(path, 0o644) == 0)
            let log = CapturedLog()
            let store = try await SQLStore.openSQLite(path: path, logger: log.logger)
            try await store.close()
            let warning = log.text.split(separator: "\n").first { $0.hasPrefix("warning") && $0.contains(path) }
            #expect(warning?.contains("0644") == true, "\(log.text.suffix(2000))")
            // The mode is left alone: the operator decides (a group may share the file on purpose).
            #expect(try Self.mode(path) == 0o644)

            #expect(chmod(path, 0o600) == 0)
            let quiet = CapturedLog()
            try await SQLStore.openSQLite(path: path, logger: quiet.logger).close()
            #expect(!quiet.text.contains("warning"), "\(quiet.text.suffix(2000))")
        }
    }

    @Test("at log level trace, the log has the statements but never a bind value", arguments: TestDatabase.available)
    func noBindValuesInTheLog(_ kind: TestDatabase) async throws {
        try await Self.inDirectory { directory in
            let log = CapturedLog()
            var temporary: TemporaryPostgresDatabase?
            let store: SQLStore
            switch kind {
            case .sqlite:
                store = try await SQLStore.openSQLite(path: directory.appendingPathComponent("keyward.db").path, logger: log.logger)
            case .postgres:
                let created = try await TemporaryPostgresDatabase.create()
                temporary = created
                store = try await SQLStore.openPostgres(url: created.url, logger: log.logger)
            }
            do {
                let now = Timestamp(secondsSinceEpoch: 1_800_000_000)
                let urlToken = "T0KENinTHEpath9f8e7d6c5b4a"
                let request = try WebhookSubscriptionRequest(url: "https://hooks.example.com/services/\(urlToken)", events: ["key.revoked"],
                                                             owner: nil, description: nil)
                let (_, secret) = try await store.createWebhook(request, by: .system("test"), at: now)
                // Reading the secret back (the dispatcher does, for every delivery).
                _ = try await store.dueWebhookDeliveries(now: now, limit: 10)
                let service = KeyService(store: store, lifecycle: try KeyLifecycle(), clock: ManualClock(now)) { _ in }
                let key = try await service.issue(IssueRequest(name: "a", owner: "o", scopes: [Scope.read]), by: .system("test"))
                let session = DashboardSession(tokenHash: String(repeating: "a", count: 64), keyID: key.record.id, keyHash: key.record.hash,
                                               scopes: [Scope.read], createdAt: now, expiresAt: now.adding(seconds: 3600))
                try await store.createDashboardSession(session, address: "127.0.0.1")
                #expect(try await store.dashboardSession(tokenHash: session.tokenHash, now: now) == session)

                let text = log.text
                if kind == .sqlite {
                    // SQLKit's statement log stays, without its binds (PostgresBackend never turns it on).
                    #expect(text.contains("INSERT INTO webhook_subscriptions"), "statements are still logged at debug")
                }
                for (name, value) in [("webhook secret", secret), ("token in a webhook URL", urlToken),
                                      ("key hash", key.record.hash.hex)] {
                    #expect(!text.contains(value), "the log holds the \(name)")
                }
                try await store.close()
            } catch {
                try? await store.close()
                try? await temporary?.drop()
                throw error
            }
            try await temporary?.drop()
        }
    }
}
