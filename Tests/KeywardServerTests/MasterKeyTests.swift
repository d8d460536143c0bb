import Foundation
import KeywardCore
import KeywardDeployment
@testable import KeywardServer
import KeywardSettings
import KeywardStore
import KeywardTestSupport
import Testing

/// The master key of a deployment: where it comes from, what a node without it does, and the
/// dashboard CSRF tokens derived from it.
@Suite("Master key", .timeLimit(.minutes(2)))
struct MasterKeyTests {
    static func directory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-master-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("a SQLite deployment without master_key_file creates <db>.key (0600, 32 bytes base64) and uses it on every open")
    func createdBesideTheDatabase() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("keyward.db").path
        let previous = umask(0o022)
        defer { umask(previous) }
        let resolved = try ConfigurationLoader(flags: ["db": database]).load()
        let first = try await Deployment.openStore(resolved)
        let keyPath = database + ".key"
        let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let text = try String(contentsOfFile: keyPath, encoding: .utf8)
        #expect(Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines))?.count == 32)
        let request = try WebhookSubscriptionRequest(url: "https://hooks.example.com/x", events: ["key.created"], owner: nil, description: nil)
        _ = try await first.createWebhook(request, by: .system("test"), at: Timestamp(secondsSinceEpoch: 1_800_000_000))
        let id = first.keyring.current.id
        try await first.close()
        let again = try await Deployment.openStore(resolved)
        #expect(again.keyring.current.id == id, "the file is read, not replaced")
        #expect(try String(contentsOfFile: keyPath, encoding: .utf8) == text)
        try await again.close()
    }

    @Test("a PostgreSQL deployment must be given a master key file; a named file that is missing or bad is a clear error")
    func postgresNeedsAKey() throws {
        let resolved = try ConfigurationLoader(flags: ["database_url": "postgres://nobody@127.0.0.1:1/none"]).load()
        #expect {
            try Deployment.keyring(resolved, database: DatabaseLocation(resolved))
        } throws: { error in
            "\(error)".contains("master_key_file") && "\(error)".contains("every node")
        }
        let missing = try ConfigurationLoader(flags: ["db": "/tmp/x.db", "master_key_file": "/nonexistent/keyward.key"]).load()
        #expect { try Deployment.keyring(missing, database: DatabaseLocation(missing)) } throws: { "\($0)".contains("cannot read") }
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = directory.appendingPathComponent("bad.key").path
        try "c2hvcnQ=\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let short = try ConfigurationLoader(flags: ["db": "/tmp/x.db", "master_key_file": bad]).load()
        #expect { try Deployment.keyring(short, database: DatabaseLocation(short)) } throws: { "\($0)".contains("32 bytes") }
    }

    @Test("a node without the key that sealed a secret records a clear failure for each delivery and keeps running")
    func deliveryWithTheWrongKey() async throws {
        try await WebhookFixture.with { fixture in
            let subscription = try await fixture.subscribe([.keyCreated])
            let stranger = try await fixture.openAnotherNode(keyring: MasterKeyring(current: MasterKey.generate().key))
            let dispatcher = fixture.startDispatcher(on: stranger)
            _ = try await fixture.issue("sealed elsewhere")
            try await eventually("a failed attempt", clock: fixture.clock, step: 50) {
                try await fixture.deliveries(subscription).first?.history.isEmpty == false
            }
            try await dispatcher.stop()
            let error = try #require(try await fixture.deliveries(subscription).first?.history.first?.error)
            #expect(error.contains("cannot open the subscription's signing secret: sealed under master key"), "\(error)")
            #expect(fixture.receiver.unique.isEmpty)
        }
    }

    @Test("dashboard CSRF tokens are derived from the master key and the session, not stored")
    func derivedCSRF() {
        let ring = MasterKeyring(current: MasterKey.generate().key)
        let now = Timestamp(secondsSinceEpoch: 1_800_000_000)
        func session(_ hash: String) -> DashboardSession {
            DashboardSession(tokenHash: hash, keyID: KeyID.random(), keyHash: KeyHash(of: "k"), scopes: [Scope.read], createdAt: now, expiresAt: now)
        }
        let a = session(String(repeating: "a", count: 64))
        let token = DashboardSessions.csrfToken(for: a, keyring: ring)
        #expect(token.count == 64 && token.utf8.allSatisfy { Hex.nibble($0) != nil })
        #expect(DashboardSessions.csrfToken(for: a, keyring: ring) == token, "the same on every request and node")
        #expect(DashboardSessions.csrfToken(for: session(String(repeating: "b", count: 64)), keyring: ring) != token)
        #expect(DashboardSessions.csrfToken(for: a, keyring: MasterKeyring(current: MasterKey.generate().key)) != token)
    }
}
