import KeywardCore

/// What one import did, relative to the inventory it was given.
public struct ImportResult: Sendable {
    public var kind: ImportKind
    public var file: String
    public var created: Int
    public var updated: Int
    public var unchanged: Int
    /// Existing records in the import's scope that the file no longer lists.
    public var disappeared: Int
    /// Entries deliberately not imported (GCP system-managed keys), with the reason, not errors.
    public var skipped: Int
    public var rejected: Int { rejections.count }
    /// Records to write: created, updated and disappeared ones, in their new state. Unchanged
    /// records are left out; their natural keys are in `unchangedKeys` (to bump `last_seen_at`).
    public var records: [InventoryRecord]
    public var unchangedKeys: [String]
    public var rejections: [ImportRejection]
    /// Findings the import itself raises (root account use, a console password on a machine
    /// user). Reconcile them against stored findings whose rule is in `findingRules`.
    public var findings: [Finding]
    public var findingRules: Set<String>
    public var scope: DisappearanceScope

    /// Which stored findings the import's `findings` replace: those of the rules it checks.
    public func isInFindingScope(_ finding: Finding) -> Bool {
        findingRules.contains(finding.rule) && scope.providers.contains(finding.subject.provider)
    }
}
