import KeywardCore

/// `POST /v1/inventory/lookup`: which imported records carry these provider identifiers.
///
/// The scanner asks this for the AWS access key ids (and other non-secret identifiers) it finds,
/// so that a finding names the record, its owner and its state. Identifiers only, never secrets.
public struct InventoryLookupBody: Codable, Sendable {
    /// Provider identifiers, for example `AKIA…` access key ids. At most 1000.
    public var externalIDs: [String]
    /// Only records of this provider (`aws`, `gcp`, `github`, `azure`, `other`).
    public var provider: String?

    public static let maximumCount = 1000
    public static let maximumLength = 256

    public init(externalIDs: [String], provider: String? = nil) {
        self.externalIDs = externalIDs
        self.provider = provider
    }

    enum CodingKeys: String, CodingKey {
        case externalIDs = "external_ids"
        case provider
    }
}

public struct InventoryLookupResult: Codable, Sendable {
    public struct Match: Codable, Sendable, Equatable {
        public var externalID: String
        public var provider: String
        public var recordID: String
        /// The record's inventory status (`active`, `disabled`, `revoked`, `disappeared`…).
        public var status: InventoryStatus
        public var owner: String?
        /// The identity holding the credential (an IAM user, a service account).
        public var identity: String?

        public init(externalID: String, provider: String, recordID: String, status: InventoryStatus, owner: String?, identity: String?) {
            self.externalID = externalID
            self.provider = provider
            self.recordID = recordID
            self.status = status
            self.owner = owner
            self.identity = identity
        }

        enum CodingKeys: String, CodingKey {
            case externalID = "external_id"
            case provider
            case recordID = "record_id"
            case status, owner, identity
        }
    }

    public var matches: [Match]

    public init(matches: [Match]) { self.matches = matches }
}

extension InventoryLookupResult.Match {
    /// The match for a record found by its identifier.
    public init?(_ record: InventoryRecord) {
        guard let externalID = record.externalID else { return nil }
        self.init(externalID: externalID, provider: record.provider.rawValue, recordID: record.id, status: record.status,
                  owner: record.owner, identity: record.identity)
    }
}
