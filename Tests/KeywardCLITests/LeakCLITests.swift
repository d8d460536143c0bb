import Crypto
import Foundation
import KeywardAPI
import KeywardClient
import KeywardCore
import Testing

/// Leak intake end to end: real `keyward serve` processes, real HTTP, real signatures.
@Suite("Leak intake against live servers", .serialized, .timeLimit(.minutes(2)))
struct LeakCLITests {
    static let secret = "cli-leak-report-secret-0123456789abcdef0123"

    /// A P-256 key pair standing in for GitHub's, and its public-keys file.
    struct Signer {
        let key = P256.Signing.PrivateKey()
        let identifier = "test-github-key-1"

        func writeDocument(to url: URL) throws {
            let document: [String: Any] = ["public_keys": [["key_identifier": identifier, "key": key.publicKey.pemRepresentation, "is_current": true]]]
            try JSONSerialization.data(withJSONObject: document).write(to: url)
        }

        func alert(_ tokens: [String], url: String) throws -> (body: [UInt8], headers: [(String, String)]) {
            let items = tokens.map { ["token": $0, "type": "keyward_api_key", "url": url, "source": "commit"] }
            let body = Array(try JSONSerialization.data(withJSONObject: items))
            let signature = try key.signature(for: body).derRepresentation.base64EncodedString()
            return (body, [("Github-Public-Key-Identifier", identifier), ("Github-Public-Key-Signature", signature)])
        }
    }

    @Test("a GitHub-signed alert and keyward scan --report-to revoke keys on a live server; nothing leaks into its log")
    func liveSQLite() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let signer = Signer()
        let keysFile = directory.appendingPathComponent("github-keys.json")
        try signer.writeDocument(to: keysFile)
        let server = try ServerProcess(
            database: directory.appendingPathComponent("keyward.db").path, extraArguments: ["--github-keys", keysFile.path],
            environment: ["KEYWARD_LEAK_REPORT_SECRET": Self.secret]
        )
        let admin = try #require(server.bootstrapKey)
        let client = try KeywardClient(baseURL: server.address, token: admin)
        let fromGitHub = try await client.createKey(IssueRequest(name: "github leak", owner: "team-a"))
        let fromScan = try await client.createKey(IssueRequest(name: "scan leak", owner: "team-b"))

        // Unsigned: refused, nothing revoked.
        let (body, headers) = try signer.alert([fromGitHub.key], url: "https://github.com/o/r/commit/abc")
        let unsigned = try await client.postLeak("/v1/leaks/github", body: body, headers: [])
        #expect(unsigned.status == 401)
        #expect(try await client.verify(key: fromGitHub.key).code == .valid)

        let answer = try await client.postLeak("/v1/leaks/github", body: body, headers: headers)
        let feedback = try answer.feedback()
        #expect(feedback.map(\.label) == ["true_positive"])
        #expect(feedback.first?.tokenHash == KeyHash(of: fromGitHub.key).hex)
        #expect(try await client.verify(key: fromGitHub.key).code == .revoked)

        // The scanner in CI: finds the key in a file and reports its hash with the shared secret.
        let repository = directory.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
        try "API_KEY=\(fromScan.key)\n".write(to: repository.appendingPathComponent("settings.env"), atomically: true, encoding: .utf8)
        let scan = try keyward(["scan", repository.path, "--no-inventory", "--no-progress", "--report-to", server.address],
                               environment: ["KEYWARD_LEAK_REPORT_SECRET": Self.secret])
        #expect(scan.status == 1, "findings reported: \(scan.stderr)")
        #expect(scan.stderr.contains("1 revoked") && scan.stderr.contains(fromScan.object.id), "\(scan.stderr)")
        #expect(try await client.verify(key: fromScan.key).code == .revoked)
        let wrongSecret = try keyward(["scan", repository.path, "--no-inventory", "--no-progress", "--report-to", server.address],
                                      environment: ["KEYWARD_LEAK_REPORT_SECRET": "a-different-secret-of-enough-length-0000"])
        #expect(wrongSecret.status == 2, "a refused report fails the scan: \(wrongSecret.stderr)")
        #expect(wrongSecret.stderr.contains("401"))

        let events = try await client.auditEvents(limit: 100).events.filter { $0.action == "key.leaked" }
        #expect(Set(events.map(\.subjectID)) == [fromGitHub.object.id, fromScan.object.id])
        #expect(Set(events.compactMap { $0.details["reporter"]?.stringValue }) == ["github", "keyward-scan"])
        #expect(events.first { $0.subjectID == fromScan.object.id }?.details["url"]?.stringValue?.hasSuffix("settings.env:1:9") == true)
        #expect(try await client.verifyAudit().intact)
        server.stop()
        #expect(server.log.contains("leak report"))
        for secret in [fromGitHub.key, fromScan.key, Self.secret] {
            #expect(!server.log.contains(secret), "the server log must not hold a key or the report secret")
            #expect(!scan.stdout.contains(secret) && !scan.stderr.contains(secret))
        }
    }

    @Test("serve refuses an unusable public-keys file or a short report secret")
    func badConfiguration() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = directory.appendingPathComponent("keys.json")
        try "{\"public_keys\":[{\"key_identifier\":\"x\",\"key\":\"not pem\"}]}".write(to: bad, atomically: true, encoding: .utf8)
        let result = try keyward(["serve", "--db", directory.appendingPathComponent("k.db").path, "--port", "0", "--github-keys", bad.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("not a PEM P-256 public key"), "\(result.stderr)")
        let short = try keyward(["serve", "--db", directory.appendingPathComponent("k.db").path, "--port", "0"],
                                environment: ["KEYWARD_LEAK_REPORT_SECRET": "short"])
        #expect(short.status != 0)
        #expect(short.stderr.contains("32-1024 bytes") && !short.stderr.contains("short\n"), "\(short.stderr)")
    }

    @Test("two nodes on PostgreSQL: an alert to one node revokes the key on the other",
          .enabled(if: PostgresForTests.adminURL != nil, "PostgreSQL tests skipped: set KEYWARD_TEST_DATABASE_URL to run them"))
    func twoNodes() async throws {
        try await PostgresForTests.withDatabase { url in
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let signer = Signer()
            let keysFile = directory.appendingPathComponent("github-keys.json")
            try signer.writeDocument(to: keysFile)
            let arguments = ["--database-url", url, "--github-keys", keysFile.path]
            let first = try ServerProcess(database: directory.appendingPathComponent("unused.db").path, extraArguments: arguments)
            let admin = try #require(first.bootstrapKey)
            let second = try ServerProcess(database: directory.appendingPathComponent("unused.db").path, extraArguments: arguments)
            let one = try KeywardClient(baseURL: first.address, token: admin)
            let two = try KeywardClient(baseURL: second.address, token: admin)
            let issued = try await one.createKey(IssueRequest(name: "k", owner: "o"))
            try await eventually { try await two.verify(key: issued.key).code == .valid }
            let (body, headers) = try signer.alert([issued.key], url: "https://github.com/o/r/blob/x/a.env")
            #expect(try await two.postLeak("/v1/leaks/github", body: body, headers: headers).feedback().map(\.label) == ["true_positive"])
            try await eventually { try await one.verify(key: issued.key).code == .revoked }
            #expect(try await one.auditEvents(limit: 20).events.contains { $0.action == "key.leaked" && $0.subjectID == issued.object.id })
            first.stop()
            second.stop()
        }
    }
}
