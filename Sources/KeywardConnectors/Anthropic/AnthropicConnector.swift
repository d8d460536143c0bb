import Foundation
import KeywardCore
import KeywardImport

/// The `anthropic` connector: an organisation's Claude API keys, through the Admin API
/// (`https://api.anthropic.com`, API reference "Admin API › API Keys", version header
/// `anthropic-version: 2023-06-01`):
///
/// - `GET /v1/organizations/api_keys?limit=1000`, paged with `after_id` from `last_id` while
///   `has_more`; every status is listed (`active`, `inactive`, `archived`, `expired`).
/// - `POST /v1/organizations/api_keys/{id}` with `{"status": "inactive"}` for `deactivate`
///   (reversible) and `{"status": "archived"}` for `delete` (permanent; the Admin API cannot
///   delete keys). `GET /v1/organizations/api_keys/{id}` reads one key's state for the drill.
///
/// The credential is `ANTHROPIC_ADMIN_KEY` (an Admin API key, `sk-ant-admin…`) or
/// `credentials: file:PATH`, sent as `x-api-key`. The pages are imported byte for byte as the
/// `anthropic-api-keys` importer reads them (created_at, created_by, workspace, status). The
/// Admin API cannot create keys, so there is no drill canary.
public struct AnthropicConnector: Connector {
    public static let defaultEndpoint = "https://api.anthropic.com"
    public static let apiVersion = "2023-06-01"

    public let declaration: ConnectorDeclaration
    let api: RESTClient
    let base: String

    public init(context: ConnectorContext) throws {
        declaration = context.declaration
        let token = try context.token(variable: "ANTHROPIC_ADMIN_KEY")
        base = context.endpoint(default: Self.defaultEndpoint) + "/v1/organizations/api_keys"
        api = RESTClient(http: context.http) { [("x-api-key", token.value), ("anthropic-version", Self.apiVersion)] }
    }

    public func snapshot() async throws -> ConnectorSnapshot {
        let before = api.http.requestCount
        let label = "GET /v1/organizations/api_keys"
        let pages = try await api.pages(label: label, url: { cursor in
            cursor.map { "\(base)?limit=1000&after_id=\(RESTJSON.encode($0))" } ?? "\(base)?limit=1000"
        }, next: { try RESTJSON.afterLast($0, label: label) })
        return ConnectorSnapshot(
            documents: [ConnectorDocument(kind: .anthropicAPIKeys, name: "\(declaration.name)/api-keys.json", bytes: RESTJSON.joined(pages))],
            requests: api.http.requestCount - before)
    }

    public func remediate(_ request: RemediationRequest) async throws -> RemediationAnswer {
        let status = request.action == .delete ? "archived" : "inactive"
        let id = request.key.externalID
        let url = "\(base)/\(RESTJSON.encode(id))"
        let label = "POST /v1/organizations/api_keys/\(id) status=\(status)"
        let current = try await api.send(ConnectorRequest(method: "GET", url: url, label: "GET /v1/organizations/api_keys/\(id)"))
        guard current.isSuccess else { return RemediationAnswer(outcome: .refused, message: RESTJSON.summary(current), status: current.status) }
        let was = try RESTJSON.object(current, label: "GET /v1/organizations/api_keys/\(id)")["status"] as? String
        if was == status || was == "archived" || (was == "expired" && status == "inactive") {
            return RemediationAnswer(outcome: .alreadyDone, message: "key \(id) is already \(was ?? status)", status: current.status)
        }
        let response = try await api.send(ConnectorRequest(method: "POST", url: url, headers: [("content-type", "application/json")],
                                                       body: try RESTJSON.bytes(["status": status]), label: label))
        guard response.isSuccess else { return RemediationAnswer(outcome: .refused, message: RESTJSON.summary(response), status: response.status) }
        return RemediationAnswer(outcome: .done, message: "HTTP \(response.status): key \(id) is now \(status)", status: response.status)
    }

    public func state(of key: ExternalKeyReference) async throws -> ExternalKeyState {
        let label = "GET /v1/organizations/api_keys/\(key.externalID)"
        let response = try await api.send(ConnectorRequest(method: "GET", url: "\(base)/\(RESTJSON.encode(key.externalID))", label: label))
        if response.status == 404 { return .deleted }
        try RESTJSON.require(response, label: label)
        switch try RESTJSON.object(response, label: label)["status"] as? String {
        case "active"?: return .active
        case "archived"?: return .deleted
        default: return .inactive
        }
    }
}
