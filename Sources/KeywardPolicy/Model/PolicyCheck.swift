import KeywardCore

/// What a policy rule checks. Each case is one kind of control; a rule picks one, gives it a
/// threshold where it needs one, a severity and a selector.
public enum PolicyCheck: Sendable, Equatable {
    /// Older than `days` since creation.
    case maxAge(days: Int64)
    /// Has no expiry date.
    case requiredExpiry
    /// Expiry set more than `days` after creation (or none at all).
    case maxLifetime(days: Int64)
    /// Not rotated (re-keyed) within `days` (CIS AWS 2.12: 90).
    case rotationInterval(days: Int64)
    /// Not used for `days`; never used and older than `days` counts too (CIS AWS 2.11: 45).
    case unused(days: Int64)
    /// No owner; with `registered`, also an owner the registry does not know.
    case requiredOwner(registered: Bool)
    /// The owner has left (registry status `departed`).
    case ownerDeparted
    /// Inventory fields that must be filled (CIS Controls 5.5: owner, purpose, review date).
    case requiredFields([InventoryField])
    /// Carries a scope matching one of the patterns (`*admin*`), or with `wildcards`, any scope
    /// containing `*` (`*`, `billing:*`). Patterns are globs, so a literal `*` scope cannot be
    /// named as a pattern; `wildcards` says it.
    case forbiddenScopes([GlobPattern], wildcards: Bool)
    /// One credential tagged with more than one environment.
    case sharedAcrossEnvironments
    /// More than `max` live credentials for one identity (CIS: one active key per IAM user).
    case multipleActiveKeys(max: Int)
    /// Not reviewed (attested) within `days` of the last review, or of creation when never reviewed.
    case reviewInterval(days: Int64)
    /// A provider fact with a forbidden value (`key_algorithm: KEY_ALG_RSA_1024`): the hook for
    /// checks on what importers record in `attributes`.
    case forbiddenAttributes([String: [GlobPattern]])
}

/// The inventory fields `required_fields` can demand.
public enum InventoryField: String, Sendable, CaseIterable, Equatable {
    case owner, purpose, system, environment, expiresAt = "expires_at", reviewedAt = "reviewed_at"

    func isPresent(in item: InventoryItem) -> Bool {
        switch self {
        case .owner: return !(item.owner ?? "").isEmpty
        case .purpose: return !(item.purpose ?? "").isEmpty
        case .system: return !(item.system ?? "").isEmpty
        case .environment: return !item.environments.isEmpty
        case .expiresAt: return item.expiresAt != nil
        case .reviewedAt: return item.reviewedAt != nil
        }
    }
}
