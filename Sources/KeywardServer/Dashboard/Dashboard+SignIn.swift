import HTTPTypes
import Hummingbird
import KeywardCore

extension Dashboard {
    /// The sign-in form. It carries a fresh token that must come back both as a form field and
    /// as a cookie (double submit): a page elsewhere cannot sign the browser in with its own key.
    func signInPage(_ request: Request, context: KeywardRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        if error == nil, try await sessions.user(request, context: context) != nil { return DashboardRenderer.redirect("/ui/") }
        let token = DashboardSessions.randomToken()
        var headers = HTTPFields()
        headers[.setCookie] = DashboardSessions.cookie(DashboardSessions.signInCookieName, token, maxAge: 900, request: request)
        var values: [String: Any] = ["signinToken": token]
        if let error { values["error"] = error }
        if request.uri.queryParameters["signed_out"] != nil { values["notice"] = "You have signed out." }
        // Only the fixed messages: the parameter picks one, it is never echoed.
        if let ended = request.uri.queryParameters["ended"].flatMap({ DashboardSessions.Ending(rawValue: String($0)) }) {
            values["ended"] = ended.message
        }
        return renderer.page("signin", title: "Sign in", section: "", user: nil, context: values, status: status, extraHeaders: headers)
    }

    func signIn(_ request: Request, context: KeywardRequestContext) async throws -> Response {
        let form = try await DashboardForm.read(request)
        guard let presented = form["signin_token"], let expected = DashboardSessions.cookie(DashboardSessions.signInCookieName, in: request),
              DashboardSessions.isWellFormed(expected), ConstantTime.equals(presented, expected)
        else {
            return try await signInPage(request, context: context, error: "The sign-in form expired. Try again.", status: .forbidden)
        }
        guard let key = try form.text("key", maximumLength: KeyFormat.maximumLength),
              let (token, session) = try await sessions.signIn(key: key, context: context)
        else {
            // The message does not say whether the key exists, is revoked or lacks the scope.
            return try await signInPage(
                request, context: context,
                error: "That key cannot sign in: it is not a valid keyward key with keyward:read (to look; add keyward:write to act) or keyward:admin. keyward:write alone does not sign in: every page reads.",
                status: .unauthorized)
        }
        var headers = HTTPFields()
        headers.append(HTTPField(name: .setCookie, value: DashboardSessions.sessionCookie(token, expires: session.expiresAt, request: request)))
        headers.append(HTTPField(name: .setCookie, value: DashboardSessions.expiredCookie(DashboardSessions.signInCookieName, request: request)))
        return DashboardRenderer.redirect("/ui/", headers: headers)
    }

    func signOut(_ request: Request, user: DashboardUser) async throws -> Response {
        try await sessions.end(user.session, reason: "signed out", at: node.clock.now())
        var headers = HTTPFields()
        headers[.setCookie] = DashboardSessions.expiredCookie(DashboardSessions.cookieName, request: request)
        return DashboardRenderer.redirect("/ui/signin?signed_out=1", headers: headers)
    }
}
