import Foundation
import KeywardCore
import KeywardImport

/// The `gcp-iam` connector: the user-managed keys of every service account of one Google
/// Cloud project, through the IAM API v1 (`https://iam.googleapis.com/v1`, REST reference
/// "projects.serviceAccounts" and "projects.serviceAccounts.keys"):
///
/// - `GET projects/{project}/serviceAccounts?pageSize=100` (paged by `nextPageToken`), then for
///   each account `GET …/serviceAccounts/{email}/keys?keyTypes=USER_MANAGED`;
/// - `POST …/keys/{key}:disable` for `deactivate`, `DELETE …/keys/{key}` for `delete`;
/// - for the drill: `POST …/serviceAccounts/{email}/keys` on the connector's own service
///   account (its private key data is dropped unread), `GET …/keys/{key}` for its state.
///
/// The credential is a service-account JSON key file (`GOOGLE_APPLICATION_CREDENTIALS` names
/// its path; or `credentials: file:PATH`), exchanged for an access token with an RS256-signed
/// JWT (``GoogleAccessTokens``). The project is the declaration's `account`, else the key
/// file's `project_id`. The keys become one `gcp-keys` document
/// `{"project": P, "keys": […]}`, which speaks for the whole project: keys of a deleted
/// service account disappear too.
public struct GCPIAMConnector: Connector {
    public static let defaultEndpoint = "https://iam.googleapis.com"

    public let declaration: ConnectorDeclaration
    let api: RESTClient
    let tokens: GoogleAccessTokens
    let project: String
    let base: String

    public init(context: ConnectorContext) throws {
        declaration = context.declaration
        let name = context.declaration.name
        let text: ConnectorSecret
        if let file = try context.credentialFile() {
            text = file
        } else {
            let path = try context.variable("GOOGLE_APPLICATION_CREDENTIALS").value
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConnectorError.configuration("\(name): cannot read the key file GOOGLE_APPLICATION_CREDENTIALS names")
            }
            text = ConnectorSecret(String(decoding: data, as: UTF8.self))
        }
        let key = try GoogleServiceAccountKeyFile(json: text.value, name: name)
        guard let project = context.declaration.account.flatMap({ $0.isEmpty ? nil : $0 }) ?? key.projectID else {
            throw ConnectorError.configuration("\(name): set account: PROJECT_ID (the key file names no project_id)")
        }
        self.project = project
        let tokens = GoogleAccessTokens(key: key, http: context.http, clock: context.clock)
        self.tokens = tokens
        // A 401 means Google no longer takes the cached token (revoked before it expired).
        api = RESTClient(http: context.http, onUnauthorized: { tokens.invalidate() }) {
            let token = try await tokens.token()
            return [("Authorization", "Bearer \(token.value)")]
        }
        base = context.endpoint(default: Self.defaultEndpoint) + "/v1"
    }

    var accountsPath: String { "projects/\(RESTJSON.encode(project))/serviceAccounts" }

    public func snapshot() async throws -> ConnectorSnapshot {
        let before = api.http.requestCount
        let label = "GET \(accountsPath)"
        let pages = try await api.pages(label: label, url: { cursor in
            cursor.map { "\(base)/\(accountsPath)?pageSize=100&pageToken=\(RESTJSON.encode($0))" } ?? "\(base)/\(accountsPath)?pageSize=100"
        }, next: { try RESTJSON.object($0, label: label)["nextPageToken"] as? String })
        var emails: [String] = []
        for page in pages {
            for case let account as [String: Any] in try RESTJSON.object(ConnectorResponse(status: 200, body: page), label: label)["accounts"] as? [Any] ?? [] {
                guard let email = account["email"] as? String, !email.isEmpty else { throw ConnectorError.malformedResponse("\(label): an account without email") }
                emails.append(email)
            }
        }
        var keys: [Any] = []
        for email in emails {
            let path = "\(accountsPath)/\(RESTJSON.encode(email))/keys"
            let response = try await api.send(ConnectorRequest(method: "GET", url: "\(base)/\(path)?keyTypes=USER_MANAGED", label: "GET \(path)"))
            // The account was deleted between the two reads: it has no keys any more.
            if response.status == 404 { continue }
            try RESTJSON.require(response, label: "GET \(path)")
            keys.append(contentsOf: try RESTJSON.object(response, label: "GET \(path)")["keys"] as? [Any] ?? [])
        }
        let document = try RESTJSON.bytes(["project": project, "keys": keys] as [String: Any])
        return ConnectorSnapshot(documents: [ConnectorDocument(kind: .gcpKeys, name: "\(declaration.name)/service-account-keys.json", bytes: document)],
                                 requests: api.http.requestCount - before)
    }

    public func remediate(_ request: RemediationRequest) async throws -> RemediationAnswer {
        guard let name = resourceName(request.key) else {
            return RemediationAnswer(outcome: .refused, message: "the key names no service account; cannot address it at Google")
        }
        let response: ConnectorResponse
        switch request.action {
        case .deactivate:
            response = try await api.send(ConnectorRequest(method: "POST", url: "\(base)/\(name):disable", headers: [("Content-Type", "application/json")],
                                                       body: Array("{}".utf8), label: "POST \(name):disable"))
        case .delete:
            response = try await api.send(ConnectorRequest(method: "DELETE", url: "\(base)/\(name)", label: "DELETE \(name)"))
        }
        switch response.status {
        case 200..<300:
            return RemediationAnswer(outcome: .done, message: "HTTP \(response.status): key \(name) \(request.action == .delete ? "deleted" : "disabled")",
                                     status: response.status)
        case 404:
            return RemediationAnswer(outcome: .alreadyDone, message: "\(RESTJSON.summary(response)) (the key no longer exists)", status: 404)
        default:
            return RemediationAnswer(outcome: .refused, message: RESTJSON.summary(response), status: response.status)
        }
    }

    public func createCanary() async throws -> ExternalKeyReference {
        let email = tokens.key.clientEmail
        let path = "\(accountsPath)/\(RESTJSON.encode(email))/keys"
        let response = try await api.send(ConnectorRequest(method: "POST", url: "\(base)/\(path)", headers: [("Content-Type", "application/json")],
                                                       body: Array("{}".utf8), label: "POST \(path) (drill canary)"))
        try RESTJSON.require(response, label: "POST \(path) (drill canary)")
        // The answer carries the new key's privateKeyData: only its name is read.
        guard let resource = try RESTJSON.object(response, label: "POST \(path)")["name"] as? String, let keyID = resource.split(separator: "/").last else {
            throw ConnectorError.malformedResponse("POST \(path): the new key has no name")
        }
        return ExternalKeyReference(externalID: String(keyID), identity: email, account: project)
    }

    public func state(of key: ExternalKeyReference) async throws -> ExternalKeyState {
        guard let name = resourceName(key) else { throw ConnectorError.configuration("the key names no service account") }
        let response = try await api.send(ConnectorRequest(method: "GET", url: "\(base)/\(name)", label: "GET \(name)"))
        if response.status == 404 { return .deleted }
        try RESTJSON.require(response, label: "GET \(name)")
        return try RESTJSON.object(response, label: "GET \(name)")["disabled"] as? Bool == true ? .inactive : .active
    }

    public func discardCanary(_ key: ExternalKeyReference) async throws {
        guard let name = resourceName(key) else { return }
        let response = try await api.send(ConnectorRequest(method: "DELETE", url: "\(base)/\(name)", label: "DELETE \(name) (drill canary)"))
        if response.status != 404 { try RESTJSON.require(response, label: "DELETE \(name) (drill canary)") }
    }

    /// `projects/P/serviceAccounts/EMAIL/keys/KEY` for a reference (its external id is the key
    /// id, its identity the account's e-mail, its account the project).
    func resourceName(_ key: ExternalKeyReference) -> String? {
        if key.externalID.hasPrefix("projects/") { return key.externalID }
        guard let email = key.identity, !email.isEmpty else { return nil }
        return "projects/\(RESTJSON.encode(key.account ?? project))/serviceAccounts/\(RESTJSON.encode(email))/keys/\(RESTJSON.encode(key.externalID))"
    }
}
