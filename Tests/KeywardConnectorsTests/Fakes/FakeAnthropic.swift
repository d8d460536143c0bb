import Foundation
import Synchronization

/// Anthropic's Admin API for API keys as the Claude API reference documents it
/// (platform.claude.com/docs/en/api/admin/api_keys, `anthropic-version: 2023-06-01`):
/// `GET /v1/organizations/api_keys` (`limit` 1–1000, default 20; `after_id`; answer
/// `{"data", "has_more", "first_id", "last_id"}`), `GET /v1/organizations/api_keys/{id}`,
/// `POST /v1/organizations/api_keys/{id}` with `{"status": "active"|"inactive"|"archived"}`
/// answering the updated key; errors `{"type": "error", "error": {"type", "message"}}`
/// (401 `authentication_error`, 404 `not_found_error`, 429 `rate_limit_error` with
/// `retry-after`, "Errors" and "Rate limits" pages).
final class FakeAnthropic: Sendable {
    struct Key: Sendable {
        var id: String
        var name: String
        var workspace: String?
        var createdBy: String
        var status = "active"
    }

    struct State: Sendable {
        var keys: [Key] = []
        var pageSize = 2
        var injected: [FakeProviderServer.Answer] = []
        var failingAfter: String?
        var updates: [(id: String, status: String)] = []
    }

    static let token = "sk-ant-admin01-fake-0123456789"
    let state = Mutex(State())
    private let running = Mutex<FakeProviderServer?>(nil)
    var server: FakeProviderServer { running.withLock { $0! } }

    static func start(_ configure: (inout State) -> Void) async throws -> FakeAnthropic {
        let fake = FakeAnthropic()
        fake.state.withLock { configure(&$0) }
        let server = try await FakeProviderServer.start { [fake] seen in fake.handle(seen) }
        fake.running.withLock { $0 = server }
        return fake
    }

    static func error(_ status: Int, _ type: String, _ message: String, headers: [String: String] = [:]) -> FakeProviderServer.Answer {
        .json(status, ["type": "error", "error": ["type": type, "message": message]] as [String: Any], headers: headers)
    }

    func handle(_ seen: FakeProviderServer.Seen) -> FakeProviderServer.Answer {
        state.withLock { state in respond(seen, state: &state) }
    }

    func respond(_ seen: FakeProviderServer.Seen, state: inout State) -> FakeProviderServer.Answer {
        guard seen.headers["x-api-key"] == Self.token else { return Self.error(401, "authentication_error", "invalid x-api-key") }
        guard seen.headers["anthropic-version"] == "2023-06-01" else { return Self.error(400, "invalid_request_error", "anthropic-version header is required") }
        if !state.injected.isEmpty { return state.injected.removeFirst() }
        let prefix = "/v1/organizations/api_keys"
        if seen.method == "GET", seen.path == prefix {
            if let failing = state.failingAfter, seen.query["after_id"] == failing { return Self.error(500, "api_error", "Internal server error") }
            let limit = min(Int(seen.query["limit"] ?? "20") ?? 20, 1000, state.pageSize)
            var start = 0
            if let after = seen.query["after_id"] {
                guard let index = state.keys.firstIndex(where: { $0.id == after }) else { return Self.error(400, "invalid_request_error", "after_id not found") }
                start = index + 1
            }
            let slice = Array(state.keys[start..<min(state.keys.count, start + limit)])
            return .json(200, [
                "data": slice.map(Self.object), "has_more": start + limit < state.keys.count,
                "first_id": orNull(slice.first?.id), "last_id": orNull(slice.last?.id),
            ] as [String: Any])
        }
        guard seen.path.hasPrefix(prefix + "/") else { return Self.error(404, "not_found_error", "Not found") }
        let id = String(seen.path.dropFirst(prefix.count + 1))
        guard let index = state.keys.firstIndex(where: { $0.id == id }) else { return Self.error(404, "not_found_error", "API key not found") }
        switch seen.method {
        case "GET":
            return .json(200, Self.object(state.keys[index]))
        case "POST":
            guard let status = seen.json["status"] as? String, ["active", "inactive", "archived"].contains(status) else {
                return Self.error(400, "invalid_request_error", "status: must be active, inactive or archived")
            }
            guard state.keys[index].status != "archived" else { return Self.error(400, "invalid_request_error", "archived keys cannot be changed") }
            state.keys[index].status = status
            state.updates.append((id, status))
            return .json(200, Self.object(state.keys[index]))
        default:
            return Self.error(405, "invalid_request_error", "Method not allowed")
        }
    }

    static func object(_ key: Key) -> [String: Any] {
        [
            "type": "api_key", "id": key.id, "name": key.name, "workspace_id": orNull(key.workspace),
            "created_at": "2026-10-30T23:58:27.427722Z", "created_by": ["id": key.createdBy, "type": "user"],
            "partial_key_hint": "sk-ant-api03-R2D...\(key.id.suffix(4))", "status": key.status, "expires_at": NSNull(),
        ]
    }
}
