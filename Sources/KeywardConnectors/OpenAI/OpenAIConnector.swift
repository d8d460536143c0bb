import Foundation
import KeywardCore
import KeywardImport

/// The `openai` connector: an organisation's admin API keys and every project's API keys,
/// through OpenAI's Administration API (`https://api.openai.com/v1/organization/…`, as
/// documented in the API reference's "Administration" section, 2025–2026):
///
/// - `GET /v1/organization/admin_api_keys`, `GET /v1/organization/projects`
///   (`include_archived=true`: an archived project's keys still work until deleted) and
///   `GET /v1/organization/projects/{project_id}/api_keys`, each paged with `limit=100`, the
///   `after` cursor, `has_more` and `last_id`;
/// - `DELETE /v1/organization/projects/{project_id}/api_keys/{key_id}` and
///   `DELETE /v1/organization/admin_api_keys/{key_id}`.
///
/// The credential is `OPENAI_ADMIN_KEY` (or `credentials: file:PATH`), sent as a bearer token.
/// The pages become one `openai-api-keys` document, each project key tagged with its
/// `project_id` (the API's key objects do not name their project); `created_at`,
/// `last_used_at` and the owner (user or service account) come from the keys themselves.
///
/// OpenAI cannot deactivate a key, only delete it. So `deactivate` deletes the key when the
/// declaration also allows `delete` (the operator accepted losing it; a leaked AI key is spent
/// within minutes), and is refused otherwise, saying so. A key reference names its project in
/// `account` (an admin key has none).
public struct OpenAIConnector: Connector {
    public static let defaultEndpoint = "https://api.openai.com"

    public let declaration: ConnectorDeclaration
    let api: RESTClient
    let base: String

    public init(context: ConnectorContext) throws {
        declaration = context.declaration
        let token = try context.token(variable: "OPENAI_ADMIN_KEY")
        base = context.endpoint(default: Self.defaultEndpoint) + "/v1/organization"
        api = RESTClient(http: context.http) { [("Authorization", "Bearer \(token.value)")] }
    }

    public func snapshot() async throws -> ConnectorSnapshot {
        let before = api.http.requestCount
        var keys: [Any] = try await list("admin_api_keys", label: "GET /v1/organization/admin_api_keys")
        let projects = try await list("projects", query: "include_archived=true", label: "GET /v1/organization/projects")
        for case let project as [String: Any] in projects {
            guard let id = project["id"] as? String, !id.isEmpty else {
                throw ConnectorError.malformedResponse("GET /v1/organization/projects: a project without an id")
            }
            let projectKeys = try await list("projects/\(RESTJSON.encode(id))/api_keys", label: "GET /v1/organization/projects/\(id)/api_keys")
            for case var key as [String: Any] in projectKeys {
                key["project_id"] = id
                keys.append(key)
            }
        }
        return ConnectorSnapshot(
            documents: [ConnectorDocument(kind: .openaiAPIKeys, name: "\(declaration.name)/api-keys.json", bytes: try RESTJSON.bytes(keys))],
            requests: api.http.requestCount - before)
    }

    /// Every element of a cursor-paged list.
    func list(_ path: String, query: String? = nil, label: String) async throws -> [Any] {
        let pages = try await api.pages(label: label, url: { cursor in
            var url = "\(base)/\(path)?limit=100"
            if let query { url += "&\(query)" }
            if let cursor { url += "&after=\(RESTJSON.encode(cursor))" }
            return url
        }, next: { try RESTJSON.afterLast($0, label: label) })
        return try pages.flatMap { body in
            try RESTJSON.object(ConnectorResponse(status: 200, body: body), label: label)["data"] as? [Any] ?? []
        }
    }

    public func remediate(_ request: RemediationRequest) async throws -> RemediationAnswer {
        if request.action == .deactivate, !declaration.actions.contains(.delete) {
            return RemediationAnswer(outcome: .refused, message: "OpenAI cannot deactivate an API key, only delete it; allow delete in connector \(declaration.name) to let keyward delete it")
        }
        let id = request.key.externalID
        let path = request.key.account.map { "projects/\(RESTJSON.encode($0))/api_keys/\(RESTJSON.encode(id))" } ?? "admin_api_keys/\(RESTJSON.encode(id))"
        let response = try await api.send(ConnectorRequest(method: "DELETE", url: "\(base)/\(path)", label: "DELETE /v1/organization/\(path)"))
        let deactivating = request.action == .deactivate ? " (OpenAI cannot deactivate a key)" : ""
        switch response.status {
        case 200..<300:
            return RemediationAnswer(outcome: .done, message: "HTTP \(response.status): key \(id) deleted\(deactivating)", status: response.status)
        case 404:
            return RemediationAnswer(outcome: .alreadyDone, message: "\(RESTJSON.summary(response)) (the key no longer exists)", status: 404)
        default:
            return RemediationAnswer(outcome: .refused, message: RESTJSON.summary(response), status: response.status)
        }
    }

    public func state(of key: ExternalKeyReference) async throws -> ExternalKeyState {
        let path = key.account.map { "projects/\(RESTJSON.encode($0))/api_keys/\(RESTJSON.encode(key.externalID))" } ?? "admin_api_keys/\(RESTJSON.encode(key.externalID))"
        let response = try await api.send(ConnectorRequest(method: "GET", url: "\(base)/\(path)", label: "GET /v1/organization/\(path)"))
        if response.status == 404 { return .deleted }
        try RESTJSON.require(response, label: "GET /v1/organization/\(path)")
        return .active
    }
}
