import Foundation
import Synchronization

/// OpenAI's Administration API as its API reference documents it (platform.openai.com/docs/
/// api-reference, "Administration", 2025–2026): `GET /v1/organization/admin_api_keys`,
/// `GET /v1/organization/projects`, `GET|DELETE /v1/organization/projects/{id}/api_keys[/{key}]`
/// and `DELETE /v1/organization/admin_api_keys/{key}`; lists are
/// `{"object": "list", "data", "first_id", "last_id", "has_more"}` paged with `limit`
/// (1–100) and `after`; a delete answers `{"object": "organization.project.api_key.deleted",
/// "id", "deleted": true}`; errors are `{"error": {"message", "type", "param", "code"}}`
/// (401 `invalid_api_key`, 404, 429 `rate_limit_exceeded` with `retry-after`).
final class FakeOpenAI: Sendable {
    struct Key: Sendable {
        var id: String
        var name: String
        var created: Int
        var lastUsed: Int?
        /// `user` (with `email`) or `service_account`.
        var ownerType = "user"
        var ownerID: String
        var email: String?
    }

    struct Project: Sendable {
        var id: String
        var keys: [Key]
    }

    struct State: Sendable {
        var adminKeys: [Key] = []
        var projects: [Project] = []
        var pageSize = 2
        var injected: [FakeProviderServer.Answer] = []
        /// Requests whose path contains this fail with 500 (retried, then given up).
        var failingPath: String?
        var deleted: [String] = []
    }

    static let token = "sk-admin-fake-0123456789"
    let state = Mutex(State())
    private let running = Mutex<FakeProviderServer?>(nil)
    var server: FakeProviderServer { running.withLock { $0! } }

    static func start(_ configure: (inout State) -> Void) async throws -> FakeOpenAI {
        let fake = FakeOpenAI()
        fake.state.withLock { configure(&$0) }
        let server = try await FakeProviderServer.start { [fake] seen in fake.handle(seen) }
        fake.running.withLock { $0 = server }
        return fake
    }

    static func error(_ status: Int, _ message: String, type: String = "invalid_request_error", code: String? = nil,
                      headers: [String: String] = [:]) -> FakeProviderServer.Answer {
        .json(status, ["error": ["message": message, "type": type, "param": NSNull(), "code": orNull(code)] as [String: Any]],
              headers: headers)
    }

    func handle(_ seen: FakeProviderServer.Seen) -> FakeProviderServer.Answer {
        state.withLock { state in respond(seen, state: &state) }
    }

    func respond(_ seen: FakeProviderServer.Seen, state: inout State) -> FakeProviderServer.Answer {
        guard seen.headers["authorization"] == "Bearer \(Self.token)" else {
            return Self.error(401, "Incorrect API key provided.", code: "invalid_api_key")
        }
        if !state.injected.isEmpty { return state.injected.removeFirst() }
        if let failing = state.failingPath, seen.path.contains(failing) { return Self.error(500, "The server had an error while processing your request.", type: "server_error") }
        let parts = seen.path.split(separator: "/").map(String.init)
        guard parts.count >= 3, parts[0] == "v1", parts[1] == "organization" else { return Self.error(404, "Invalid URL (\(seen.method) \(seen.path))") }
        switch (seen.method, Array(parts.dropFirst(2))) {
        case ("GET", ["admin_api_keys"]):
            return page(state.adminKeys.map { Self.adminObject($0) }, seen: seen, pageSize: state.pageSize)
        case ("GET", ["projects"]):
            let projects: [[String: Any]] = state.projects.map {
                ["id": $0.id, "object": "organization.project", "name": "Project \($0.id)", "created_at": 1_711_471_533, "status": "active"]
            }
            return page(projects, seen: seen, pageSize: state.pageSize)
        case ("GET", let path) where path.count == 3 && path[0] == "projects" && path[2] == "api_keys":
            guard let project = state.projects.first(where: { $0.id == path[1] }) else { return Self.error(404, "No such project: \(path[1])") }
            return page(project.keys.map { Self.projectObject($0) }, seen: seen, pageSize: state.pageSize)
        case ("GET", let path) where path.count == 4 && path[0] == "projects" && path[2] == "api_keys":
            guard let key = state.projects.first(where: { $0.id == path[1] })?.keys.first(where: { $0.id == path[3] }) else {
                return Self.error(404, "No such API key: \(path[3])")
            }
            return .json(200, Self.projectObject(key))
        case ("DELETE", let path) where path.count == 4 && path[0] == "projects" && path[2] == "api_keys":
            guard let index = state.projects.firstIndex(where: { $0.id == path[1] }),
                  state.projects[index].keys.contains(where: { $0.id == path[3] }) else { return Self.error(404, "No such API key: \(path[3])") }
            state.projects[index].keys.removeAll { $0.id == path[3] }
            state.deleted.append(path[3])
            return .json(200, ["object": "organization.project.api_key.deleted", "id": path[3], "deleted": true] as [String: Any])
        case ("DELETE", let path) where path.count == 2 && path[0] == "admin_api_keys":
            guard state.adminKeys.contains(where: { $0.id == path[1] }) else { return Self.error(404, "No such API key: \(path[1])") }
            state.adminKeys.removeAll { $0.id == path[1] }
            state.deleted.append(path[1])
            return .json(200, ["object": "organization.admin_api_key.deleted", "id": path[1], "deleted": true] as [String: Any])
        default:
            return Self.error(404, "Invalid URL (\(seen.method) \(seen.path))")
        }
    }

    /// One cursor page: the objects after `after`, at most `limit` (capped by the fake's page size).
    func page(_ objects: [[String: Any]], seen: FakeProviderServer.Seen, pageSize: Int) -> FakeProviderServer.Answer {
        let limit = min(Int(seen.query["limit"] ?? "20") ?? 20, 100, pageSize)
        var start = 0
        if let after = seen.query["after"] {
            guard let index = objects.firstIndex(where: { $0["id"] as? String == after }) else { return Self.error(400, "Invalid 'after': \(after)") }
            start = index + 1
        }
        let slice = Array(objects[start..<min(objects.count, start + limit)])
        return .json(200, [
            "object": "list", "data": slice, "first_id": orNull(slice.first?["id"]), "last_id": orNull(slice.last?["id"]),
            "has_more": start + limit < objects.count,
        ] as [String: Any])
    }

    static func adminObject(_ key: Key) -> [String: Any] {
        [
            "object": "organization.admin_api_key", "id": key.id, "name": key.name, "redacted_value": "sk-admin...\(key.id.suffix(3))",
            "created_at": key.created, "last_used_at": orNull(key.lastUsed),
            "owner": ["type": key.ownerType, "object": "organization.user", "id": key.ownerID, "name": "Owner \(key.ownerID)",
                      "created_at": 1_711_471_533, "role": "owner"] as [String: Any],
        ]
    }

    static func projectObject(_ key: Key) -> [String: Any] {
        var owner: [String: Any] = ["type": key.ownerType]
        if key.ownerType == "user" {
            owner["user"] = ["object": "organization.project.user", "id": key.ownerID, "name": "User \(key.ownerID)",
                             "email": orNull(key.email), "role": "owner", "added_at": 1_711_471_533] as [String: Any]
        } else {
            owner["service_account"] = ["object": "organization.project.service_account", "id": key.ownerID, "name": "bot",
                                        "role": "member", "created_at": 1_711_471_533] as [String: Any]
        }
        return [
            "object": "organization.project.api_key", "id": key.id, "name": key.name, "redacted_value": "sk-abc...\(key.id.suffix(3))",
            "created_at": key.created, "last_used_at": orNull(key.lastUsed), "owner": owner,
        ]
    }
}
