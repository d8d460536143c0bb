import Hummingbird
import KeywardAPI
import KeywardConnectors
import KeywardCore
import KeywardStore

/// `/v1/connectors…` and the remediation routes of `/v1/inventory/{id}/…` (issue 12). Listing
/// needs `keyward:read`; a sync writes the inventory and a remediation changes a key at its
/// provider, so both need `keyward:write` (or admin).
enum ConnectorRoutes {
    static func routes(_ node: KeywardNode) -> [APIRoute] {
        let connectors = node.connectors
        return [
            APIRoute(.get, "/v1/connectors", scope: "keyward:read") { _, _, _ in
                try JSONBody.response(ConnectorListObject(connectors: try await connectors.list().map(ConnectorObject.init)))
            },
            APIRoute(.post, "/v1/connectors/{name}/sync", scope: "keyward:write") { _, context, credential in
                let name = try context.textParameter("name", as: .connectorName)
                let outcome = try await connectors.sync(name: name, by: credential!.principal)
                return try JSONBody.response(ConnectorSyncObject(outcome))
            },
            APIRoute(.post, "/v1/inventory/{id}/deactivate", scope: "keyward:write") { request, context, credential in
                try await remediate(.deactivate, request: request, context: context, principal: credential!.principal, connectors: connectors)
            },
            APIRoute(.post, "/v1/inventory/{id}/delete", scope: "keyward:write") { request, context, credential in
                try await remediate(.delete, request: request, context: context, principal: credential!.principal, connectors: connectors)
            },
        ]
    }

    static func remediate(_ action: RemediationAction, request: Request, context: KeywardRequestContext, principal: Principal,
                          connectors: ConnectorService) async throws -> Response {
        let id = try context.textParameter("id", as: .recordID)
        let body = try await JSONBody.decode(RemediationBody.self, from: request, context: context, allowed: ["reason", "dry_run"])
        let outcome = try await mappingConnectorErrors {
            try await connectors.remediate(recordID: id, action: action, reason: body.reason, via: "api", dryRun: body.dryRun ?? false, by: principal)
        }
        return try JSONBody.response(RemediationObject(outcome))
    }

    /// A connector that cannot reach or authenticate to its provider is a 502 naming what failed
    /// (never a credential: connector errors carry none).
    static func mappingConnectorErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ConnectorError {
            throw APIError(.badGateway, code: "connector_failed", message: error.description)
        }
    }
}

extension ConnectorObject {
    public init(_ state: ConnectorState) {
        let lastSync = state.sync.map { row in
            ConnectorLastSyncObject(startedAt: row.startedAt, finishedAt: row.finishedAt, succeededAt: row.succeededAt, outcome: row.outcome,
                                    requests: row.requests, summary: (try? JSONDecoder().decode(JSONValue.self, from: Data(row.summary.utf8))) ?? .object([:]))
        }
        self.init(declaration: state.declaration, syncing: state.syncing, lastSync: lastSync)
    }
}

extension ConnectorSyncObject {
    public init(_ outcome: ConnectorSyncOutcome) {
        self.init(connector: outcome.connector, kind: outcome.kind.rawValue, succeeded: outcome.succeeded, startedAt: outcome.startedAt,
                  finishedAt: outcome.finishedAt, requests: outcome.requests, created: outcome.created, updated: outcome.updated, unchanged: outcome.unchanged,
                  disappeared: outcome.disappeared, rejected: outcome.rejected, failures: outcome.failures,
                  imports: outcome.imports.map { ImportRunObject($0) })
    }
}

extension RemediationObject {
    public init(_ outcome: RemediationOutcome) {
        self.init(recordID: outcome.recordID, connector: outcome.connector, action: outcome.action.rawValue, outcome: outcome.outcome,
                  providerAnswer: outcome.providerAnswer, dryRun: outcome.dryRun, status: outcome.record.status.rawValue)
    }
}

import Foundation
