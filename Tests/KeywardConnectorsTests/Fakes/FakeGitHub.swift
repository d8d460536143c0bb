import Foundation
import Synchronization

/// GitHub's REST API for an organisation's fine-grained personal access tokens, as documented
/// at docs.github.com for API version 2022-11-28: "REST API endpoints for personal access
/// tokens" (`GET /orgs/{org}/personal-access-tokens`: `per_page` ≤ 100 and `page`, the token
/// objects; `POST /orgs/{org}/personal-access-tokens` with `action: revoke` and `pat_ids` →
/// 202), "Using pagination in the REST API" (`Link` with `rel="next"`/`"last"`), "Rate limits
/// for the REST API" (`x-ratelimit-*` on every answer; a spent primary limit is a 403 or 429
/// with `x-ratelimit-remaining: 0`, a secondary one carries `retry-after`) and
/// "Troubleshooting" (error bodies `{"message", "documentation_url", "status"}`).
final class FakeGitHub: Sendable {
    struct Token: Sendable {
        var id: Int
        var login: String
        var name: String
        var lastUsed: String?
        var expires: String?
    }

    struct State: Sendable {
        var tokens: [Token] = []
        /// Fewer than `per_page` a page, so a handful of tokens spans several pages.
        var pageSize = 2
        /// Answers given instead of the next ones (throttling, failures), first first.
        var injected: [FakeProviderServer.Answer] = []
        /// A page that fails with 403 (the token lost its permission mid-read).
        var failingPage: Int?
        /// The token may read but not revoke.
        var readOnly = false
        var revoked: [Int] = []
    }

    static let organisation = "acme"
    static let token = "github_pat_fake_0123456789"
    let state = Mutex(State())
    private let running = Mutex<FakeProviderServer?>(nil)
    var server: FakeProviderServer { running.withLock { $0! } }

    static func start(tokens: [Token]) async throws -> FakeGitHub {
        let fake = FakeGitHub()
        fake.state.withLock { $0.tokens = tokens }
        let server = try await FakeProviderServer.start { [fake] seen in fake.handle(seen) }
        fake.running.withLock { $0 = server }
        return fake
    }

    func handle(_ seen: FakeProviderServer.Seen) -> FakeProviderServer.Answer {
        state.withLock { state in respond(seen, state: &state) }
    }

    func respond(_ seen: FakeProviderServer.Seen, state: inout State) -> FakeProviderServer.Answer {
        let base = seen.base
        let reset = Int(Date().timeIntervalSince1970) + 3600
        let limits = ["x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4990", "x-ratelimit-used": "10",
                      "x-ratelimit-reset": String(reset), "x-ratelimit-resource": "core", "x-github-api-version-selected": "2022-11-28"]
        func error(_ status: Int, _ message: String) -> FakeProviderServer.Answer {
            .json(status, ["message": message, "documentation_url": "https://docs.github.com/rest", "status": String(status)], headers: limits)
        }
        guard seen.headers["authorization"] == "Bearer \(Self.token)" else { return error(401, "Bad credentials") }
        guard seen.headers["x-github-api-version"] == "2022-11-28", seen.headers["user-agent"] != nil else {
            return error(400, "Request forbidden by administrative rules. Please make sure your request has a User-Agent header")
        }
        if !state.injected.isEmpty { return state.injected.removeFirst() }
        // GitHub Enterprise Server serves the same API under /api/v3.
        let prefix = seen.path.hasPrefix("/api/v3/") ? "/api/v3" : ""
        guard seen.path == "\(prefix)/orgs/\(Self.organisation)/personal-access-tokens" else { return error(404, "Not Found") }
        switch seen.method {
        case "GET":
            let perPage = min(Int(seen.query["per_page"] ?? "30") ?? 30, 100, state.pageSize)
            let page = Int(seen.query["page"] ?? "1") ?? 1
            if page == state.failingPage { return error(403, "Resource not accessible by personal access token") }
            let pages = max(1, (state.tokens.count + perPage - 1) / perPage)
            let slice = state.tokens.dropFirst((page - 1) * perPage).prefix(perPage)
            var headers = limits
            var links: [String] = []
            let url = "\(base)\(prefix)/orgs/\(Self.organisation)/personal-access-tokens?per_page=\(seen.query["per_page"] ?? "30")"
            if page < pages { links.append("<\(url)&page=\(page + 1)>; rel=\"next\"") }
            links.append("<\(url)&page=\(pages)>; rel=\"last\"")
            headers["link"] = links.joined(separator: ", ")
            return .json(200, slice.map(Self.object), headers: headers)
        case "POST":
            guard seen.json["action"] as? String == "revoke", let ids = seen.json["pat_ids"] as? [Int], !ids.isEmpty else {
                return error(422, "Validation Failed")
            }
            if state.readOnly { return error(403, "Resource not accessible by personal access token") }
            guard ids.allSatisfy({ id in state.tokens.contains { $0.id == id } }) else { return error(404, "Not Found") }
            state.tokens.removeAll { ids.contains($0.id) }
            state.revoked.append(contentsOf: ids)
            return .json(202, [String: Any](), headers: limits)
        default:
            return error(404, "Not Found")
        }
    }

    static func object(_ token: Token) -> [String: Any] {
        [
            "id": token.id, "owner": ["login": token.login, "id": token.id * 10, "type": "User"] as [String: Any],
            "repository_selection": "subset", "repositories_url": "https://api.github.com/organizations/652551/personal-access-tokens/\(token.id)/repositories",
            "permissions": ["repository": ["contents": "write", "metadata": "read"], "organization": ["members": "read"]],
            "access_granted_at": "2026-05-16T08:47:09.000-07:00", "token_id": token.id + 90_000, "token_name": token.name, "token_expired": false,
            "token_expires_at": orNull(token.expires), "token_last_used_at": orNull(token.lastUsed),
        ]
    }
}
