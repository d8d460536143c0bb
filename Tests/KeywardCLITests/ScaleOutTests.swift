import Foundation
import KeywardAPI
import KeywardClient
import KeywardCore
import KeywardStore
import KeywardTestSupport
import Synchronization
import SQLKit
import Testing

/// Several `keyward serve` processes on one PostgreSQL database.
/// Needs KEYWARD_TEST_DATABASE_URL (a server where the tests may create databases); the fault
/// test also needs KEYWARD_TEST_PG_STOP and KEYWARD_TEST_PG_START (shell commands).
@Suite("Scale-out on PostgreSQL", .serialized, .timeLimit(.minutes(5)))
struct ScaleOutTests {
    @Test("a revocation through one node is rejected by the other; the drill measures it, passes and is stored",
          .enabled(if: PostgresForTests.adminURL != nil, "PostgreSQL tests skipped: set KEYWARD_TEST_DATABASE_URL to run them"))
    func drillAcrossTwoNodes() async throws {
        try await PostgresForTests.withDatabase { url in
            let directory = try temporaryDirectory()
            let first = try ServerProcess(database: directory.appendingPathComponent("unused.db").path, extraArguments: ["--database-url", url])
            let admin = try #require(first.bootstrapKey)
            let second = try ServerProcess(database: directory.appendingPathComponent("unused.db").path, extraArguments: ["--database-url", url])
            #expect(second.bootstrapKey == nil, "the database is shared: only the first node bootstraps")
            let one = try KeywardClient(baseURL: first.address, token: admin)
            let two = try KeywardClient(baseURL: second.address, token: admin)

            // Issued on one node, valid on the other; revoked on the other, rejected on the first.
            let issued = try await one.createKey(IssueRequest(name: "k", owner: "o"))
            try await eventually { try await two.verify(key: issued.key).code == .valid }
            _ = try await two.revoke(id: issued.object.id, reason: "test")
            try await eventually { try await one.verify(key: issued.key).code == .revoked }

            let drill = try keyward(["drill", "revoke", "--nodes", "\(first.address),\(second.address)", "--rounds", "10", "--slo-ms", "5000", "--json"],
                                    environment: ["KEYWARD_TOKEN": admin])
            #expect(drill.status == 0, "\(drill.stdout) \(drill.stderr)")
            #expect(drill.object["passed"] as? Bool == true)
            let nodes = try #require(drill.object["nodes"] as? [[String: Any]])
            #expect(nodes.count == 2)
            #expect(nodes.allSatisfy { ($0["samples_ms"] as? [Double])?.count == 10 })
            let stored = try await two.drills()
            #expect(stored.drills.first?.id == drill.object["id"] as? String)
            #expect(try await two.auditEvents(limit: 5).events.contains { $0.action == "drill.completed" })

            // An impossible SLO fails the drill with exit code 1.
            let failing = try keyward(["drill", "revoke", "--nodes", first.address, "--rounds", "2", "--slo-ms", "0.001", "--timeout-ms", "5000"],
                                      environment: ["KEYWARD_TOKEN": admin])
            #expect(failing.status == 1)
            #expect(failing.stdout.contains("FAILED"))
            first.stop()
            second.stop()
        }
    }

    @Test("PostgreSQL stops while two nodes serve: no crash, no revoked key answered VALID, both converge",
          .enabled(if: PostgresForTests.faultURL != nil && PostgresForTests.stopCommand != nil && PostgresForTests.startCommand != nil,
                   "PostgreSQL outage test skipped: needs KEYWARD_TEST_FAULT_DATABASE_URL, KEYWARD_TEST_PG_STOP and KEYWARD_TEST_PG_START (a server of its own)"))
    func databaseOutage() async throws {
        try await PostgresForTests.withDatabase(server: PostgresForTests.faultURL) { url in
            let directory = try temporaryDirectory()
            let first = try ServerProcess(database: directory.appendingPathComponent("unused.db").path, extraArguments: ["--database-url", url])
            let admin = try #require(first.bootstrapKey)
            let second = try ServerProcess(database: directory.appendingPathComponent("unused.db").path, extraArguments: ["--database-url", url])
            let clients = try [first, second].map { try KeywardClient(baseURL: $0.address, token: admin, timeoutSeconds: 3) }
            let revoked = try await clients[0].createKey(IssueRequest(name: "revoked", owner: "o"))
            let kept = try await clients[0].createKey(IssueRequest(name: "kept", owner: "o"))
            for client in clients { try await eventually { try await client.verify(key: kept.key).code == .valid } }
            _ = try await clients[0].revoke(id: revoked.object.id, reason: "before the outage")

            let violations = Tally<[String]>([])
            let answers = Tally<[String: Int]>([:])
            let hammering = Task {
                while !Task.isCancelled {
                    for (index, client) in clients.enumerated() {
                        for key in [revoked.key, kept.key] {
                            let label: String
                            do {
                                let answer = try await client.verify(key: key)
                                label = answer.code.rawValue
                                if key == revoked.key, answer.valid { violations.withLock { $0.append("node \(index + 1) answered VALID for a revoked key") } }
                            } catch let ClientError.api(status, _, _) {
                                label = "HTTP \(status)"
                            } catch {
                                label = "unreachable"
                            }
                            answers.withLock { $0[label, default: 0] += 1 }
                        }
                    }
                }
            }
            defer { hammering.cancel() }
            try await Task.sleep(for: .milliseconds(500))
            try PostgresForTests.run(PostgresForTests.stopCommand!)
            try await Task.sleep(for: .seconds(4))
            #expect(answers.withLock { $0["HTTP 503", default: 0] } > 0, "valid keys are answered 503 while nothing can be confirmed: \(answers.withLock { $0 })")
            try PostgresForTests.run(PostgresForTests.startCommand!)
            // Both nodes converge: the kept key verifies again, the revoked one stays revoked.
            for client in clients {
                try await eventually(seconds: 30) { (try? await client.verify(key: kept.key).code) == .valid }
                #expect(try await client.verify(key: revoked.key).code == .revoked)
            }
            // And the feed works again: a new revocation reaches the other node.
            _ = try await clients[1].revoke(id: kept.object.id, reason: "after the outage")
            try await eventually { try await clients[0].verify(key: kept.key).code == .revoked }
            hammering.cancel()
            _ = await hammering.result
            #expect(violations.withLock { $0 }.isEmpty, "\(violations.withLock { $0 })")
            #expect(first.process.isRunning && second.process.isRunning, "no node crashed")
            first.stop()
            second.stop()
        }
    }

    @Test("SIGKILL of a node during a burst of revocations on PostgreSQL loses nothing acknowledged; the other node sees it all",
          .enabled(if: PostgresForTests.adminURL != nil, "PostgreSQL tests skipped: set KEYWARD_TEST_DATABASE_URL to run them"))
    func sigkillDuringRevocations() async throws {
        try await PostgresForTests.withDatabase { url in
            let directory = try temporaryDirectory()
            let first = try ServerProcess(database: directory.appendingPathComponent("unused.db").path, extraArguments: ["--database-url", url])
            let admin = try #require(first.bootstrapKey)
            let second = try ServerProcess(database: directory.appendingPathComponent("unused.db").path, extraArguments: ["--database-url", url])
            let one = try KeywardClient(baseURL: first.address, token: admin, timeoutSeconds: 5)
            let two = try KeywardClient(baseURL: second.address, token: admin, timeoutSeconds: 5)
            var keys: [IssuedKeyObject] = []
            for index in 0..<120 { keys.append(try await one.createKey(IssueRequest(name: "b\(index)", owner: "burst"))) }
            let acknowledged = Tally<[IssuedKeyObject]>([])
            let stoppedWorkers = Tally<[String]>([])
            let toRevoke = keys
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        for index in stride(from: worker, to: toRevoke.count, by: 4) {
                            do {
                                _ = try await one.revoke(id: toRevoke[index].object.id, reason: "burst")
                                acknowledged.withLock { $0.append(toRevoke[index]) }
                            } catch {
                                stoppedWorkers.withLock { $0.append("worker \(worker): \(error)") }
                                return
                            }
                        }
                        stoppedWorkers.withLock { $0.append("worker \(worker): finished") }
                    }
                }
                group.addTask {
                    // Kill mid-burst: after 40 acknowledgements, or when every worker has stopped
                    // (so a failing burst ends the test instead of waiting forever).
                    let deadline = ContinuousClock.now + .seconds(60)
                    while acknowledged.withLock({ $0.count }) < 40, stoppedWorkers.withLock({ $0.count }) < 4, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(2))
                    }
                    first.stop(signal: SIGKILL)
                }
                try await group.waitForAll()
            }
            let done = acknowledged.withLock { $0 }
            #expect(done.count >= 40, "revocations acknowledged before the kill: \(done.count); workers: \(stoppedWorkers.withLock { $0 })")
            for key in done {
                try await eventually { try await two.verify(key: key.key).code == .revoked }
            }
            let audit = try await two.auditEvents(limit: 1000)
            let revokedIDs = Set(audit.events.filter { $0.action == "key.revoked" }.map(\.subjectID))
            #expect(done.allSatisfy { revokedIDs.contains($0.object.id) }, "every acknowledged revocation has its audit event")
            #expect(try await two.verifyAudit().intact)
            second.stop()
        }
    }
}

/// Polls `condition` until it holds (or fails the test after `seconds`).
func eventually(seconds: Double = 10, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("condition did not hold within \(seconds) s")
}

enum PostgresForTests {
    static var adminURL: String? { TestDatabase.postgresURL }
    /// The outage test stops and starts a server: never the one the other PostgreSQL tests use
    /// at the same moment (their queries would hang or fail with it), but a server of its own,
    /// which KEYWARD_TEST_PG_STOP and KEYWARD_TEST_PG_START control.
    static var faultURL: String? { ProcessInfo.processInfo.environment["KEYWARD_TEST_FAULT_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } }
    static var stopCommand: String? { ProcessInfo.processInfo.environment["KEYWARD_TEST_PG_STOP"].flatMap { $0.isEmpty ? nil : $0 } }
    static var startCommand: String? { ProcessInfo.processInfo.environment["KEYWARD_TEST_PG_START"].flatMap { $0.isEmpty ? nil : $0 } }

    /// Runs `body` with the URL of a fresh database, dropped afterwards.
    static func withDatabase(server: String? = adminURL, _ body: (String) async throws -> Void) async throws {
        let admin = try #require(server)
        try await TemporaryPostgresDatabase.with(on: admin, prefix: "keyward_cli_") { database in try await body(database.url) }
    }

    /// Runs a shell command and waits for it with `waitpid` (Foundation's `Process` can wait
    /// forever for a command whose children outlive it, as `pg_ctl start`'s server does).
    ///
    /// The command gets no descriptor of this process but stdin/out/err: a database server
    /// started here outlives the test, and one that inherited the test's pipes and sockets kept
    /// them open, so reads waiting for their end never returned (the run hung).
    static func run(_ command: String) throws {
        var pid: pid_t = 0
        // (glibc's posix_spawn_file_actions_addclosefrom_np is not visible from Swift.)
        let closeInherited = #"for fd in $(ls /proc/$$/fd); do if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null; fi; done; exec /bin/sh -c "$1""#
        let arguments = ["/bin/bash", "-c", closeInherited, "keyward-test", command]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        guard posix_spawn(&pid, "/bin/bash", nil, nil, &argv, environ) == 0 else {
            throw ServerProcessError.didNotStart("cannot run: \(command)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else { throw ServerProcessError.didNotStart("command failed (\(status)): \(command)") }
    }
}

/// A value shared between test tasks.
final class Tally<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ initial: Value) { value = Mutex(initial) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { value.withLock { body(&$0) } }
}
