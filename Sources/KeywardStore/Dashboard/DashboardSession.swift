import KeywardCore

/// A signed-in dashboard user, as stored: the session token is known only by its hash. Its CSRF
/// token is not stored: it is derived from the master key and the token's hash when needed.
public struct DashboardSession: Sendable, Equatable {
    /// SHA-256 (hex) of the session token the browser holds in its cookie.
    public var tokenHash: String
    /// The keyward credential that signed in.
    public var keyID: KeyID
    public var keyHash: KeyHash
    /// The credential's scopes at sign-in; each request re-reads them from the verify index.
    public var scopes: [String]
    public var createdAt: Timestamp
    public var expiresAt: Timestamp

    public init(tokenHash: String, keyID: KeyID, keyHash: KeyHash, scopes: [String], createdAt: Timestamp, expiresAt: Timestamp) {
        self.tokenHash = tokenHash
        self.keyID = keyID
        self.keyHash = keyHash
        self.scopes = scopes
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
