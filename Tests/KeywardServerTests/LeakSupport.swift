import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import KeywardCore
import KeywardServer
import KeywardSettings
import KeywardStore
import KeywardTestSupport

/// A stand-in for GitHub's secret-scanning signer: a P-256 key pair made by the test, its
/// public-keys document, and the headers GitHub would send.
struct GitHubSigner {
    let key = P256.Signing.PrivateKey()
    let identifier: String

    init(identifier: String = "key-\(UUID().uuidString.prefix(8))") {
        self.identifier = identifier
    }

    /// `{"public_keys":[…]}` listing these signers, the first marked current.
    static func document(_ signers: [GitHubSigner]) -> String {
        let entries = signers.enumerated().map { index, signer -> [String: Any] in
            ["key_identifier": signer.identifier, "key": signer.key.publicKey.pemRepresentation, "is_current": index == 0]
        }
        let data = try! JSONSerialization.data(withJSONObject: ["public_keys": entries])
        return String(decoding: data, as: UTF8.self)
    }

    func signature(_ body: [UInt8]) throws -> String {
        try key.signature(for: body).derRepresentation.base64EncodedString()
    }

    func headers(_ body: [UInt8], identifier: String? = nil) throws -> HTTPFields {
        var fields = HTTPFields()
        fields[HTTPFields.Element.Name("Github-Public-Key-Identifier")!] = identifier ?? self.identifier
        fields[HTTPFields.Element.Name("Github-Public-Key-Signature")!] = try signature(body)
        fields[.contentType] = "application/json"
        return fields
    }
}

/// GitHub's alert body for the given tokens.
func alertBody(_ tokens: [String], url: String = "https://github.com/octo/app/blob/5f2a/config/prod.env", source: String = "content") -> [UInt8] {
    let items = tokens.map { ["token": $0, "type": "keyward_api_key", "url": url, "source": source] }
    return Array(try! JSONSerialization.data(withJSONObject: items, options: [.withoutEscapingSlashes]))
}

/// The SHA-256 hex GitHub expects as `token_hash`.
func sha256Hex(_ text: String) -> String {
    SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
}

/// A node with leak intake configured (GitHub keys file, report secret), its admin key, and
/// the captured log; the router runs without a socket.
struct LeakFixture {
    static let secret = "leak-report-secret-0123456789abcdef0123456789"
    let node: KeywardNode
    let clock: ManualClock
    let admin: String
    let keysFile: URL
    let log: CapturedLog

    static func withRouter(
        signers: [GitHubSigner], configure: (inout KeywardConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (LeakFixture, any TestClientProtocol) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyward-leaks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let keysFile = directory.appendingPathComponent("github-keys.json")
        try GitHubSigner.document(signers).write(to: keysFile, atomically: true, encoding: .utf8)
        var configuration = KeywardConfiguration()
        configuration.databasePath = directory.appendingPathComponent("keyward.db").path
        configuration.leaks.githubKeysPath = keysFile.path
        configuration.leaks.reportSecrets = [try LeakReportSecret(secret)]
        configure(&configuration)
        let log = CapturedLog()
        let store = try await SQLStore.openSQLite(path: configuration.databasePath)
        let clock = ManualClock(Timestamp(secondsSinceEpoch: 1_800_000_000))
        do {
            let node = try await KeywardNode(store: store, configuration: configuration, clock: clock, logger: log.logger)
            let admin = try await node.keys.bootstrapAdmin()!.reveal()
            let fixture = LeakFixture(node: node, clock: clock, admin: admin, keysFile: keysFile, log: log)
            try await Application(router: KeywardApplication.router(node)).test(.router) { client in try await body(fixture, client) }
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }
}

extension TestClientProtocol {
    func gitHubAlert(_ body: [UInt8], signer: GitHubSigner, identifier: String? = nil) async throws -> Answer {
        try await call(.post, "/v1/leaks/github", token: nil, bytes: body, headers: try signer.headers(body, identifier: identifier))
    }

    /// A signed report (HMAC) with the given timestamp.
    func signedReport(_ body: [UInt8], timestamp: Int64, secret: String = LeakFixture.secret, reporter: String? = "ci-scan") async throws -> Answer {
        var headers = HTTPFields()
        headers[HTTPFields.Element.Name(LeakReportSignature.timestampHeader)!] = String(timestamp)
        headers[HTTPFields.Element.Name(LeakReportSignature.signatureHeader)!] = LeakReportSignature.sign(body, timestamp: timestamp, secret: try LeakReportSecret(secret))
        if let reporter { headers[HTTPFields.Element.Name(LeakReportSignature.reporterHeader)!] = reporter }
        headers[.contentType] = "application/json"
        return try await call(.post, "/v1/leaks/report", token: nil, bytes: body, headers: headers)
    }

    /// The audit events as raw JSON text and decoded objects.
    func auditEvents(_ token: String, limit: Int = 200) async throws -> (text: String, events: [[String: Any]]) {
        let answer = try await call(.get, "/v1/audit?limit=\(limit)", token: token)
        return (answer.text, answer.json["events"] as? [[String: Any]] ?? [])
    }

    func leakFindings(_ token: String) async throws -> (text: String, findings: [[String: Any]]) {
        let answer = try await call(.get, "/v1/findings?rule=leaked-key", token: token)
        return (answer.text, answer.json["findings"] as? [[String: Any]] ?? [])
    }
}
