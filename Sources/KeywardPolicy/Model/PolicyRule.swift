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
    /// Credentials excluded even if `selector` matches: any of these matching leaves one out.
    public var exclude: [InventorySelector]
    public var frameworks: [FrameworkReference]
    public var description: String?
    /// Days after a credential's creation during which the rule raises nothing about it: what a
    /// new credential is expected to lack (a purpose written down a day later) is not a finding
    /// until it is due. Nil: findings from the first evaluation. Credentials of unknown age get
    /// no grace.
    public var graceDays: Int64?

    public init(id: String, check: PolicyCheck, severity: FindingSeverity, selector: InventorySelector = .all,
                exclude: [InventorySelector] = [], frameworks: [FrameworkReference]? = nil, description: String? = nil,
                graceDays: Int64? = nil) {
        self.id = id
        self.check = check
        self.severity = severity
        self.selector = selector
        self.exclude = exclude
        self.frameworks = frameworks ?? check.name.frameworks
        self.description = description
        self.graceDays = graceDays
    }

    public func applies(to item: InventoryItem) -> Bool {
        if selector.statuses == nil && !item.status.isLive { return false }
        guard selector.matches(item) else { return false }
        return !exclude.contains { $0.matches(item) }
    }
}
