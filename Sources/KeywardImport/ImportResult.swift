import KeywardCore

/// What one import did, relative to the inventory it was given. The counts and rejections live
/// in ``summary`` (what `--json` and the API print) and read as `result.created`,
/// `result.rejections`… through dynamic member lookup.
@dynamicMemberLookup
public struct ImportResult: Sendable {
    public var summary: ImportSummary
    /// Records to write: created, updated and disappeared ones, in their new state. Unchanged
    /// records are left out; their natural keys are in `unchangedKeys` (to bump `last_seen_at`).
    public var records: [InventoryRecord]
    public var unchangedKeys: [String]
    /// Findings the import itself raises (root account use, a console password on a machine
    /// user). Reconcile them against stored findings whose rule is in `findingRules`.
    public var findings: [Finding]
    public var findingRules: Set<String>
    public var scope: DisappearanceScope

    public subscript<Value>(dynamicMember keyPath: KeyPath<ImportSummary, Value>) -> Value { summary[keyPath: keyPath] }

    /// Which stored findings the import's `findings` replace: those of the rules it checks.
    public func isInFindingScope(_ finding: Finding) -> Bool {
        findingRules.contains(finding.rule) && scope.providers.contains(finding.subject.provider)
    }
}
