import KeywardCore
import KeywardStore

/// The person behind a dashboard request: a live session whose credential still verifies.
struct DashboardUser: Sendable {
    let session: DashboardSession
    /// The credential's current scopes (from the verify index, not from sign-in).
    let principal: Principal
    /// The owner of the credential, who answers access reviews.
    let owner: String
    /// keyward:write or keyward:admin. Read-only users see every page but no action.
    let canWrite: Bool

    /// The session's CSRF token (``DashboardSessions/csrfToken(for:keyring:)``).
    let csrfToken: String
    var keyID: String { session.keyID.description }
}
