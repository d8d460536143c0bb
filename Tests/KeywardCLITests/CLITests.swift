import Foundation
import KeywardAPI
import KeywardClient
import KeywardCore
import KeywardStore
import Testing

@Suite("keyward CLI against a real server", .serialized, .timeLimit(.minutes(5)))
struct CLITests {
    @Test("init prints the bootstrap key once, as JSON")
    func initOnce() throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("k.db").path
        let first = try keyward(["init", "--db", db, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let key = try #require(first.object["admin_key"] as? String)
        #expect(KeyFormat.shape(of: key) != nil)
        let second = try keyward(["init", "--db", db, "--json"])
        #expect(second.status == 2)
        #expect(second.stdout.isEmpty)
        #expect(second.stderr.contains("already initialised"))
        #expect(!second.stderr.contains(key))
    }

    @Test("serve bootstraps a new database once, and the CLI drives the whole life-cycle")
    func lifecycle() async throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("keyward.db").path
        let server = try ServerProcess(database: db)
        let admin = try #require(server.bootstrapKey, "first start prints the bootstrap key: \(server.log)")
        let env = ["KEYWARD_ADDR": server.address, "KEYWARD_TOKEN": admin]

        let created = try keyward(["keys", "create", "--name", "billing", "--owner", "team-pay", "--scope", "billing:read", "--scope", "billing:write",
                                   "--env", "test", "--ttl", "90d", "--meta", "ticket=SEC-1", "--json"], environment: env)
        #expect(created.status == 0, "\(created.stderr)")
        let key = try #require(created.object["key"] as? String)
        let id = try #require(created.object["id"] as? String)
        #expect(created.object["environment"] as? String == "test")

        let verify = try keyward(["verify", key, "--scope", "billing:read", "--json"], environment: env)
        #expect(verify.status == 0)
        #expect(verify.object["code"] as? String == "VALID")
        let fromStdin = try keyward(["verify", "-"], environment: env, stdin: key + "\n")
        #expect(fromStdin.status == 0)
        #expect(fromStdin.stdout.contains("VALID"))
        let refused = try keyward(["verify", key, "--scope", "admin:all"], environment: env)
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("INSUFFICIENT_SCOPE"))

        let table = try keyward(["keys", "list"], environment: env)
        #expect(table.status == 0)
        #expect(table.stdout.contains("OWNER") && table.stdout.contains("team-pay"))
        #expect(!table.stdout.contains(key))
        let shown = try keyward(["keys", "show", id], environment: env)
        #expect(shown.stdout.contains("billing:read billing:write"))
        #expect(!shown.stdout.contains(key))

        let rotated = try keyward(["keys", "rotate", id, "--grace", "0", "--json"], environment: env)
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let newKey = try #require(rotated.object["key"] as? String)
        let newID = try #require(rotated.object["id"] as? String)
        #expect((rotated.object["replaces"] as? [String: Any])?["status"] as? String == "expired")
        #expect(try keyward(["verify", key, "--json"], environment: env).object["code"] as? String == "EXPIRED")
        #expect(try keyward(["verify", newKey, "--json"], environment: env).object["code"] as? String == "VALID")

        #expect(try keyward(["keys", "disable", newID, "--json"], environment: env).object["status"] as? String == "disabled")
        #expect(try keyward(["verify", newKey, "--json"], environment: env).object["code"] as? String == "DISABLED")
        #expect(try keyward(["keys", "enable", newID, "--json"], environment: env).object["status"] as? String == "active")
        let revoked = try keyward(["keys", "revoke", newID, "--reason", "test over", "--json"], environment: env)
        #expect(revoked.object["status"] as? String == "revoked")
        #expect(try keyward(["verify", newKey], environment: env).status == 1)

        for index in 0..<3 { _ = try keyward(["keys", "create", "--name", "c\(index)", "--owner", "contractor", "--json"], environment: env) }
        let offboard = try keyward(["keys", "revoke", "--owner", "contractor", "--reason", "contract ended", "--json"], environment: env)
        #expect(offboard.object["revoked"] as? Int == 3)
        let remaining = try keyward(["keys", "list", "--owner", "contractor", "--status", "active", "--json"], environment: env)
        #expect((remaining.object["keys"] as? [Any])?.isEmpty == true)

        // Errors are one clear line and exit code 2.
        let missing = try keyward(["keys", "show", "key_0000000000000000000000"], environment: env)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("404"))
        let noToken = try keyward(["keys", "list"], environment: ["KEYWARD_ADDR": server.address, "KEYWARD_TOKEN": ""])
        #expect(noToken.status == 2)
        let unreachable = try keyward(["keys", "list"], environment: ["KEYWARD_ADDR": "http://127.0.0.1:1", "KEYWARD_TOKEN": admin])
        #expect(unreachable.status == 2)
        #expect(unreachable.stderr.contains("cannot reach"))

        #expect(server.stop() == 0)
        #expect(!server.log.contains(key) && !server.log.contains(newKey), "server log never contains a key")

        // A second start on the same database does not print a bootstrap key again.
        let again = try ServerProcess(database: db)
        #expect(again.bootstrapKey == nil)
        #expect(try keyward(["verify", admin, "--json"], environment: ["KEYWARD_ADDR": again.address, "KEYWARD_TOKEN": admin]).status == 0)
        again.stop()

        let audit = try keyward(["audit", "verify", "--db", db])
        #expect(audit.status == 0, "\(audit.stdout) \(audit.stderr)")
        #expect(audit.stdout.contains("intact"))
    }

    @Test("audit verify names the first bad event after tampering, and exits non-zero")
    func auditTampering() async throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("keyward.db").path
        let admin = try #require(try keyward(["init", "--db", db, "--json"]).object["admin_key"] as? String)
        let server = try ServerProcess(database: db)
        let env = ["KEYWARD_ADDR": server.address, "KEYWARD_TOKEN": admin]
        for index in 0..<5 { _ = try keyward(["keys", "create", "--name", "k\(index)", "--owner", "o", "--json"], environment: env) }
        server.stop()
        #expect(try keyward(["audit", "verify", "--db", db, "--json"]).object["intact"] as? Bool == true)

        let store = try await SQLStore.openSQLite(path: db)
        try await store.backend.write { db in
            try await db.raw("UPDATE audit_events SET actor = 'nobody' WHERE seq = 4").run()
        }
        try await store.close()
        let broken = try keyward(["audit", "verify", "--db", db])
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("event 4"))
        let json = try keyward(["audit", "verify", "--db", db, "--json"])
        #expect(json.object["first_bad_event"] as? Int == 4)
        #expect(json.object["intact"] as? Bool == false)
        #expect(try keyward(["audit", "verify", "--db", directory.appendingPathComponent("none.db").path]).status == 2)
    }

    @Test("a key given where an id belongs is refused by the client, never sent and never repeated")
    func keyWhereAnIDBelongs() async throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("keyward.db").path
        let admin = try #require(try keyward(["init", "--db", db, "--json"]).object["admin_key"] as? String)
        let server = try ServerProcess(database: db)
        let env = ["KEYWARD_ADDR": server.address, "KEYWARD_TOKEN": admin]
        let other = try KeyFormat(prefix: "acme").generate(environment: "prod").reveal()
        for key in [admin, other] {
            for arguments in [["keys", "show", key], ["keys", "revoke", key, "--reason", "test"], ["keys", "disable", key], ["keys", "usage", key],
                              ["webhooks", "show", key], ["findings", "show", key], ["owners", "show", key], ["reviews", "show", key]] {
                let result = try keyward(arguments, environment: env)
                #expect(result.status == 2, "\(arguments.prefix(2)): \(result.stderr)")
                #expect(result.stderr.contains("looks like a key"), "\(arguments.prefix(2)): \(result.stderr)")
                #expect(!result.stderr.contains(key.prefix(24)) && !result.stdout.contains(key.prefix(24)), "\(arguments.prefix(2)) repeats the key")
            }
        }
        #expect(try keyward(["keys", "list"], environment: env).status == 0, "the admin key still works")
        server.stop()
        #expect(!server.log.contains(other.prefix(24)))
    }

    @Test("admin recover issues a new admin key on the database, audited, shown once")
    func adminRecover() async throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("keyward.db").path
        let admin = try #require(try keyward(["init", "--db", db, "--json"]).object["admin_key"] as? String)
        // The bootstrap key is lost (here: revoked behind the API's back).
        let store = try await SQLStore.openSQLite(path: db)
        try await store.backend.write { db in try await db.raw("UPDATE keys SET state = 'revoked'").run() }
        try await store.close()

        let recovered = try keyward(["admin", "recover", "--db", db, "--json"])
        #expect(recovered.status == 0, "\(recovered.stderr)")
        let key = try #require(recovered.object["admin_key"] as? String)
        #expect(KeyFormat.shape(of: key) != nil && key != admin)
        let human = try keyward(["admin", "recover", "--db", db])
        #expect(human.status == 0)
        #expect(human.stdout.contains("shown once"))
        #expect(try keyward(["admin", "recover", "--db", directory.appendingPathComponent("none.db").path]).status == 2)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("none.db").path))

        let reopened = try await SQLStore.openSQLite(path: db)
        let record = try #require(try await reopened.key(hash: KeyHash(of: key)))
        let events = try await reopened.auditEvents(subjectID: record.id.description, limit: 10)
        try await reopened.close()
        #expect(record.scopes == [Scope.admin] && record.state == .active)
        let event = try #require(events.first)
        #expect(event.action == "admin.recovered")
        #expect(!event.details.values.contains(.string(key)))

        let server = try ServerProcess(database: db)
        #expect(try keyward(["keys", "list"], environment: ["KEYWARD_ADDR": server.address, "KEYWARD_TOKEN": key]).status == 0)
        server.stop()
        #expect(!server.log.contains(key))
    }

    @Test("SIGTERM flushes usage counted since the last flush")
    func sigtermFlushesUsage() async throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("keyward.db").path
        let config = directory.appendingPathComponent("keyward.yml")
        // A long flush interval, so that only the shutdown flush can have written the counts.
        try "usage_flush_ms: 60000\n".write(to: config, atomically: true, encoding: .utf8)
        let admin = try #require(try keyward(["init", "--db", db, "--json"]).object["admin_key"] as? String)
        let server = try ServerProcess(database: db, extraArguments: ["--config", config.path])
        let client = try KeywardClient(baseURL: server.address, token: admin)
        let issued = try await client.createKey(IssueRequest(name: "u", owner: "o"))
        for _ in 0..<9 { #expect(try await client.verify(key: issued.key).valid) }
        #expect(server.stop(signal: SIGTERM) == 0)
        #expect(server.log.contains("usage flushed at shutdown"))
        let store = try await SQLStore.openSQLite(path: db)
        let id = try #require(KeyID(issued.object.id))
        let record = try #require(try await store.key(id: id))
        try await store.close()
        #expect(record.useCount == 9)
        #expect(record.lastUsedAt != nil)
    }

    @Test("SIGKILL during a stream of creates and revokes loses no acknowledged change")
    func sigkillLosesNothingAcknowledged() async throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("keyward.db").path
        let admin = try #require(try keyward(["init", "--db", db, "--json"]).object["admin_key"] as? String)
        let server = try ServerProcess(database: db)
        let client = try KeywardClient(baseURL: server.address, token: admin, timeoutSeconds: 5)
        let acknowledged = AcknowledgedChanges()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var index = 0
                    while true {
                        do {
                            let issued = try await client.createKey(IssueRequest(name: "w\(worker)-\(index)", owner: "stream"))
                            acknowledged.created(issued.object.id)
                            if index % 2 == 0 {
                                _ = try await client.revoke(id: issued.object.id, reason: "stream")
                                acknowledged.revoked(issued.object.id)
                            }
                        } catch {
                            return  // the server is gone
                        }
                        index += 1
                    }
                }
            }
            group.addTask {
                while acknowledged.count < 200 { try await Task.sleep(for: .milliseconds(5)) }
                server.stop(signal: SIGKILL)
            }
            try await group.waitForAll()
        }
        let (created, revoked) = acknowledged.snapshot
        #expect(created.count >= 200)
        let store = try await SQLStore.openSQLite(path: db)
        for id in created {
            let keyID = try #require(KeyID(id))
            let record = try await store.key(id: keyID)
            #expect(record != nil, "acknowledged key \(id) was lost")
            if revoked.contains(id) { #expect(record?.state == .revoked, "acknowledged revocation of \(id) was lost") }
        }
        let chain = try await store.verifyAuditChain()
        #expect(chain.problem == nil)
        #expect(chain.eventCount >= Int64(created.count + revoked.count))
        try await store.close()
    }
}

final class AcknowledgedChanges: Sendable {
    private let state = Mutex<(created: [String], revoked: Set<String>)>(([], []))
    func created(_ id: String) { state.withLock { $0.created.append(id) } }
    func revoked(_ id: String) { state.withLock { _ = $0.revoked.insert(id) } }
    var count: Int { state.withLock { $0.created.count } }
    var snapshot: ([String], Set<String>) { state.withLock { ($0.created, $0.revoked) } }
}

import Synchronization
