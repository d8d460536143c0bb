import HTTPTypes
import Hummingbird
import KeywardCore
import KeywardStore
import NIOCore

/// Renders dashboard pages in-process exactly as the server does for a signed-in administrator
/// (same handlers, same SQL, same templates), minus HTTP and the session lookup: what
/// `keyward bench dashboard` times.
public struct DashboardProbe: Sendable {
    let dashboard: Dashboard
    let user: DashboardUser

    public init(node: KeywardNode) throws {
        dashboard = try Dashboard(node: node)
        let now = node.clock.now()
        let session = DashboardSession(
            tokenHash: String(repeating: "0", count: 64), keyID: KeyID.random(), keyHash: KeyHash(of: "bench"), scopes: [Scope.admin],
            createdAt: now, expiresAt: now.adding(seconds: 3600))
        user = DashboardUser(session: session, principal: Principal(id: session.keyID.description, scopes: [Scope.admin]), owner: "bench",
                             canWrite: true, csrfToken: DashboardSessions.csrfToken(for: session, keyring: node.store.keyring))
    }

    /// Drops the cached finding counts, so the next overview counts as after a change.
    public func forgetCachedCounts() { dashboard.findingCounts.forget() }

    /// Renders `/ui/` or `/ui/inventory?…` and returns the status and the page's size in bytes.
    public func render(_ target: String) async throws -> (status: Int, bytes: Int) {
        let request = Request(head: HTTPRequest(method: .get, scheme: "http", authority: "bench", path: target), body: RequestBody(buffer: ByteBuffer()))
        let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target
        let response: Response
        switch path {
        case "/ui/", "/ui": response = try await dashboard.overview(request, user: user)
        case "/ui/inventory": response = try await dashboard.inventory(request, user: user)
        default: throw KeywardError.invalidArgument("the probe renders /ui/ and /ui/inventory, not \(path)")
        }
        return (Int(response.status.code), response.body.contentLength ?? 0)
    }
}
