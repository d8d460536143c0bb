import KeywardCore

/// The dashboard's inventory table: search, filters, one sort column and a page number.
/// Every field is checked against a fixed list before it reaches SQL.
public struct DashboardInventoryQuery: Sendable, Equatable {
    public enum Sort: String, Sendable, CaseIterable {
        case added, name, owner, provider, environment, status, created, expires, lastUsed = "last_used"
        /// Most urgent first: live credentials by expiry, soonest first; then live ones that never
        /// expire, oldest first; then disabled, expired, and revoked or disappeared ones.
        case urgency
    }

    /// Age of a credential since creation.
    public enum Age: String, Sendable, CaseIterable {
        case under30 = "lt30", from30to90 = "30-90", from90to365 = "90-365", over365 = "gt365"

        public var label: String {
            switch self {
            case .under30: return "under 30 days"
            case .from30to90: return "30–90 days"
            case .from90to365: return "90–365 days"
            case .over365: return "over a year"
            }
        }
    }

    /// Whether the credential has active (open or acknowledged) findings.
    public enum FindingPresence: String, Sendable, CaseIterable {
        case with = "any", without = "none"
    }

    /// Matched case-insensitively as a substring of name, owner, id and external id.
    public var search: String?
    public var owner: String?
    public var provider: InventoryProvider?
    public var environment: String?
    public var status: InventoryStatus?
    public var age: Age?
    public var findings: FindingPresence?
    /// Keys of this class only; nil shows every class. Drill and canary keys are left out by
    /// default (``KeywardCore/KeyClass``).
    public var keyClass: KeyClass? = .standard
    public var sort: Sort = .added
    public var descending = false
    /// 1-based.
    public var page = 1
    public var pageSize = 50

    public static let maximumPageSize = 500
    public static let maximumTextLength = 128

    public init() {}

    public func validate() throws {
        guard (1...Self.maximumPageSize).contains(pageSize) else {
            throw KeywardError.invalidArgument("page size must be between 1 and \(Self.maximumPageSize)")
        }
        guard (1...1_000_000).contains(page) else { throw KeywardError.invalidArgument("page must be between 1 and 1000000") }
        for (name, value) in [("search", search), ("owner", owner), ("environment", environment)] {
            if let value, value.count > Self.maximumTextLength {
                throw KeywardError.invalidArgument("\(name) must be at most \(Self.maximumTextLength) characters")
            }
        }
    }
}

/// One row of the dashboard's inventory table.
public struct DashboardInventoryRow: Sendable, Equatable {
    public enum Kind: String, Sendable { case key, record }

    public var kind: Kind
    public var id: String
    public var name: String
    public var owner: String?
    public var provider: String
    public var environments: [String]
    public var status: String
    public var externalID: String?
    public var createdAt: Timestamp?
    public var expiresAt: Timestamp?
    public var lastUsedAt: Timestamp?
    public var activeFindings: Int
}

public struct DashboardInventoryResult: Sendable {
    public var rows: [DashboardInventoryRow]
    /// Rows matching the filters on every page.
    public var total: Int
}
