import Foundation
import Testing

@Suite("CLI: connectors, offline")
struct ConnectorsCLITests {
    static let moto = ProcessInfo.processInfo.environment["KEYWARD_TEST_MOTO_URL"].flatMap { $0.isEmpty ? nil : $0 }

    @Test("connectors list and sync on the database itself; remediation errors are clear; credentials never printed")
    func offline() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("k.db").path
        let config = directory.appendingPathComponent("keyward.yaml")
        let endpoint = Self.moto ?? "http://127.0.0.1:9"
        try """
        connectors:
          - name: aws-test
            kind: aws-iam
            endpoint: \(endpoint)
            credentials: env
            actions: [deactivate]
        """.write(to: config, atomically: true, encoding: .utf8)
        #expect(try keyward(["init", "--db", db, "--json"]).status == 0)
        let environment = ["AWS_ACCESS_KEY_ID": "AKIACLITEST000000001", "AWS_SECRET_ACCESS_KEY": "cli-test-secret-value"]
        let list = try keyward(["connectors", "list", "--db", db, "--config", config.path, "--json"], environment: environment)
        #expect(list.status == 0, "\(list.stderr)")
        let connectors = try #require((list.json as? [String: Any])?["connectors"] as? [[String: Any]])
        #expect(connectors.first?["name"] as? String == "aws-test")
        #expect(connectors.first?["credentials"] as? String == "env")

        let missing = try keyward(["inventory", "deactivate", "inv_000000000000000000000000", "--reason", "x", "--db", db, "--config", config.path],
                                  environment: environment)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no inventory record"), "\(missing.stderr)")

        let unknown = try keyward(["connectors", "sync", "nope", "--db", db, "--config", config.path], environment: environment)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no connector with name \"nope\" is configured (configured: aws-test)"), "\(unknown.stderr)")

        guard Self.moto != nil else { return }
        let sync = try keyward(["connectors", "sync", "aws-test", "--db", db, "--config", config.path, "--json"], environment: environment)
        #expect(sync.status == 0, "\(sync.stdout) \(sync.stderr)")
        #expect((sync.json as? [String: Any])?["succeeded"] as? Bool == true)
        #expect(!sync.stdout.contains("cli-test-secret-value") && !sync.stderr.contains("cli-test-secret-value"))
    }
}
