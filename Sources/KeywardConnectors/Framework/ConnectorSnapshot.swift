import KeywardCore
import KeywardImport

/// What one read of a provider account found, in the importers' shapes (see ``Connector``).
public struct ConnectorSnapshot: Sendable {
    /// Documents in the order they are imported. Order matters where two documents describe the
    /// same keys: for AWS the credential report (every user of the account, last use) comes
    /// first and `aws-access-keys` (the key ids) second, as a person importing both would.
    public var documents: [ConnectorDocument]
    /// Facts only the API knows, by external id; laid over the imported records (a value the
    /// fact does not carry keeps what the record had).
    public var facts: [String: ExternalKeyFacts]
    /// Requests the read made, retries included.
    public var requests: Int

    public init(documents: [ConnectorDocument], facts: [String: ExternalKeyFacts] = [:], requests: Int = 0) {
        self.documents = documents
        self.facts = facts
        self.requests = requests
    }
}

/// One document of a snapshot: bytes an importer of `kind` reads, as if from a file named `name`
/// (what rejections and the import run call it, e.g. `aws-prod/list-access-keys.json`).
public typealias ConnectorDocument = ImportDocument

/// What the provider's API says of one key beyond its export format.
public struct ExternalKeyFacts: Sendable, Equatable {
    public var lastUsedAt: Timestamp?
    public var lastUsedService: String?
    public var lastUsedRegion: String?
    /// Who created the key, where the provider says (stored as the record's `created_by` attribute).
    public var createdBy: String?

    public init(lastUsedAt: Timestamp? = nil, lastUsedService: String? = nil, lastUsedRegion: String? = nil, createdBy: String? = nil) {
        self.lastUsedAt = lastUsedAt
        self.lastUsedService = lastUsedService
        self.lastUsedRegion = lastUsedRegion
        self.createdBy = createdBy
    }

    /// `record` with these facts laid over it.
    public func applied(to record: InventoryRecord) -> InventoryRecord {
        var next = record
        next.lastUsedAt = lastUsedAt ?? record.lastUsedAt
        next.lastUsedService = lastUsedService ?? record.lastUsedService
        next.lastUsedRegion = lastUsedRegion ?? record.lastUsedRegion
        if let createdBy { next.attributes["created_by"] = createdBy }
        return next
    }
}
