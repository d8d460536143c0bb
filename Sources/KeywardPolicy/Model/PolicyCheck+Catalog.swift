import KeywardCore

extension PolicyCheck {
    /// The names a policy file uses in `check:`.
    public enum Name: String, Sendable, CaseIterable {
        case maxAge = "max_age", requiredExpiry = "required_expiry", maxLifetime = "max_lifetime"
        case rotationInterval = "rotation_interval", unused, requiredOwner = "required_owner"
        case ownerDeparted = "owner_departed", requiredFields = "required_fields", forbiddenScopes = "forbidden_scopes"
        case sharedAcrossEnvironments = "shared_across_environments", multipleActiveKeys = "multiple_active_keys"
        case reviewInterval = "review_interval", forbiddenAttributes = "forbidden_attributes"
    }

    public var name: Name {
        switch self {
        case .maxAge: return .maxAge
        case .requiredExpiry: return .requiredExpiry
        case .maxLifetime: return .maxLifetime
        case .rotationInterval: return .rotationInterval
        case .unused: return .unused
        case .requiredOwner: return .requiredOwner
        case .ownerDeparted: return .ownerDeparted
        case .requiredFields: return .requiredFields
        case .forbiddenScopes: return .forbiddenScopes
        case .sharedAcrossEnvironments: return .sharedAcrossEnvironments
        case .multipleActiveKeys: return .multipleActiveKeys
        case .reviewInterval: return .reviewInterval
        case .forbiddenAttributes: return .forbiddenAttributes
        }
    }
}

extension PolicyCheck.Name {
    /// Framework items every rule of this check maps to. Rules add version-specific controls
    /// (`CIS-AWS-7.0.0:2.12`) with `frameworks:` in the policy file, because those depend on what
    /// the rule selects, not on the check.
    public var frameworks: [FrameworkReference] {
        switch self {
        case .maxAge, .maxLifetime, .requiredExpiry: return [.nhi(7), .csf("PR.AA-01"), .csf("ID.AM-08")]
        case .rotationInterval: return [.nhi(7), .csf("PR.AA-01")]
        case .unused: return [.nhi(1), .csf("PR.AA-01"), .csf("DE.CM-03")]
        case .requiredOwner: return [.nhi(1), .csf("ID.AM-02"), .csf("PR.AA-01")]
        case .ownerDeparted: return [.nhi(1), .csf("PR.AA-01"), .csf("ID.AM-08")]
        case .requiredFields: return [.csf("ID.AM-02")]
        case .forbiddenScopes: return [.nhi(5), .csf("PR.AA-05")]
        case .sharedAcrossEnvironments: return [.nhi(8), .csf("PR.AA-05")]
        case .multipleActiveKeys: return [.nhi(9), .csf("PR.AA-01")]
        case .reviewInterval: return [.nhi(1), .csf("PR.AA-05")]
        case .forbiddenAttributes: return [.csf("PR.AA-01")]
        }
    }

    /// One line for `keyward policy checks` and the report's framework view.
    public var summary: String {
        switch self {
        case .maxAge: return "credential older than the threshold since creation"
        case .requiredExpiry: return "credential without an expiry date"
        case .maxLifetime: return "credential whose expiry lies further from its creation than the threshold"
        case .rotationInterval: return "credential not rotated within the threshold"
        case .unused: return "credential not used within the threshold (stale)"
        case .requiredOwner: return "credential without a (registered) owner"
        case .ownerDeparted: return "credential whose owner has departed"
        case .requiredFields: return "inventory fields left empty (owner, purpose, review date…)"
        case .forbiddenScopes: return "credential carrying a forbidden (wildcard or admin) scope"
        case .sharedAcrossEnvironments: return "one credential used in several environments"
        case .multipleActiveKeys: return "identity holding more live credentials than allowed"
        case .reviewInterval: return "credential not reviewed within the threshold"
        case .forbiddenAttributes: return "credential with a forbidden provider property (weak algorithm, classic token…)"
        }
    }

    /// Which settings besides the common ones a rule of this check accepts.
    var parameters: Set<String> {
        switch self {
        case .maxAge, .maxLifetime, .rotationInterval, .unused, .reviewInterval: return ["threshold"]
        case .requiredOwner: return ["require_registered"]
        case .requiredFields: return ["fields"]
        case .forbiddenScopes: return ["scopes", "wildcards"]
        case .multipleActiveKeys: return ["max_keys"]
        case .forbiddenAttributes: return ["attributes"]
        case .requiredExpiry, .ownerDeparted, .sharedAcrossEnvironments: return []
        }
    }
}
