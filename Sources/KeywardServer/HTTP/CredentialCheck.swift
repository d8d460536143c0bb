import KeywardCore

/// What ``Authenticator/check(header:peer:scope:)`` found out about a request's credential.
///
/// Only ``valid(_:)`` has spent anything: the credential's rate-limit token and one use. Every
/// refusal leaves the key as it was, so that a caller may look again (the verify fast path
/// declines a request and the router checks it once more) without counting twice.
public enum CredentialCheck: Sendable {
    /// No `Authorization` header (401).
    case missing
    /// An `Authorization` header that is not `Bearer <key>` (401).
    case malformedHeader
    /// A bearer token that does not verify, with the verifier's answer (401).
    case invalid(VerificationCode)
    /// A key that verifies but lacks the required scope (403).
    case forbidden
    /// A key that verifies with the required scope. While the index is not current the answer
    /// still needs confirming against the store (``IndexConfirmation``).
    case valid(Verifier.Outcome)
}

/// A scope a request's credential must carry (`keyward:admin` grants every `keyward:` scope),
/// prepared once, as the verifier's list of required scopes, so that no check allocates.
public struct RequiredScope: Sendable {
    public let name: String
    let list: [[UInt8]]

    public init(_ name: String) {
        self.name = name
        self.list = [Array(name.utf8)]
    }

    static let verify = RequiredScope(Scope.verify)
    static let read = RequiredScope(Scope.read)
}
