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

    var csrfToken: String { session.csrfToken }
    var keyID: String { session.keyID.description }
}
