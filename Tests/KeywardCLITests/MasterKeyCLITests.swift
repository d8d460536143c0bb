import Foundation
import KeywardCore
import KeywardStore
import SQLKit
import Testing

/// `keyward init` and `serve` create the master key beside a SQLite database; `keyward
/// master-key rotate` re-seals under a new one; PostgreSQL needs one named.
@Suite("keyward master-key", .serialized, .timeLimit(.minutes(3)))
struct MasterKeyCLITests {
    @Test("init creates <db>.key 0600; a webhook secret is sealed under it; rotate re-seals it under a new key file")
    func initAndRotate() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("keyward.db").path
        let initialised = try keyward(["init", "--db", database, "--json"])
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let admin = try #require(initialised.object["admin_key"] as? String)
        let keyPath = database + ".key"
        let mode = (try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        let oldKeys = try MasterKeyring(file: try String(contentsOfFile: keyPath, encoding: .utf8))

        let server = try ServerProcess(database: database)
        let created = try keyward(["webhooks", "create", "--url", "https://hooks.example.com/x", "--events", "key.created", "--json"],
                                  environment: ["KEYWARD_ADDR": server.address, "KEYWARD_TOKEN": admin])
        server.stop()
        #expect(created.status == 0, "\(created.stderr)")
        let secret = try #require(created.object["secret"] as? String)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: database)) + ((try? Data(contentsOf: URL(fileURLWithPath: database + "-wal"))) ?? Data())
        #expect(bytes.range(of: Data(secret.utf8)) == nil, "the database file holds no plaintext secret")

        let newKeyPath = directory.appendingPathComponent("new.key").path
        let rotated = try keyward(["master-key", "rotate", "--db", database, "--new-key-file", newKeyPath, "--json"])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect(rotated.object["resealed"] as? Int == 1)
        let newKeys = try MasterKeyring(file: try String(contentsOfFile: newKeyPath, encoding: .utf8))
        #expect(rotated.object["key_id"] as? String == newKeys.current.id && newKeys.current.id != oldKeys.current.id)

        // A copy of the database with only the old key opens no secret; with the new key it does.
        let store = try await SQLStore.openSQLite(path: database, keyring: newKeys)
        let stored = try await store.backend.read { db in
            try await db.raw("SELECT id, secret FROM webhook_subscriptions").all().map { (try $0.decode(column: "id", as: String.self), try $0.decode(column: "secret", as: String.self)) }
        }
        try await store.close()
        let (id, sealed) = try #require(stored.first)
        #expect(sealed.hasPrefix("sealed:v1:\(newKeys.current.id):"))
        #expect(try newKeys.open(sealed, context: "webhook_subscriptions.secret:\(id)") == secret)
        #expect(throws: SealedSecretError.self) { try oldKeys.open(sealed, context: "webhook_subscriptions.secret:\(id)") }

        let again = try keyward(["master-key", "rotate", "--db", database, "--master-key-file", newKeyPath, "--new-key-file", newKeyPath, "--json"])
        #expect(again.status == 0 && again.object["resealed"] as? Int == 0 && again.object["already_current"] as? Int == 1, "\(again.stderr)")
    }

    @Test("a PostgreSQL deployment without a master key file is refused with a clear message")
    func postgresWithoutKey() throws {
        let result = try keyward(["init", "--database-url", "postgres://nobody@127.0.0.1:1/none", "--json"], environment: ["KEYWARD_MASTER_KEY_FILE": ""])
        #expect(result.status != 0)
        #expect(result.stderr.contains("master_key_file") && result.stderr.contains("every node"), "\(result.stderr)")
    }
}
