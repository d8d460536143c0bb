import KeywardCore

/// One rule of a policy: a check, its severity, which credentials it applies to, and the
/// framework items a finding of it cites.
public struct PolicyRule: Sendable, Equatable {
    public var id: String
    public var check: PolicyCheck
    public var severity: FindingSeverity
    /// Credentials the rule applies to. Unless the selector names statuses, only live ones
    /// (active, rotating): a revoked key cannot be rotated late.
    public var selector: InventorySelector
    /// Credentials excluded even if `selector` matches.
    public var exclude: InventorySelector?
    public var frameworks: [FrameworkReference]
    public var description: String?

    public init(id: String, check: PolicyCheck, severity: FindingSeverity, selector: InventorySelector = .all,
                exclude: InventorySelector? = nil, frameworks: [FrameworkReference]? = nil, description: String? = nil) {
        self.id = id
        self.check = check
        self.severity = severity
        self.selector = selector
        self.exclude = exclude
        self.frameworks = frameworks ?? check.name.frameworks
        self.description = description
    }

    public func applies(to item: InventoryItem) -> Bool {
        if selector.statuses == nil && !item.status.isLive { return false }
        guard selector.matches(item) else { return false }
        if let exclude, exclude.matches(item) { return false }
        return true
    }
}
