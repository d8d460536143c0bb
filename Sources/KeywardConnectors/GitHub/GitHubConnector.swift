import Foundation
import KeywardCore
import KeywardImport

/// The `github` connector: an organisation's fine-grained personal access tokens, read with
/// `GET /orgs/{org}/personal-access-tokens` (100 a page, following the `Link` header's
/// `rel="next"`) and revoked with `POST /orgs/{org}/personal-access-tokens`
/// (`{"action": "revoke", "pat_ids": […]}`), GitHub REST API version 2022-11-28.
///
/// - The organisation is the declaration's `account` (required): a token's access can only be
///   listed and revoked per organisation, and one token may be granted to several.
/// - The credential is `GITHUB_TOKEN` (`credentials: env`) or the first line of
///   `credentials: file:PATH`: a GitHub App installation token or an organisation owner's token
///   with "Personal access tokens" organisation permission (read to sync, write to revoke).
/// - `endpoint` selects GitHub Enterprise Server (`https://HOST/api/v3`).
/// - The pages are imported as one `github-pats` document `{"organization": ORG, "tokens": […]}`:
///   the tokens carry the organisation as their account, and a sync of one organisation leaves
///   another's tokens alone.
/// - `deactivate` and `delete` both revoke the token's access to the organisation: GitHub lets
///   an organisation do no more (only the token's owner can delete it), and a revoked grant
///   cannot be restored — the owner must ask again.
/// - GitHub reports a spent rate limit as a 403 or 429 with `x-ratelimit-remaining: 0` and
///   `x-ratelimit-reset`, or `retry-after` for secondary limits: ``ConnectorHTTP`` waits those
///   out, and this connector's retry policy counts such a 403 as throttling.
public struct GitHubConnector: Connector {
    public static let defaultEndpoint = "https://api.github.com"
    public static let apiVersion = "2022-11-28"

    public let declaration: ConnectorDeclaration
    let api: RESTClient
    let organisation: String
    let base: String

    public init(context: ConnectorContext) throws {
        declaration = context.declaration
        guard let account = context.declaration.account, !account.isEmpty else {
            throw ConnectorError.configuration("\(context.declaration.name): a github connector needs account: ORGANISATION")
        }
        organisation = account
        let token = try context.token(variable: "GITHUB_TOKEN")
        base = context.endpoint(default: Self.defaultEndpoint)
        api = RESTClient(http: context.http.with(retry: Self.retryPolicy(context.http.retry))) {
            [("Authorization", "Bearer \(token.value)"), ("Accept", "application/vnd.github+json"),
             ("X-GitHub-Api-Version", Self.apiVersion), ("User-Agent", "keyward")]
        }
    }

    /// The framework's policy, with GitHub's rate-limit 403 counted as throttling.
    static func retryPolicy(_ policy: RetryPolicy) -> RetryPolicy {
        var policy = policy
        policy.isThrottled = { response in
            response.status == 403
                && (response.header("x-ratelimit-remaining")?.trimmingCharacters(in: .whitespaces) == "0" || response.header("retry-after") != nil)
        }
        return policy
    }

    var tokensURL: String { "\(base)/orgs/\(RESTJSON.encode(organisation))/personal-access-tokens" }

    public func snapshot() async throws -> ConnectorSnapshot {
        let before = api.http.requestCount
        let label = "GET /orgs/\(organisation)/personal-access-tokens"
        let pages = try await api.pages(label: label, url: { cursor in
            let url = cursor ?? "\(tokensURL)?per_page=100"
            // The Link header names where the next page is; the token goes nowhere else.
            guard url.hasPrefix(base + "/") else { throw ConnectorError.malformedResponse("\(label): the next page link leaves \(base)") }
            return url
        }, next: { page in
            guard (try? JSONSerialization.jsonObject(with: Data(page.body))) is [Any] else {
                throw ConnectorError.malformedResponse("\(label): expected a JSON array")
            }
            return Pagination.nextLink(page.header("link"))
        })
        var tokens: [Any] = []
        for page in pages { tokens.append(contentsOf: try JSONSerialization.jsonObject(with: Data(page)) as? [Any] ?? []) }
        let document = try RESTJSON.bytes(["organization": organisation, "tokens": tokens] as [String: Any])
        return ConnectorSnapshot(
            documents: [ConnectorDocument(kind: .githubPATs, name: "\(declaration.name)/personal-access-tokens.json", bytes: document)],
            requests: api.http.requestCount - before)
    }

    public func remediate(_ request: RemediationRequest) async throws -> RemediationAnswer {
        guard let id = Int64(request.key.externalID) else {
            return RemediationAnswer(outcome: .refused, message: "\(request.key.externalID.prefix(40)) is not a GitHub personal access token grant id")
        }
        if let account = request.key.account, account.lowercased() != organisation.lowercased() {
            return RemediationAnswer(outcome: .refused, message: "the token belongs to organisation \(account), this connector reads \(organisation)")
        }
        let body = try RESTJSON.bytes(["action": "revoke", "pat_ids": [Int(id)]] as [String: Any])
        let response = try await api.send(ConnectorRequest(method: "POST", url: tokensURL, headers: [("Content-Type", "application/json")], body: body,
                                                       label: "POST /orgs/\(organisation)/personal-access-tokens revoke \(id)"))
        if response.isSuccess {
            return RemediationAnswer(outcome: .done, message: "HTTP \(response.status): access of token grant \(id) to \(organisation) revoked", status: response.status)
        }
        return RemediationAnswer(outcome: .refused, message: RESTJSON.summary(response), status: response.status)
    }
}
