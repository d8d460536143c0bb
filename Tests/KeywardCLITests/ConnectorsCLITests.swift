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

@Suite("CLI: scan --revoke deactivates leaked AWS keys", .enabled(if: ConnectorsCLITests.moto != nil, "KEYWARD_TEST_MOTO_URL is not set"))
struct ScanDeactivatesAWSKeysTests {
    /// Runs python3 with boto3 against moto; prints what the script prints.
    static func python(_ script: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static let client = "import boto3, sys; iam = boto3.client('iam', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='y'); "

    @Test("a synced AWS key found with its secret in a file is Inactive at AWS after scan --revoke; an id alone is left alone")
    func leakedPairIsDeactivated() throws {
        let moto = ConnectorsCLITests.moto!
        let user = "leaky-\(UInt32.random(in: 0...UInt32.max))"
        let made = try Self.python(Self.client + "iam.create_user(UserName=sys.argv[2]); k = [iam.create_access_key(UserName=sys.argv[2])['AccessKey'] for _ in range(2)]; "
                                   + "print(k[0]['AccessKeyId'], k[0]['SecretAccessKey'], k[1]['AccessKeyId'])", [moto, user])
        let parts = made.split(separator: " ").map(String.init)
        try #require(parts.count == 3, "\(made)")
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("k.db").path
        let config = directory.appendingPathComponent("keyward.yaml")
        try "connectors:\n  - {name: aws-test, kind: aws-iam, endpoint: \"\(moto)\", credentials: env, actions: [deactivate]}\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let environment = ["AWS_ACCESS_KEY_ID": "AKIACLITEST000000001", "AWS_SECRET_ACCESS_KEY": "cli-test-secret-value", "KEYWARD_CONFIG": config.path]
        #expect(try keyward(["init", "--db", db, "--json"], environment: environment).status == 0)
        #expect(try keyward(["connectors", "sync", "aws-test", "--db", db], environment: environment).status == 0)
        let leaks = directory.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: leaks, withIntermediateDirectories: true)
        try "[default]\naws_access_key_id = \(parts[0])\naws_secret_access_key = \(parts[1])\n".write(to: leaks.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
        try "deploy_key_id: \(parts[2])\n".write(to: leaks.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let scan = try keyward(["scan", leaks.path, "--revoke", "--db", db], environment: environment)
        #expect(scan.stderr.contains("through connector aws-test"), "\(scan.stderr)")
        #expect(!scan.stderr.contains(parts[1]) && !scan.stdout.contains(parts[1]))
        let states = try Self.python(Self.client + "print(' '.join(k['AccessKeyId'] + '=' + k['Status'] for k in sorted(iam.list_access_keys(UserName=sys.argv[2])['AccessKeyMetadata'], key=lambda k: k['AccessKeyId'])))",
                                     [moto, user])
        #expect(states.contains("\(parts[0])=Inactive"), "\(states)")
        #expect(states.contains("\(parts[2])=Active"), "\(states)")
    }
}
