import KeywardCore

/// A configured connector in `GET /v1/connectors`: its declaration (credentials only as `env` or
/// `file:PATH`, never a value) and how its last sync went.
public struct ConnectorObject: Codable, Sendable, Equatable {
    public var name: String
    public var kind: String
    @ExplicitNull public var endpoint: String?
    @ExplicitNull public var region: String?
    public var credentials: String
    @ExplicitNull public var account: String?
    @ExplicitNull public var syncInterval: Int64?
    public var actions: [String]
    /// True while a node is syncing it.
    public var syncing: Bool
    @ExplicitNull public var lastSync: ConnectorLastSyncObject?

    public init(declaration: ConnectorDeclaration, syncing: Bool, lastSync: ConnectorLastSyncObject?) {
        name = declaration.name
        kind = declaration.kind.rawValue
        endpoint = declaration.endpoint
        region = declaration.region
        credentials = declaration.credentials.description
        account = declaration.account
        syncInterval = declaration.syncIntervalSeconds
        actions = declaration.actions.sorted().map(\.rawValue)
        self.syncing = syncing
        self.lastSync = lastSync
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, endpoint, region, credentials, account, syncInterval = "sync_interval", actions, syncing, lastSync = "last_sync"
    }
}

/// The end of a connector's last sync.
public struct ConnectorLastSyncObject: Codable, Sendable, Equatable {
    @ExplicitNull public var startedAt: Timestamp?
    @ExplicitNull public var finishedAt: Timestamp?
    /// When a sync last wrote the inventory.
    @ExplicitNull public var succeededAt: Timestamp?
    /// `succeeded` or `failed`; null while the first sync runs.
    @ExplicitNull public var outcome: String?
    public var requests: Int
    /// Counts (`created`, `updated`, `disappeared`, `rejected`) and, for a failed sync, `failures`.
    public var summary: JSONValue

    public init(startedAt: Timestamp?, finishedAt: Timestamp?, succeededAt: Timestamp?, outcome: String?, requests: Int, summary: JSONValue) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.succeededAt = succeededAt
        self.outcome = outcome
        self.requests = requests
        self.summary = summary
    }

    enum CodingKeys: String, CodingKey {
        case startedAt = "started_at", finishedAt = "finished_at", succeededAt = "succeeded_at", outcome, requests, summary
    }
}

public struct ConnectorListObject: Codable, Sendable, Equatable {
    public var connectors: [ConnectorObject]
    public init(connectors: [ConnectorObject]) { self.connectors = connectors }
}

/// `POST /v1/connectors/{name}/sync` and `keyward connectors sync NAME --json`.
public struct ConnectorSyncObject: Codable, Sendable, Equatable {
    public var connector: String
    public var kind: String
    public var succeeded: Bool
    public var startedAt: Timestamp
    public var finishedAt: Timestamp
    public var requests: Int
    public var created: Int
    public var updated: Int
    public var unchanged: Int
    public var disappeared: Int
    public var rejected: Int
    /// What failed; the previous inventory was left in place.
    public var failures: [String]
    /// One import run per document written.
    public var imports: [ImportRunObject]

    public init(connector: String, kind: String, succeeded: Bool, startedAt: Timestamp, finishedAt: Timestamp, requests: Int, created: Int,
                updated: Int, unchanged: Int, disappeared: Int, rejected: Int, failures: [String], imports: [ImportRunObject]) {
        self.connector = connector
        self.kind = kind
        self.succeeded = succeeded
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.requests = requests
        self.created = created
        self.updated = updated
        self.unchanged = unchanged
        self.disappeared = disappeared
        self.rejected = rejected
        self.failures = failures
        self.imports = imports
    }

    enum CodingKeys: String, CodingKey {
        case connector, kind, succeeded, startedAt = "started_at", finishedAt = "finished_at", requests, created, updated, unchanged, disappeared
        case rejected, failures, imports
    }
}

/// The body of `POST /v1/inventory/{id}/deactivate` and `…/delete`.
public struct RemediationBody: Codable, Sendable, Equatable {
    public var reason: String
    /// Say what would be done without asking the provider.
    public var dryRun: Bool?

    public init(reason: String, dryRun: Bool? = nil) {
        self.reason = reason
        self.dryRun = dryRun
    }

    enum CodingKeys: String, CodingKey { case reason, dryRun = "dry_run" }
}

/// What a remediation did: `outcome` is `done`, `already_done`, `refused` (the provider said no:
/// `provider_answer` says why and a `remediation-refused` finding is open) or `dry_run`.
public struct RemediationObject: Codable, Sendable, Equatable {
    public var recordID: String
    public var connector: String
    public var action: String
    public var outcome: String
    @ExplicitNull public var providerAnswer: String?
    public var dryRun: Bool
    /// The record's status afterwards (`disabled`, `deleted`, or unchanged).
    public var status: String

    public init(recordID: String, connector: String, action: String, outcome: String, providerAnswer: String?, dryRun: Bool, status: String) {
        self.recordID = recordID
        self.connector = connector
        self.action = action
        self.outcome = outcome
        self.providerAnswer = providerAnswer
        self.dryRun = dryRun
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case recordID = "record_id", connector, action, outcome, providerAnswer = "provider_answer", dryRun = "dry_run", status
    }
}
