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
    /// user, a GCP key Google reports exposed). Reconcile them against stored findings whose rule is in `findingRules`.
    public var findings: [Finding]
    public var findingRules: Set<String>
    public var scope: DisappearanceScope
    /// Identities with a rejected row: their records are not marked disappeared, and their
    /// findings neither resolve nor change, since the file did not say what became of them.
    public var protectedIdentities: Set<String>

    public subscript<Value>(dynamicMember keyPath: KeyPath<ImportSummary, Value>) -> Value { summary[keyPath: keyPath] }

    /// Which stored findings the import's `findings` replace: those of the rules it checks, about
    /// the identities it speaks for (an export of one GCP service account's keys says nothing
    /// about another account's).
    public func isInFindingScope(_ finding: Finding) -> Bool {
        guard findingRules.contains(finding.rule), scope.providers.contains(finding.subject.provider) else { return false }
        let identity = finding.subject.identity ?? ""
        if let identities = scope.identities, !identities.contains(identity) { return false }
        return !protectedIdentities.contains(identity)
    }
}
