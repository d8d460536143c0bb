import KeywardCore

/// Names one key at its provider: what a connector needs to act on it. Built from an inventory
/// record (its external id, identity and account) or from a canary the connector created.
public struct ExternalKeyReference: Sendable, Equatable, Codable {
    /// The provider's id of the key: AWS access key id, GCP key resource name, GitHub PAT id,
    /// OpenAI/Anthropic key id.
    public var externalID: String
    /// Its holder where the provider's API needs it: IAM user name, service-account e-mail,
    /// OpenAI project id.
    public var identity: String?
    /// The account (AWS account id, GCP project, GitHub organisation).
    public var account: String?

    public init(externalID: String, identity: String? = nil, account: String? = nil) {
        self.externalID = externalID
        self.identity = identity
        self.account = account
    }

    enum CodingKeys: String, CodingKey {
        case externalID = "external_id", identity, account
    }
}

/// One remediation for a connector to carry out.
public struct RemediationRequest: Sendable, Equatable {
    public var action: RemediationAction
    public var key: ExternalKeyReference

    public init(action: RemediationAction, key: ExternalKeyReference) {
        self.action = action
        self.key = key
    }
}

/// What the provider answered to a remediation.
public struct RemediationAnswer: Sendable, Equatable {
    public enum Outcome: String, Sendable, Codable {
        /// The provider made the change.
        case done
        /// The key already was in that state (inactive, or gone for a delete).
        case alreadyDone = "already_done"
        /// The provider said no; `message` says why. Leaves an open finding.
        case refused
    }

    public var outcome: Outcome
    /// The provider's own words, short and secret-free (`HTTP 403 AccessDenied: User … is not
    /// authorized to perform iam:UpdateAccessKey`); stored in the audit event and the finding.
    public var message: String
    /// HTTP status of the deciding response, when there was one.
    public var status: Int?

    public init(outcome: Outcome, message: String, status: Int? = nil) {
        self.outcome = outcome
        self.message = String(message.prefix(500))
        self.status = status
    }
}

/// A key's state at the provider, as the drill polls it.
public enum ExternalKeyState: String, Sendable, Codable {
    case active, inactive, deleted
}
