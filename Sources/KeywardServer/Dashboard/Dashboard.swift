import Hummingbird
import KeywardCore

/// The governance dashboard (issue 7): server-rendered pages under `/ui/`, signed in with a
/// keyward key, acting through the same services as the JSON API (so every change is the same
/// transaction with the same audit event).
///
/// The pages are not part of the JSON API, so they are registered beside ``APIRoute``'s list
/// rather than in it, and the OpenAPI document does not describe them.
struct Dashboard: Sendable {
    let node: KeywardNode
    let renderer: DashboardRenderer
    let sessions: DashboardSessions
    let findingCounts = FindingCountsCache()

    init(node: KeywardNode) throws {
        self.node = node
        self.renderer = try DashboardRenderer()
        self.sessions = DashboardSessions(node: node)
    }

    typealias PageHandler = @Sendable (Request, KeywardRequestContext, DashboardUser) async throws -> Response
    typealias ActionHandler = @Sendable (Request, KeywardRequestContext, DashboardUser, DashboardForm) async throws -> Response

    /// Wraps a page: without a live session the browser is sent to sign in.
    func page(_ handler: @escaping PageHandler) -> @Sendable (Request, KeywardRequestContext) async throws -> Response {
        { request, context in
            switch try await sessions.lookUp(request, context: context) {
            case .user(let user): return try await handler(request, context, user)
            case .none: return DashboardRenderer.redirect("/ui/signin")
            case .ended(let ending): return DashboardRenderer.redirect("/ui/signin?ended=\(ending.rawValue)")
            }
        }
    }

    /// Wraps a state-changing form post: a live session, then the session's CSRF token, then
    /// (unless `needsWrite` is false) a credential that may write. A read-only user gets 403
    /// here even though the page never offered the button.
    func action(needsWrite: Bool = true, _ handler: @escaping ActionHandler) -> @Sendable (Request, KeywardRequestContext) async throws -> Response {
        { request, context in
            let user: DashboardUser
            switch try await sessions.lookUp(request, context: context) {
            case .user(let found): user = found
            case .none: throw DashboardError(status: .unauthorized, title: "Signed out", message: "Your session has ended. Sign in again.")
            case .ended(let ending): throw DashboardError(status: .unauthorized, title: "Signed out", message: ending.message)
            }
            let form = try await DashboardForm.read(request)
            try DashboardSessions.checkCSRF(form, user: user)
            if needsWrite, !user.canWrite { throw DashboardError.readOnly }
            return try await handler(request, context, user, form)
        }
    }

    /// The error page for an error thrown below (see ``DashboardErrorMiddleware``).
    func errorPage(_ error: DashboardError) -> Response {
        renderer.page("error", title: error.title, section: "", user: nil,
                      context: ["message": error.message, "back": error.status == .unauthorized ? "/ui/signin" : "/ui/",
                                "backLabel": error.status == .unauthorized ? "Sign in" : "Back to the overview"],
                      status: error.status)
    }
}

/// Renders errors under `/ui` as pages instead of the API's JSON.
struct DashboardErrorMiddleware: RouterMiddleware {
    typealias Context = KeywardRequestContext
    let dashboard: Dashboard

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let page = DashboardError.from(error)
            if page.status == .internalServerError {
                context.logger.error("dashboard request failed", metadata: ["path": .string(request.uri.path), "error": .string(String(describing: error))])
            }
            return dashboard.errorPage(page)
        }
    }
}
