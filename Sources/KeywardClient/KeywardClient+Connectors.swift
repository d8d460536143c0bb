import KeywardAPI
import KeywardCore

/// Connectors (issue 12): listing, syncing, and remediating inventory records at their provider.
extension KeywardClient {
    public func connectors() async throws -> ConnectorListObject {
        try await send(.GET, "/v1/connectors")
    }

    /// Syncs connector `name` on the server and waits for the outcome (a large account takes a
    /// while: build the client with a long `timeoutSeconds`).
    public func syncConnector(name: String) async throws -> ConnectorSyncObject {
        try await send(.POST, "/v1/connectors/\(try Self.textSegment(name, as: .connectorName))/sync")
    }

    /// `POST /v1/inventory/{id}/deactivate` (or `…/delete`).
    public func remediate(recordID: String, action: RemediationAction, reason: String, dryRun: Bool = false) async throws -> RemediationObject {
        try await send(.POST, "/v1/inventory/\(try Self.textSegment(recordID, as: .recordID))/\(action.rawValue)",
                       body: RemediationBody(reason: reason, dryRun: dryRun ? true : nil))
    }
}
