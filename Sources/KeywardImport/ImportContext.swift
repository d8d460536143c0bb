import KeywardCore

/// The state one import builds up while a format reader walks its file: merged records,
/// rejections with their reasons, findings, and the identities that must not be marked
/// disappeared because their rows were rejected.
struct ImportContext {
    let file: String
    let kind: ImportKind
    let now: Timestamp
    let options: ImportOptions
    var merger: InventoryMerger
    var unchanged = 0
    var skipped = 0
    var rejections: [ImportRejection] = []
    var findings: [Finding] = []
    var protectedIdentities: Set<String> = []
    private let ownSource: [String]

    init(file: String, kind: ImportKind, now: Timestamp, options: ImportOptions, existing: [InventoryRecord]) {
        self.file = file
        self.kind = kind
        self.now = now
        self.options = options
        ownSource = [kind.rawValue]
        merger = InventoryMerger(existing: existing, now: now)
    }

    /// A record built from the row on `line`. The import kind is added to its sources. Returns
    /// the record as the inventory now holds it (an existing one keeps its id and what other
    /// imports or people recorded), or nil when the row repeats an earlier one and was rejected.
    @discardableResult
    mutating func accept(_ record: InventoryRecord, line: Int) -> InventoryRecord? {
        var record = record
        if record.sources.isEmpty {
            record.sources = ownSource  // one shared array, not one per record
        } else if !record.sources.contains(kind.rawValue) {
            record.sources = (record.sources + [kind.rawValue]).sorted()
        }
        switch merger.accept(record, line: line) {
        case .created(let stored), .updated(let stored):
            return stored
        case .unchanged(let stored):
            unchanged += 1
            return stored
        case .duplicate(let first):
            reject(line: line, field: nil, reason: "lists the same credential as line \(first) (\(record.externalID ?? record.naturalKey)); kept the first")
            return nil
        }
    }

    /// Rejects one row. `identity`, when the row names one, keeps that identity's existing
    /// records from being marked disappeared.
    mutating func reject(line: Int, field: String?, reason: String, identity: String? = nil) {
        rejections.append(ImportRejection(file: file, line: line, field: field, reason: reason))
        if let identity { protectedIdentities.insert(identity) }
    }

    mutating func finish(scope: DisappearanceScope, findingRules: Set<String>) -> ImportResult {
        let disappeared = merger.markDisappeared(scope: scope, protectedIdentities: protectedIdentities)
        let summary = ImportSummary(kind: kind, file: file, created: merger.created, updated: merger.updated, unchanged: unchanged,
                                    disappeared: disappeared, skipped: skipped, rejections: rejections, findingCount: findings.count)
        return ImportResult(summary: summary, records: merger.changed, unchangedKeys: merger.unchangedKeys,
                            findings: findings, findingRules: findingRules, scope: scope,
                            protectedIdentities: protectedIdentities)
    }
}
