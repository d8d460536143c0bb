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

    /// One word for the report's answer and the CLI.
    public var action: String {
        switch self {
        case .unknown: return "none"
        case .revoked: return "revoked"
        case .reported: return "reported"
        case .alreadyRevoked: return "already_revoked"
        case .inactive: return "inactive"
        }
    }
}
