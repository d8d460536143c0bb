import Crypto
import _CryptoExtras
import Foundation
import Synchronization

/// Google's OAuth 2.0 token endpoint and IAM API v1 as documented: "Using OAuth 2.0 for Server
/// to Server Applications" (developers.google.com/identity/protocols/oauth2/service-account:
/// form POST `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=JWT`, an RS256
/// JWT with `iss`, `scope`, `aud`, `iat`, `exp` ≤ `iat` + 3600 → `{"access_token",
/// "expires_in", "token_type": "Bearer"}`, errors `{"error", "error_description"}`) and the IAM
/// REST reference v1 (cloud.google.com/iam/docs/reference/rest): `projects.serviceAccounts.list`
/// (`pageSize`, `pageToken` → `accounts`, `nextPageToken`), `projects.serviceAccounts.keys.list`
/// (`keyTypes` → `keys`), `keys.get`, `keys.create`, `keys.disable` (`POST …:disable` → `{}`),
/// `keys.delete` (→ `{}`), errors as `google.rpc.Status` `{"error": {"code", "message",
/// "status"}}`, 429 `RESOURCE_EXHAUSTED`. The fake checks each JWT's signature with the
/// service account's public key.
final class FakeGoogle: Sendable {
    struct Key: Sendable {
        var id: String
        var account: String
        var disabled = false
        var type = "USER_MANAGED"
    }

    struct State: Sendable {
        var accounts: [String] = []
        var keys: [Key] = []
        var pageSize = 2
        var injected: [FakeProviderServer.Answer] = []
        var failingAccount: String?
        /// Access tokens issued, with their expiry (epoch seconds).
        var issued: [String: Int] = [:]
        var grants = 0
        var assertions: [String] = []
        var changes: [String] = []
        var created = 0
    }

    static let project = "acme-prod"
    let publicKey: _RSA.Signing.PublicKey
    let clientEmail: String
    let state = Mutex(State())
    private let running = Mutex<FakeProviderServer?>(nil)
    var server: FakeProviderServer { running.withLock { $0! } }

    init(publicKey: _RSA.Signing.PublicKey, clientEmail: String) {
        self.publicKey = publicKey
        self.clientEmail = clientEmail
    }

    static func start(publicKeyPEM: String, clientEmail: String, _ configure: (inout State) -> Void) async throws -> FakeGoogle {
        let fake = FakeGoogle(publicKey: try _RSA.Signing.PublicKey(pemRepresentation: publicKeyPEM), clientEmail: clientEmail)
        fake.state.withLock { configure(&$0) }
        let server = try await FakeProviderServer.start { [fake] seen in fake.handle(seen) }
        fake.running.withLock { $0 = server }
        return fake
    }

    static func error(_ code: Int, _ status: String, _ message: String, headers: [String: String] = [:]) -> FakeProviderServer.Answer {
        .json(code, ["error": ["code": code, "message": message, "status": status] as [String: Any]], headers: headers)
    }

    func handle(_ seen: FakeProviderServer.Seen) -> FakeProviderServer.Answer {
        state.withLock { state in respond(seen, state: &state) }
    }

    func respond(_ seen: FakeProviderServer.Seen, state: inout State) -> FakeProviderServer.Answer {
        if seen.path == "/token", seen.method == "POST" { return grant(seen, state: &state) }
        let now = Int(Date().timeIntervalSince1970)
        let bearer = seen.headers["authorization"] ?? ""
        guard bearer.hasPrefix("Bearer "), let expiry = state.issued[String(bearer.dropFirst(7))], expiry > now else {
            return Self.error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token.")
        }
        if !state.injected.isEmpty { return state.injected.removeFirst() }
        let accountsPath = "/v1/projects/\(Self.project)/serviceAccounts"
        if seen.method == "GET", seen.path == accountsPath { return listAccounts(seen, state: state) }
        guard seen.path.hasPrefix(accountsPath + "/") else { return Self.error(404, "NOT_FOUND", "Requested entity was not found.") }
        let rest: [String] = seen.path.dropFirst(accountsPath.count + 1).split(separator: "/").map(String.init)
        guard rest.count >= 2, rest[1] == "keys", state.accounts.contains(rest[0]) else {
            return Self.error(404, "NOT_FOUND", "Service account projects/\(Self.project)/serviceAccounts/\(rest.first ?? "") does not exist.")
        }
        let account = rest[0]
        if rest.count == 2, seen.method == "GET" {
            if account == state.failingAccount {
                return Self.error(403, "PERMISSION_DENIED", "Permission 'iam.serviceAccountKeys.list' denied on resource (or it may not exist).")
            }
            let types: [String] = seen.query["keyTypes"].map { [$0] } ?? ["USER_MANAGED", "SYSTEM_MANAGED"]
            let keys: [[String: Any]] = state.keys.filter { $0.account == account && types.contains($0.type) }.map { Self.object($0) }
            let answer: [String: Any] = keys.isEmpty ? [:] : ["keys": keys]
            return .json(200, answer)
        }
        if rest.count == 2, seen.method == "POST" {
            state.created += 1
            let suffix = state.created < 10 ? "0\(state.created)" : "\(state.created)"
            let key = Key(id: String(repeating: "c", count: 38) + suffix, account: account)
            state.keys.append(key)
            var object = Self.object(key)
            object["privateKeyData"] = Data("{\"type\":\"service_account\",\"private_key\":\"secret\"}".utf8).base64EncodedString()
            object["privateKeyType"] = "TYPE_GOOGLE_CREDENTIALS_FILE"
            return .json(200, object)
        }
        guard rest.count == 3 else { return Self.error(404, "NOT_FOUND", "Requested entity was not found.") }
        var keyID = rest[2]
        let disabling = keyID.hasSuffix(":disable")
        if disabling { keyID.removeLast(":disable".count) }
        guard let index = state.keys.firstIndex(where: { $0.account == account && $0.id == keyID }) else {
            return Self.error(404, "NOT_FOUND", "Service account key \(keyID) does not exist.")
        }
        if seen.method == "GET", !disabling { return .json(200, Self.object(state.keys[index])) }
        if seen.method == "POST", disabling {
            state.keys[index].disabled = true
            state.changes.append("disable \(keyID)")
            return .json(200, [String: Any]())
        }
        if seen.method == "DELETE", !disabling {
            state.keys.remove(at: index)
            state.changes.append("delete \(keyID)")
            return .json(200, [String: Any]())
        }
        return Self.error(400, "INVALID_ARGUMENT", "Invalid request.")
    }

    func listAccounts(_ seen: FakeProviderServer.Seen, state: State) -> FakeProviderServer.Answer {
        let size = min(Int(seen.query["pageSize"] ?? "20") ?? 20, 100, state.pageSize)
        var start = 0
        if let token = seen.query["pageToken"] {
            guard token.hasPrefix("page-"), let position = Int(token.dropFirst(5)) else { return Self.error(400, "INVALID_ARGUMENT", "Invalid page token.") }
            start = position
        }
        let slice = Array(state.accounts.dropFirst(start).prefix(size))
        var accounts: [[String: Any]] = []
        for email in slice {
            let display = String(email.split(separator: "@").first ?? "")
            accounts.append(["name": "projects/\(Self.project)/serviceAccounts/\(email)", "projectId": Self.project, "email": email,
                             "uniqueId": String(100_000_000_000 + email.utf8.count), "displayName": display])
        }
        var answer: [String: Any] = ["accounts": accounts]
        if start + size < state.accounts.count { answer["nextPageToken"] = "page-\(start + size)" }
        return .json(200, answer)
    }

    /// The JWT bearer grant: checks the assertion's signature, claims and lifetime.
    func grant(_ seen: FakeProviderServer.Seen, state: inout State) -> FakeProviderServer.Answer {
        func refuse(_ description: String) -> FakeProviderServer.Answer {
            .json(400, ["error": "invalid_grant", "error_description": description])
        }
        let form = seen.form
        guard form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer", let assertion = form["assertion"] else {
            return .json(400, ["error": "unsupported_grant_type", "error_description": "Invalid grant_type"])
        }
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let header = Self.decode(parts[0]), let claims = Self.decode(parts[1]), let signature = Self.bytes(parts[2]) else {
            return refuse("Invalid JWT: malformed")
        }
        let signed = Array("\(parts[0]).\(parts[1])".utf8)
        guard header["alg"] as? String == "RS256",
              publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: signed, padding: .insecurePKCS1v1_5) else {
            return refuse("Invalid JWT Signature.")
        }
        guard claims["iss"] as? String == clientEmail, claims["aud"] as? String == "\(seen.base)/token",
              claims["scope"] as? String == "https://www.googleapis.com/auth/cloud-platform",
              let iat = claims["iat"] as? Int, let exp = claims["exp"] as? Int, exp > iat, exp - iat <= 3600 else {
            return refuse("Invalid JWT: claims")
        }
        state.grants += 1
        state.assertions.append(assertion)
        let token = "ya29.fake-\(state.grants)"
        state.issued[token] = Int(Date().timeIntervalSince1970) + 3599
        return .json(200, ["access_token": token, "expires_in": 3599, "token_type": "Bearer"])
    }

    static func bytes(_ base64URL: String) -> [UInt8]? {
        var text = base64URL.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return Data(base64Encoded: text).map(Array.init)
    }

    static func decode(_ part: String) -> [String: Any]? {
        bytes(part).flatMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
    }

    static func object(_ key: Key) -> [String: Any] {
        [
            "name": "projects/\(project)/serviceAccounts/\(key.account)/keys/\(key.id)", "validAfterTime": "2026-03-01T10:00:00Z",
            "validBeforeTime": "9999-12-31T23:59:59Z", "keyAlgorithm": "KEY_ALG_RSA_2048", "keyOrigin": "GOOGLE_PROVIDED",
            "keyType": key.type, "disabled": key.disabled,
        ]
    }
}
