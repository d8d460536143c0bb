/// What a leak report did to one reported token.
public enum LeakOutcome: Sendable, Equatable {
    /// Not a key of this deployment: wrong shape, bad checksum, or no such hash in the store.
    case unknown
    /// A live key, revoked now by this report.
    case revoked(KeyID)
    /// A live key left live because the policy only reports (``LeakAction/report``).
    case reported(KeyID)
    /// A key revoked before (by a person, an earlier report, or another token in this one).
    case alreadyRevoked(KeyID)
    /// An expired key: it can no longer be used, so nothing is revoked or raised.
    case inactive(KeyID)

    /// The key, when the token is one keyward issued (whatever its status): GitHub's
    /// `true_positive`.
    public var keyID: KeyID? {
        switch self {
        case .unknown: return nil
        case .revoked(let id), .reported(let id), .alreadyRevoked(let id), .inactive(let id): return id
        }
    }

    /// The label of GitHub's feedback format.
    public var label: String { keyID == nil ? "false_positive" : "true_positive" }

    /// What was done, in one word.
    public enum Action: String, Sendable, Codable, CaseIterable {
        case none, revoked, reported
        case alreadyRevoked = "already_revoked"
        case inactive
    }

    /// What was done, for the report's answer and the CLI.
    public var action: Action {
        switch self {
        case .unknown: return .none
        case .revoked: return .revoked
        case .reported: return .reported
        case .alreadyRevoked: return .alreadyRevoked
        case .inactive: return .inactive
        }
    }

    /// The outcome an answer names (`action` and `key_id` of a leak route's answer); nil when
    /// they do not fit together (an action on a key without its id, or `none` with one).
    public init?(action: Action, keyID: KeyID?) {
        switch (action, keyID) {
        case (.none, nil): self = .unknown
        case (.revoked, let id?): self = .revoked(id)
        case (.reported, let id?): self = .reported(id)
        case (.alreadyRevoked, let id?): self = .alreadyRevoked(id)
        case (.inactive, let id?): self = .inactive(id)
        default: return nil
        }
    }
}
