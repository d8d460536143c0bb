import Foundation
import Synchronization
import KeywardCore
import KeywardStore
import KeywardTestSupport
import Testing

struct Boom: Error {}

/// Tells a background loop to stop after its current step (cancellation could interrupt a write half-way).
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}

@Suite("SQLite store")
struct KeyStoreTests {
    @Test("a migrated file reopens without re-applying migrations, and keeps its data")
    func reopen() async throws {
        let fixture = try await StoreFixture.make()
        let issued = try await fixture.service.issue(IssueRequest(name: "a", owner: "o", scopes: ["x"], meta: ["team": "pay"]), by: fixture.admin)
        try await fixture.store.close()
        let reopened = try await SQLStore.openSQLite(path: fixture.path)
        let record = try #require(try await reopened.key(id: issued.record.id))
        #expect(record == issued.record)
        #expect(try await reopened.key(hash: issued.plaintext.hash)?.id == issued.record.id)
        #expect(try await reopened.keyCount() == 1)
        try await reopened.close()
        try? FileManager.default.removeItem(at: fixture.directory)
    }

    @Test("the file is in WAL mode and holds only hashes, never plaintext")
    func noPlaintextOnDisk() async throws {
        let fixture = try await StoreFixture.make()
        var secrets: [String] = []
        for index in 0..<20 {
            let issued = try await fixture.service.issue(IssueRequest(name: "k\(index)", owner: "o"), by: fixture.admin)
            secrets.append(issued.plaintext.reveal())
            _ = try await fixture.service.rotate(id: issued.record.id, graceSeconds: 10, by: fixture.admin)
        }
        let mode = try await fixture.store.backend.read { db in
            try await db.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
        }
        #expect(mode == "wal")
        try await fixture.store.close()
        var bytes = Data()
        for suffix in ["", "-wal", "-shm"] {
            if let data = FileManager.default.contents(atPath: fixture.path + suffix) { bytes.append(data) }
        }
        for secret in secrets {
            #expect(bytes.range(of: Data(secret.utf8)) == nil)
            #expect(bytes.range(of: Data(secret.suffix(38).utf8)) == nil)
        }
        try? FileManager.default.removeItem(at: fixture.directory)
    }

    @Test("list filters by owner, environment and status, and pages with cursors", arguments: TestDatabase.available)
    func listing(kind: TestDatabase) async throws {
        try await StoreFixture.with(kind) { fixture in
            for index in 0..<25 {
                _ = try await fixture.service.issue(
                    IssueRequest(name: "k\(index)", owner: index % 2 == 0 ? "even" : "odd", environment: index % 5 == 0 ? "test" : "live",
                                 ttlSeconds: index < 3 ? 60 : nil),
                    by: fixture.admin
                )
            }
            var seen: [KeyID] = []
            var cursor: String?
            repeat {
                let page = try await fixture.service.list(KeyFilter(owner: "even", limit: 4, cursor: cursor))
                #expect(page.keys.allSatisfy { $0.owner == "even" })
                seen += page.keys.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen.count == 13)
            #expect(Set(seen).count == 13)
            #expect(try await fixture.service.list(KeyFilter(environment: "test", limit: 100)).keys.count == 5)
            fixture.clock.advance(seconds: 61)
            #expect(try await fixture.service.list(KeyFilter(status: .expired, limit: 100)).keys.count == 3)
            #expect(try await fixture.service.list(KeyFilter(status: .active, limit: 100)).keys.count == 22)
            await #expect(throws: KeywardError.self) { try await fixture.service.list(KeyFilter(limit: 0)) }
            await #expect(throws: KeywardError.self) { try await fixture.service.list(KeyFilter(cursor: "garbage")) }
        }
    }

    @Test("every change writes its audit event and the chain verifies", arguments: TestDatabase.available)
    func auditPerChange(kind: TestDatabase) async throws {
        try await StoreFixture.with(kind) { fixture in
            let service = fixture.service
            let a = try await service.issue(IssueRequest(name: "a", owner: "alice"), by: fixture.admin)
            let rotation = try await service.rotate(id: a.record.id, graceSeconds: 30, by: fixture.admin)
            _ = try await service.setDisabled(id: rotation.successor.record.id, true, by: fixture.admin)
            _ = try await service.setDisabled(id: rotation.successor.record.id, false, by: fixture.admin)
            _ = try await service.revoke(id: rotation.successor.record.id, reason: "done", by: fixture.admin)
            _ = try await service.revoke(id: rotation.successor.record.id, reason: "again", by: fixture.admin)  // no-op
            _ = try await service.issue(IssueRequest(name: "b", owner: "alice"), by: fixture.admin)
            let bulk = try await service.revokeAll(owner: "alice", reason: "left", by: fixture.admin)
            #expect(bulk.count == 2, "the rotating key and b; the revoked successor is skipped")
            let actions = try await fixture.store.auditEvents(limit: 100).reversed().map(\.action)
            #expect(actions == [
                "key.created", "key.created", "key.rotated", "key.disabled", "key.enabled", "key.revoked", "key.created",
                "key.revoked", "key.revoked", "keys.revoked_by_owner",
            ])
            let verification = try await fixture.store.verifyAuditChain()
            #expect(verification.problem == nil)
            #expect(verification.eventCount == 10)
            #expect(try await fixture.store.auditEvents(subjectID: a.record.id.description).count == 3)
        }
    }

    @Test("a failed transaction leaves neither the change nor its audit event", arguments: TestDatabase.available)
    func atomicity(kind: TestDatabase) async throws {
        try await StoreFixture.with(kind) { fixture in
            do {
                try await fixture.store.backend.write { db -> Void in
                    try await db.raw("INSERT INTO settings (name, value) VALUES ('x', 'y')").run()
                    throw Boom()
                }
                Issue.record("the write should have failed")
            } catch is Boom {}
            let setting = try await fixture.store.setting("x")
            #expect(setting == nil)
            // A rotation of an unknown key fails before writing anything.
            await #expect(throws: KeywardError.self) { try await fixture.service.rotate(id: .random(), graceSeconds: 1, by: fixture.admin) }
            let events = try await fixture.store.auditEvents()
            #expect(events.isEmpty)
        }
    }

    @Test("a transaction that throws is rolled back and ends, so the connection serves the next one", arguments: TestDatabase.available)
    func transactionEnds(kind: TestDatabase) async throws {
        try await StoreFixture.with(kind) { fixture in
            let backend = fixture.store.backend
            for _ in 0..<2 {
                await #expect(throws: Boom.self) {
                    try await backend.read { db -> Void in
                        _ = try await db.raw("SELECT COUNT(*) AS n FROM settings").all()
                        throw Boom()
                    }
                }
                await #expect(throws: Boom.self) {
                    try await backend.write { db -> Void in
                        try await db.raw("INSERT INTO settings (name, value) VALUES ('x', 'y')").run()
                        throw Boom()
                    }
                }
            }
            let written = try await backend.write { db -> String in
                try await db.raw("INSERT INTO settings (name, value) VALUES ('x', 'z')").run()
                return "done"
            }
            #expect(written == "done")
            let value = try await backend.read { db in
                try await db.raw("SELECT value FROM settings WHERE name = 'x'").first()?.decode(column: "value", as: String.self)
            }
            #expect(value == "z")
        }
    }

    @Test("tampering is found at the first bad event", arguments: [
        ("UPDATE audit_events SET details = '{\"name\":\"x\"}' WHERE seq = 3", Int64(3)),
        ("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2", 2),
        ("DELETE FROM audit_events WHERE seq = 4", 5),
        ("UPDATE audit_events SET seq = seq + 100 WHERE seq = 2", 3),
        ("DELETE FROM audit_events WHERE seq = 6", 6),
        ("UPDATE audit_events SET occurred_at = occurred_at + 1 WHERE seq = 1", 1),
    ])
    func tampering(sql: String, firstBad: Int64) async throws {
        for kind in TestDatabase.available {
        try await StoreFixture.with(kind) { fixture in
            for index in 0..<6 {
                _ = try await fixture.service.issue(IssueRequest(name: "k\(index)", owner: "o"), by: fixture.admin)
            }
            #expect(try await fixture.store.verifyAuditChain().problem == nil)
            try await fixture.tamper(sql)
            let problem = try #require(try await fixture.store.verifyAuditChain().problem)
            #expect(problem.sequence == firstBad, "\(problem)")
        }
        }
    }

    @Test("a chain verified while events are appended is reported intact", arguments: TestDatabase.available)
    func verifyWhileAppending(kind: TestDatabase) async throws {
        try await StoreFixture.with(kind) { fixture in
            let store = fixture.store
            _ = try await store.appendAudit([AuditDraft(actor: "test", action: "test.seed", subjectKind: "test", subjectID: "seed")], at: Timestamp(secondsSinceEpoch: 2_000_000_000))
            let done = StopFlag()
            let appends = 300
            let appender = Task {
                defer { done.set() }
                for index in 0..<appends {
                    _ = try await store.appendAudit([AuditDraft(actor: "test", action: "test.append", subjectKind: "test", subjectID: "e\(index)")], at: Timestamp(secondsSinceEpoch: 2_000_000_000))
                }
            }
            // Small pages widen the window between reading the events and reading the head.
            var verifications = 0
            while !done.isSet {
                let verification = try await store.verifyAuditChain(pageSize: 3)
                #expect(verification.problem == nil, "\(verification.problem.map(String.init(describing:)) ?? "")")
                verifications += 1
            }
            try await appender.value
            print("verified the chain \(verifications) times while \(appends) events were appended")
            let final = try await store.verifyAuditChain()
            #expect(final.problem == nil && final.eventCount == Int64(appends + 1))
        }
    }

    @Test("more stores on one file than there are cores write at once without waiting out the busy timeout")
    func storesSharingAFile() async throws {
        let fixture = try await StoreFixture.make()
        // Each waiting writer sleeps in SQLite's busy handler on a thread; with one pool for the
        // process, as many waiters as cores would leave the lock holder no thread to commit on.
        let count = ProcessInfo.processInfo.activeProcessorCount + 2
        var stores = [fixture.store]
        for _ in 1..<count { stores.append(try await SQLStore.openSQLite(path: fixture.path)) }
        var failure: (any Error)?
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, store) in stores.enumerated() {
                    group.addTask {
                        for round in 0..<20 {
                            let draft = AuditDraft(actor: "store\(index)", action: "test.write", subjectKind: "test", subjectID: "\(round)")
                            _ = try await store.appendAudit([draft], at: Timestamp(secondsSinceEpoch: 2_000_000_000))
                        }
                    }
                }
                try await group.waitForAll()
            }
        } catch {
            failure = error
        }
        #expect(failure == nil, "\(String(describing: failure))")
        let verification = try await fixture.store.verifyAuditChain()
        #expect(verification.problem == nil && verification.eventCount == Int64(count * 20))
        for store in stores { try await store.close() }
        try? FileManager.default.removeItem(at: fixture.directory)
    }

    @Test("bootstrap happens once per database", arguments: TestDatabase.available)
    func bootstrapOnce(kind: TestDatabase) async throws {
        try await StoreFixture.with(kind) { fixture in
            let admin = try #require(try await fixture.service.bootstrapAdmin())
            #expect(try await fixture.service.bootstrapAdmin() == nil)
            let record = try #require(try await fixture.store.key(hash: admin.hash))
            #expect(record.scopes == [Scope.admin])
            #expect(try await fixture.store.auditEvents().first?.action == "admin.bootstrapped")
        }
    }

    @Test("usage deltas add up across flushes and last use only moves forward", arguments: TestDatabase.available)
    func usage(kind: TestDatabase) async throws {
        try await StoreFixture.with(kind) { fixture in
            let a = try await fixture.service.issue(IssueRequest(name: "a", owner: "o"), by: fixture.admin)
            let b = try await fixture.service.issue(IssueRequest(name: "b", owner: "o"), by: fixture.admin)
            let t1 = Timestamp(secondsSinceEpoch: 2_000_000_000)
            try await fixture.store.recordUsage([UsageDelta(keyID: a.record.id, uses: 5, lastUsedAt: t1), UsageDelta(keyID: b.record.id, uses: 1, lastUsedAt: t1)])
            try await fixture.store.recordUsage([UsageDelta(keyID: a.record.id, uses: 2, lastUsedAt: t1.adding(seconds: -100))])
            let stored = try #require(try await fixture.store.key(id: a.record.id))
            #expect(stored.useCount == 7)
            #expect(stored.lastUsedAt == t1)
            #expect(try await fixture.store.key(id: b.record.id)?.useCount == 1)
            // Many keys in one flush (several statements of 300 rows).
            var many: [UsageDelta] = []
            for index in 0..<700 {
                let issued = try await fixture.service.issue(IssueRequest(name: "m\(index)", owner: "bulk"), by: fixture.admin)
                many.append(UsageDelta(keyID: issued.record.id, uses: Int64(index + 1), lastUsedAt: t1))
            }
            try await fixture.store.recordUsage(many)
            let page = try await fixture.service.list(KeyFilter(owner: "bulk", limit: 1000))
            #expect(page.keys.map(\.useCount).reduce(0, +) == Int64(700 * 701 / 2))
        }
    }

    @Test("concurrent writers are serialised without losing a change", arguments: TestDatabase.available)
    func concurrentWrites(kind: TestDatabase) async throws {
        try await StoreFixture.with(kind) { fixture in
            let service = fixture.service
            let admin = fixture.admin
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask { _ = try await service.issue(IssueRequest(name: "c\(index)", owner: "o"), by: admin) }
                }
                try await group.waitForAll()
            }
            #expect(try await fixture.store.keyCount() == 50)
            let verification = try await fixture.store.verifyAuditChain()
            #expect(verification.problem == nil && verification.eventCount == 50)
        }
    }
}
