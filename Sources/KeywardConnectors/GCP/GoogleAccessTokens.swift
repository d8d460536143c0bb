import Foundation
import KeywardCore
import Synchronization

/// The connector's own access token: exchanged for a signed JWT at the key file's `token_uri`
/// (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`) and kept until a minute before
/// the `expires_in` Google gave, so a sync of many service accounts asks once.
final class GoogleAccessTokens: Sendable {
    static let scope = "https://www.googleapis.com/auth/cloud-platform"
    static let grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    /// Renew this long before the token expires, so no request carries one that dies in flight.
    static let marginSeconds: Int64 = 60

    let key: GoogleServiceAccountKeyFile
    let http: ConnectorHTTP
    let clock: any WallClock
    private let cached = Mutex<(token: ConnectorSecret, until: Timestamp)?>(nil)

    init(key: GoogleServiceAccountKeyFile, http: ConnectorHTTP, clock: any WallClock) {
        self.key = key
        self.http = http
        self.clock = clock
    }

    /// Forgets the cached token (Google refused it: revoked, or the key was disabled).
    func invalidate() {
        cached.withLock { $0 = nil }
    }

    /// A valid access token, from the cache or a new grant.
    func token() async throws -> ConnectorSecret {
        let now = clock.now()
        if let entry = cached.withLock({ $0 }), now < entry.until { return entry.token }
        let assertion = try GoogleJWT.assertion(key: key, scope: Self.scope, issuedAt: now.millisecondsSinceEpoch / 1000)
        let body = "grant_type=\(RESTJSON.encode(Self.grantType))&assertion=\(assertion)"
        let label = "POST token_uri (JWT grant for \(key.clientEmail))"
        let response = try await http.send(ConnectorRequest(method: "POST", url: key.tokenURI,
                                                            headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                                            body: Array(body.utf8), label: label))
        try RESTJSON.require(response, label: label)
        let answer = try RESTJSON.object(response, label: label)
        guard let token = answer["access_token"] as? String, !token.isEmpty else {
            throw ConnectorError.malformedResponse("\(label): no access_token")
        }
        let lifetime = Int64((answer["expires_in"] as? Int) ?? 3600)
        let entry = (ConnectorSecret(token), now.adding(seconds: max(0, lifetime - Self.marginSeconds)))
        cached.withLock { $0 = entry }
        return entry.0
    }
}
