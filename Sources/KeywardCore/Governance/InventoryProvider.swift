/// Who issued a credential. `keyward` marks keyward's own keys so that one inventory, one policy
/// and one report cover both them and the keys other systems issue.
public enum InventoryProvider: String, Sendable, Codable, CaseIterable, Comparable {
    case keyward, aws, gcp, github, azure, other
    /// OpenAI organisation admin keys and project API keys (issue 12's `openai` connector).
    case openai
    /// Anthropic (Claude API) organisation API keys (issue 12's `anthropic` connector).
    case anthropic

    public static func < (lhs: InventoryProvider, rhs: InventoryProvider) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What sort of credential an inventory record is. Policies select on it because controls are
/// written per kind (CIS AWS 2.12 speaks of IAM access keys, not of Secrets Manager secrets).
public enum CredentialKind: String, Sendable, Codable, CaseIterable, Comparable {
    /// An API key: keyward's own (provider `keyward`) or an AI service's (`openai`, `anthropic`).
    case apiKey = "api_key"
    /// An AWS IAM user access key (`AKIA…`).
    case accessKey = "access_key"
    /// A GCP service-account key.
    case serviceAccountKey = "service_account_key"
    /// A GitHub personal access token.
    case personalAccessToken = "personal_access_token"
    /// A stored secret (AWS Secrets Manager and the like).
    case secret
    /// Anything else with a non-secret identifier.
    case other

    public static func < (lhs: CredentialKind, rhs: CredentialKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The life-cycle state shared by keyward's keys and external records.
///
/// `disappeared` is set by an import when a record the source used to list is no longer in it:
/// the key was probably deleted at the provider, but keyward keeps the record and its history.
/// `deleted` is set when keyward itself deleted the key at its provider through a connector.
public enum InventoryStatus: String, Sendable, Codable, CaseIterable, Comparable {
    case active, rotating, disabled, expired, revoked, disappeared, deleted

    /// States in which the credential still opens doors; most rules only look at these.
    public var isLive: Bool { self == .active || self == .rotating }

    public static func < (lhs: InventoryStatus, rhs: InventoryStatus) -> Bool { lhs.rawValue < rhs.rawValue }

    /// A keyward key's status in the inventory's terms (every key status is one of them).
    public init(_ status: KeyStatus) {
        switch status {
        case .active: self = .active
        case .rotating: self = .rotating
        case .expired: self = .expired
        case .revoked: self = .revoked
        case .disabled: self = .disabled
        }
    }
}
